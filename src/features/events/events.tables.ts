import type { Generated } from 'kysely';

/** Events and canvassing sessions, their recurring series, and who signed up to each. */
export interface EventTables {
  event_series: {
    id: Generated<number>;
    title: string;
    /** Human description of the rule, e.g. "Every week until 2026-12-12". */
    rule: string;
    created_at: string;
  };
  events: {
    id: Generated<number>;
    slug: string;
    series_id: number | null;
    /** canvass, phone_bank, meeting, hustings, stall, training */
    type: string;
    title: string;
    /** Markdown, rendered without raw HTML. */
    description: string;
    starts_at: string;
    ends_at: string;
    venue: string | null;
    postcode: string | null;
    online_url: string | null;
    /** Derived from the postcode; null for online events. */
    seat_code: string | null;
    /** null: no limit. */
    capacity: number | null;
    waiting_list: number;
    host_staff_id: number | null;
    host_name: string | null;
    /** public or unlisted (reachable by link only). */
    visibility: string;
    /** scheduled or cancelled */
    status: string;
    created_at: string;
    updated_at: string;
  };
  event_rsvps: {
    id: Generated<number>;
    event_id: number;
    email: string;
    /** Lower-cased email: one RSVP per person per event. */
    email_key: string;
    name: string;
    postcode: string | null;
    phone: string | null;
    person_id: number | null;
    /** pending (not yet confirmed by email), confirmed, waiting, cancelled */
    status: string;
    confirm_token_hash: string;
    manage_token_hash: string;
    /** The "bring a friend" code: sign-ups through it credit this RSVP. */
    share_code: string;
    referred_by: number | null;
    consent: number;
    /** Where the sign-up came from (infra/http/attribution.ts, or an API client's `rally:source`). */
    source: string | null;
    /** Through the event's page or the API: the consent method recorded on confirmation. */
    signed_up_via: Generated<'form' | 'api'>;
    /** The consent wording an API client says the person was shown; null: CONSENT_WORDING. */
    consent_wording: string | null;
    walk_in: Generated<number>;
    checked_in_at: string | null;
    reminded_24h: Generated<number>;
    reminded_2h: Generated<number>;
    created_at: string;
    confirmed_at: string | null;
    cancelled_at: string | null;
    /** The last change an API client should see (events-feed.service.ts `modified_date`). */
    updated_at: string | null;
  };
}

export interface LiftTables {
  /** Car share: a lift offered or asked for by someone with a confirmed place. */
  event_lifts: {
    id: Generated<number>;
    event_id: number;
    rsvp_id: number;
    /** offer or request */
    kind: string;
    /** Offer: seats free; request: seats needed. */
    seats: number;
    /** Where from, as a postcode district only: the other side sees no more until both agree. */
    from_outcode: string | null;
    note: string;
    /** open or withdrawn */
    status: string;
    created_at: string;
  };
  /** A proposed pairing; contact details are shown only once both sides have confirmed it. */
  event_lift_matches: {
    id: Generated<number>;
    offer_id: number;
    request_id: number;
    offer_confirmed: number;
    request_confirmed: number;
    created_at: string;
  };
}

export interface InvitationTables {
  /** "Bring a friend" by email: who invited, and a hash of the friend's address (not the address). */
  event_invitations: {
    id: Generated<number>;
    event_id: number;
    inviter_rsvp_id: number;
    /** friendHash(email): credits the inviter when that address signs up, and stops repeats. */
    friend_hash: string;
    sent_at: string;
  };
}

declare module '../../infra/db/schema.js' {
  interface Database extends EventTables, LiftTables, InvitationTables {}
}
