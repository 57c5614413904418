import type { Generated } from 'kysely';

/**
 * A case's life (cases.rules.ts has the transitions): a public complaint waits `unconfirmed`
 * until the complainant clicks the emailed link, then received → acknowledged → investigating →
 * decision (a proposal, confirmed by a second person above a warning) → appeal_window →
 * (appealed →) closed.
 */
export const CASE_STATUSES = [
  'unconfirmed',
  'received',
  'acknowledged',
  'investigating',
  'decision',
  'appeal_window',
  'appealed',
  'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CATEGORIES = [
  'online_abuse',
  'harassment',
  'bullying',
  'discrimination',
  'threats',
  'misconduct_at_event',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const OUTCOMES = [
  'no_action',
  'advice',
  'warning',
  'comment_suspension',
  'role_removal',
  'referral',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Where a case came from: the public form, or staff from another part of Rally. */
export const SOURCES = [
  'public',
  'staff',
  'comment',
  'outreach',
  'event_checkin',
  'person',
] as const;
export type CaseSource = (typeof SOURCES)[number];

export const EVIDENCE_KINDS = ['text', 'link', 'file', 'reply'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface CasesTables {
  conduct_cases: {
    id: Generated<number>;
    status: CaseStatus;
    category: Category;
    /** What is alleged, as the complainant (or the staff member opening it) wrote it. */
    summary: string;
    complainant_name: string | null;
    complainant_email: string | null;
    complainant_person_id: number | null;
    /** 1: the respondent is not told who complained. */
    complainant_anonymous: number;
    confirm_token_hash: string | null;
    respondent_name: string;
    respondent_email: string | null;
    respondent_person_id: number | null;
    /** sha256 of the respondent's link token (reply, then appeal). */
    respondent_token_hash: string | null;
    source: CaseSource;
    source_ref: string | null;
    handler_id: number | null;
    opened_by: number | null;
    created_at: string;
    received_at: string | null;
    acknowledged_at: string | null;
    respondent_notified_at: string | null;
    reply_due_at: string | null;
    replied_at: string | null;
    /** The next deadline the campaign owes, and what it is for: past it, the case is late. */
    next_due_at: string | null;
    next_due_what: string | null;
    outcome: Outcome | null;
    outcome_reasons: string | null;
    /** End of a suspension (YYYY-MM-DD). */
    outcome_until: string | null;
    /** What applying the outcome did elsewhere (e.g. "commenter 12 suspended"). */
    outcome_applied: string | null;
    proposed_by: number | null;
    proposed_at: string | null;
    confirmed_by: number | null;
    decided_at: string | null;
    appeal_due_at: string | null;
    appealed_at: string | null;
    appeal_grounds: string | null;
    appeal_reviewer_id: number | null;
    appeal_result: string | null;
    appeal_reasons: string | null;
    appeal_decided_at: string | null;
    closed_at: string | null;
    minimised_at: string | null;
    updated_at: string;
  };
  conduct_case_evidence: {
    id: Generated<number>;
    case_id: number;
    kind: EvidenceKind;
    /** The text, the link, or a file's description. */
    body: string;
    file_name: string | null;
    mime_type: string | null;
    byte_size: number | null;
    /** The bytes, when kept in the database… */
    content: Buffer | null;
    /** …or their file's name in CASE_FILES_DIR. */
    stored_name: string | null;
    /** The civility guard's reading of quoted text (null for links and files). */
    guard_score: number | null;
    guard_decision: string | null;
    /** JSON text: string[] */
    guard_labels: string | null;
    /** 'complainant' | 'respondent' | 'staff' */
    added_by_party: string;
    added_by: number | null;
    created_at: string;
  };
  /** The case's history: every step, who took it and when. */
  conduct_case_events: {
    id: Generated<number>;
    case_id: number;
    kind: string;
    actor_id: number | null;
    note: string | null;
    created_at: string;
  };
  conduct_case_conflicts: {
    case_id: number;
    staff_id: number;
    note: string;
    created_at: string;
  };
  /** Every time a staff member opened a case or one of its files. */
  conduct_case_views: {
    id: Generated<number>;
    case_id: number;
    staff_id: number;
    what: string;
    created_at: string;
  };
}

declare module '../../infra/db/schema.js' {
  interface Database extends CasesTables {}
}
