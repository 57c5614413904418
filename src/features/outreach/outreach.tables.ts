import type { Generated } from 'kysely';

/**
 * A case's life: unmatched (no supporter found yet) or new → sent → removed / no_response
 * (no_response → removed when the post goes later). A new case for someone who already had a
 * case starts as "repeat" instead of "new"; the repeat_of column keeps that fact once it is sent.
 */
export const CASE_STATUSES = [
  'unmatched',
  'new',
  'repeat',
  'sent',
  'removed',
  'no_response',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const PLATFORMS = [
  'twitter',
  'bluesky',
  'mastodon',
  'instagram',
  'facebook',
  'tiktok',
  'threads',
  'other',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface OutreachTables {
  /** One abusive public post by a (presumed) supporter, and what the campaign did about it. */
  outreach_cases: {
    id: Generated<number>;
    status: CaseStatus;
    platform: Platform;
    post_url: string;
    post_text: string;
    /** As the moderator wrote it. */
    handle: string | null;
    /** normaliseHandle(handle), or the handle the post's address names. */
    handle_key: string | null;
    /** As given by the moderator (normalised), for matching. */
    email: string | null;
    /** Day the post was made (YYYY-MM-DD), when known. */
    posted_on: string | null;
    /** The civility guard's view of the post when the case was recorded. */
    score: number;
    /** JSON text: string[] */
    labels: string;
    /** JSON text: CivilitySpan[] */
    spans: string;
    decision: string;
    /** people.id once matched. */
    person_id: number | null;
    /** The earlier case of the same person that made this one a repeat. */
    repeat_of: number | null;
    /** 'form' or 'csv' */
    source: string;
    /** The email as sent (kept for the case history; erased with the person). */
    request_subject: string | null;
    request_body: string | null;
    outbox_id: number | null;
    /** staff_users.id of each step. */
    created_by: number | null;
    sent_by: number | null;
    closed_by: number | null;
    created_at: string;
    updated_at: string;
    sent_at: string | null;
    /** When it became removed or no_response. */
    closed_at: string | null;
  };
  /** What happened to a case, in order: recorded, matched, sent, removed, no_response. */
  outreach_case_events: {
    id: Generated<number>;
    case_id: number;
    kind: string;
    actor_user_id: number | null;
    note: string | null;
    created_at: string;
  };
  /** Every saved version of the request template; the newest is in use. */
  outreach_templates: {
    id: Generated<number>;
    campaign_name: string;
    subject: string;
    body: string;
    created_by: number | null;
    created_at: string;
  };
}

declare module '../../infra/db/schema.js' {
  interface Database extends OutreachTables {}
}
