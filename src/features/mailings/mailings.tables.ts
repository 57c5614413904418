import type { Generated } from 'kysely';

/**
 * draft → scheduled → sending → sent; draft/scheduled/sending → cancelled. `failed` when the
 * audience could not be built (a segment was deleted after saving).
 */
export const MAILING_STATUSES = [
  'draft',
  'scheduled',
  'sending',
  'sent',
  'cancelled',
  'failed',
] as const;
export type MailingStatus = (typeof MAILING_STATUSES)[number];

/**
 * held: outside a subject test's slice, waiting for the winning subject (then queued).
 * queued: waiting. sending: claimed by a worker, no end-of-data dot written yet (a crash puts it
 * back in the queue). handed_off: recorded immediately before its dot was written (see handoff.ts):
 * after a crash it is counted sent and never sent again. sent: accepted by the server. failed:
 * refused, or interrupted after the dot before the server answered.
 * bounced/complained/unsubscribed: what came back later. skipped: malformed address, never sent.
 * cancelled: the mailing was cancelled before this one went.
 */
export const RECIPIENT_STATUSES = [
  'held',
  'queued',
  'sending',
  'handed_off',
  'sent',
  'failed',
  'bounced',
  'complained',
  'unsubscribed',
  'skipped',
  'cancelled',
] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/** Why an address is never mailed again, whatever a segment says. */
export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface MailingsTable {
  id: Generated<number>;
  status: MailingStatus;
  subject: string;
  preheader: string;
  /** Display name only: the address stays MAIL_FROM (DKIM/SPF alignment). */
  from_name: string;
  reply_to: string | null;
  body_markdown: string;
  /** JSON arrays of segment ids. */
  segment_ids: string;
  exclude_segment_ids: string;
  /** 1: links go through signed redirects that count clicks (off by default). */
  click_tracking: number;
  /** 1: the count-only audit is public at /mailings/:id/audit. */
  audit_public: number;
  /** The petition `{{petition_url}}` links to. */
  petition_id: Generated<number | null>;
  /** The letter campaign `{{letter_url}}` links to. */
  letter_campaign_id: Generated<number | null>;
  /** The event `{{event_url}}` links to. */
  event_id: Generated<number | null>;
  /** JSON string[]: subject lines B and C of a subject test (A is `subject`). */
  subject_variants: Generated<string>;
  /** Share of the audience (1–50 %) that gets the test; null: no test. */
  test_percent: Generated<number | null>;
  /** Hours between sending the test and choosing the winner. */
  test_wait_hours: Generated<number | null>;
  test_decide_at: Generated<string | null>;
  /** 'a', 'b' or 'c' once chosen. */
  test_winner: Generated<string | null>;
  scheduled_at: string | null;
  /** JSON AudienceBreakdown, written when the recipient rows are built. */
  audience: string | null;
  /** Why the mailing failed (e.g. a segment deleted since saving). */
  error: string | null;
  /** A batch in flight holds this until it has recorded its results (see sending.ts). */
  lease_until: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/**
 * One row per person per mailing. The person's region, constituency, tags and join date are
 * copied at send time: the delivery audit shows who actually received it, whatever changes later.
 */
export interface MailingRecipientsTable {
  id: Generated<number>;
  mailing_id: number;
  person_id: number;
  email: string;
  status: RecipientStatus;
  smtp_response: string | null;
  region: string | null;
  constituency_code: string | null;
  /** JSON string[] */
  tags: string;
  person_created_at: string;
  /** JSON MergeValues copied at build time, so sending reads one table; emptied on erasure. */
  merge_data: string;
  soft_bounces: number;
  /** Subject variant ('a', 'b', 'c') in a subject test; null when the mailing has none. */
  variant: Generated<string | null>;
  clicked_at: string | null;
  sent_at: string | null;
  /** Which run claimed a `sending` row: only that run may record it handed off. */
  claim_token: Generated<string | null>;
  updated_at: string;
}

export interface MailSuppressionsTable {
  /** Normalised (lower-case) address. */
  email: string;
  reason: SuppressionReason;
  /** e.g. "mailing:12", "dsn", "bounce-csv", "one-click". */
  source: string;
  created_at: string;
}

export interface MailingsTables {
  mailings: MailingsTable;
  mailing_recipients: MailingRecipientsTable;
  mail_suppressions: MailSuppressionsTable;
}

declare module '../../infra/db/schema.js' {
  interface Database extends MailingsTables {}
}
