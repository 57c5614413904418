import type { Generated } from 'kysely';

/** draft → open → closed (and back to open); only open campaigns take letters. */
export const CAMPAIGN_STATUSES = ['draft', 'open', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * email: each letter sent on its own, at most `hourly_limit` an hour to one target. digest: one
 * email a day to each target bundling that day's letters. mailto: supporters send it themselves.
 */
export const DELIVERY_MODES = ['email', 'digest', 'mailto'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** What happens to a letter the civility guard would hold for review: a moderator reads it, or it is refused. */
export const REVIEW_POLICIES = ['hold', 'block'] as const;
export type ReviewPolicy = (typeof REVIEW_POLICIES)[number];

/**
 * unconfirmed: waiting for the sender's email confirmation. held: confirmed, waiting for a
 * moderator. queued: waiting for its delivery slot. sending: handed to the mail outbox. sent:
 * accepted by the SMTP server (or kept in the outbox when none is configured). failed: the
 * outbox gave up, or the target has no email. bounced: marked by an organiser after a bounce.
 * mailto: confirmed, the sender sends it from their own mail. rejected: a moderator refused it.
 * withdrawn: the sender's data was erased before it went out.
 */
export const LETTER_STATUSES = [
  'unconfirmed',
  'held',
  'queued',
  'sending',
  'sent',
  'failed',
  'bounced',
  'mailto',
  'rejected',
  'withdrawn',
] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

export const REPLY_ANSWERS = ['yes', 'no'] as const;
export type ReplyAnswer = (typeof REPLY_ANSWERS)[number];

export interface LetterCampaignsTable {
  id: Generated<number>;
  slug: string;
  title: string;
  status: CampaignStatus;
  target_list_id: number;
  /** Plain text shown above the form: why write, and what to ask for. */
  brief: string;
  /** JSON array of suggested points, shown as guidance beside the editor. */
  points: string;
  /** Suggested subject; supporters may change it. */
  subject: string | null;
  /** A letter needs at least this many words, and this share of its words, of the sender's own. */
  min_own_words: number;
  min_own_percent: number;
  review_policy: ReviewPolicy;
  delivery_mode: DeliveryMode;
  /** email mode: at most this many letters to one target in any hour. */
  hourly_limit: number;
  /** 1: two weeks after delivery, ask the sender whether they had a reply. */
  follow_up: number;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  opened_at: string | null;
  closed_at: string | null;
}

export interface LettersTable {
  id: Generated<number>;
  campaign_id: number;
  target_id: number;
  /** The target's name when the letter was written (the directory may change later). */
  target_name: string;
  /** The address it was sent to, set on delivery. */
  target_email: string | null;
  delivery: DeliveryMode;
  status: LetterStatus;
  sender_name: string;
  /** Normalised. */
  sender_email: string;
  sender_postcode: string;
  sender_address: string | null;
  constituency_code: string | null;
  subject: string;
  body: string;
  word_count: number;
  own_words: number;
  own_percent: number;
  /** Shares (0–100) of the letter's 3-word phrases found in the brief, and in the closest other letter. */
  brief_similarity: number;
  letter_similarity: number;
  /** The letter's 3-word phrase hashes (similarity.ts), so later letters compare cheaply. */
  fingerprint: string;
  civility_score: number;
  /** JSON array of the guard's labels. */
  civility_labels: string;
  /** 1 when the guard asked for review: a moderator decides after confirmation. */
  needs_review: number;
  /** The consent box's wording as shown, when ticked. */
  consent_wording: string | null;
  follow_up_wanted: number;
  /** sha256 of the confirmation token: the link in the mail is the only copy. */
  confirm_token_hash: string | null;
  last_mail_at: string;
  person_id: number | null;
  /** `?source=` it came with, or `ref:<domain>` (infra/http/attribution.ts); null: neither. */
  source?: string | null;
  /** When the letter may go out (throttle slot or digest time). */
  scheduled_for: string | null;
  outbox_id: number | null;
  delivery_error: string | null;
  created_at: string;
  confirmed_at: string | null;
  delivered_at: string | null;
  moderated_by: number | null;
  moderated_at: string | null;
  moderation_note: string | null;
  follow_up_token_hash: string | null;
  follow_up_sent_at: string | null;
  reply: ReplyAnswer | null;
  replied_at: string | null;
}

export interface LetterTables {
  letter_campaigns: LetterCampaignsTable;
  letters: LettersTable;
}

declare module '../../infra/db/schema.js' {
  interface Database extends LetterTables {}
}
