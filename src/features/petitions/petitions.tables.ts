import type { Generated } from 'kysely';

export const PETITION_KINDS = ['petition', 'open_letter'] as const;
export type PetitionKind = (typeof PETITION_KINDS)[number];

/** draft → open → closed → handed_in; only open petitions take signatures. */
export const PETITION_STATUSES = ['draft', 'open', 'closed', 'handed_in'] as const;
export type PetitionStatus = (typeof PETITION_STATUSES)[number];

/** none: anyone may sign; email / membership_number: checked against the uploaded list. */
export const ELIGIBILITY_MODES = ['none', 'email', 'membership_number'] as const;
export type EligibilityMode = (typeof ELIGIBILITY_MODES)[number];

export const SIGNATURE_STATUSES = ['pending', 'confirmed', 'invalidated'] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

export interface PetitionsTable {
  id: Generated<number>;
  slug: string;
  kind: PetitionKind;
  status: PetitionStatus;
  title: string;
  /** Markdown source; rendered through the safe subset on display. */
  body: string;
  target_list_id: number | null;
  /** JSON array of target ids from that list. */
  target_ids: string;
  goal: number;
  deadline: string | null;
  custom_question: string | null;
  eligibility: EligibilityMode;
  /** Shown to signers, e.g. "Members only: enter your membership number". */
  eligibility_label: string | null;
  thank_you: string;
  share_text: string;
  /** Confirmed, not invalidated signatures; changed in the same transaction as the rows. */
  signature_count: number;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  closed_at: string | null;
  handed_in_at: string | null;
}

export interface PetitionEligibilityTable {
  petition_id: number;
  /** Normalised email key or membership number. */
  key: string;
}

export interface PetitionSignaturesTable {
  id: Generated<number>;
  petition_id: number;
  /** As entered, normalised (for mail); email_key is the stricter one-per-person key. */
  email: string;
  email_key: string;
  email_domain: string;
  name: string;
  postcode: string;
  constituency_code: string | null;
  constituency_name: string | null;
  answer: string | null;
  membership_number: string | null;
  /** 1 on the eligibility list, 0 not, null when the petition checks nothing. */
  verified: number | null;
  consent_email: number;
  /** The wording of the consent box as shown, when ticked. */
  consent_wording: string | null;
  show_name: number;
  status: SignatureStatus;
  /** sha256 of the confirmation token: the link in the mail is the only copy. */
  token_hash: string;
  /** The token_hash whose confirmation mail has been written: a retried job skips it. */
  mailed_token_hash: string | null;
  ip: string;
  disposable: number;
  person_id: number | null;
  /** `?source=` it came with, or `ref:<domain>` (infra/http/attribution.ts); null: neither. */
  source: string | null;
  created_at: string;
  confirmed_at: string | null;
  last_mail_at: string;
  invalidated_at: string | null;
}

export interface PetitionTables {
  petitions: PetitionsTable;
  petition_eligibility: PetitionEligibilityTable;
  petition_signatures: PetitionSignaturesTable;
}

declare module '../../infra/db/schema.js' {
  interface Database extends PetitionTables {}
}
