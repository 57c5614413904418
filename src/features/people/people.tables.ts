import type { Generated } from 'kysely';

export const CONSENT_CHANNELS = ['email', 'sms', 'phone', 'post'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export const CONSENT_STATUSES = ['granted', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const CONSENT_METHODS = ['form', 'import', 'admin', 'api'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export interface PeopleTables {
  /** Supporters. Rows are never deleted: erasure anonymises them so counts stay true. */
  people: {
    id: Generated<number>;
    /** Normalised (see email.ts); `erased-<id>@erased.invalid` once erased. */
    email: string;
    first_name: string | null;
    last_name: string | null;
    /** Formatted when the constituency directory recognised it. */
    postcode: string | null;
    /** Set only when the postcode maps to exactly one constituency. */
    constituency_code: string | null;
    constituency_name: string | null;
    region: string | null;
    phone: string | null;
    /** JSON text: string[] */
    tags: string;
    /** JSON text: Record<string, string> */
    custom_fields: string;
    /** Where the record first came from, e.g. "petition:save-the-library" or "import:list.csv". */
    source: string;
    /** Lower-cased "email first last", kept by the service so search is the same on both dialects. */
    search_text: string;
    created_at: string;
    updated_at: string;
    erased_at: string | null;
  };
  /** Every consent given or withdrawn, with the wording shown: the proof, never updated. */
  consents: {
    id: Generated<number>;
    person_id: number;
    channel: ConsentChannel;
    status: ConsentStatus;
    method: ConsentMethod;
    wording: string;
    source: string;
    created_at: string;
  };
  activities: {
    id: Generated<number>;
    person_id: number;
    /** e.g. signed, letter, comment, imported, consent, edited */
    kind: string;
    summary: string;
    ref_type: string | null;
    ref_id: string | null;
    /** JSON text, or null */
    data: string | null;
    created_at: string;
  };
  segments: {
    id: Generated<number>;
    name: string;
    /** JSON text: PeopleFilters */
    filters: string;
    /** staff_users.id */
    created_by: number | null;
    created_at: string;
    updated_at: string;
  };
}

declare module '../../infra/db/schema.js' {
  interface Database extends PeopleTables {}
}
