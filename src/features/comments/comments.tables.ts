import type { Generated } from 'kysely';

/** post: published unless the guard holds it; pre: every comment waits for a moderator. */
export const MODERATION_MODES = ['post', 'pre'] as const;
export type ModerationMode = (typeof MODERATION_MODES)[number];

/**
 * unconfirmed: the writer has not yet confirmed their email (never shown, not in the queue);
 * held: the civility guard asked for review; pending: waiting for approval (pre-moderation);
 * approved: visible (published automatically or by a moderator); rejected: removed.
 */
export const COMMENT_STATUSES = ['unconfirmed', 'held', 'pending', 'approved', 'rejected'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

export const REPORT_REASONS = ['abusive', 'spam', 'off-topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export interface CommentThreadsTable {
  id: Generated<number>;
  /** The owning page, e.g. "petition:42": unique, chosen by the feature that owns the page. */
  key: string;
  title: string;
  /** Where the owning page lives: a path on this site or an http(s) URL. */
  url: string;
  mode: ModerationMode;
  /** 0: "comments are closed", nothing new is accepted. */
  open: number;
  created_at: string;
  updated_at: string;
}

export interface CommentersTable {
  id: Generated<number>;
  /** Normalised; `erased-commenter-<id>@erased.invalid` once erased. */
  email: string;
  display_name: string;
  /** Set when they first clicked a confirmation link: their double opt-in. */
  confirmed_at: string | null;
  /** Cannot post until then. */
  suspended_until: string | null;
  banned_at: string | null;
  /** Why they were suspended or banned, as told to them. */
  sanction_reason: string | null;
  person_id: number | null;
  erased_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CommentsTable {
  id: Generated<number>;
  thread_id: number;
  commenter_id: number;
  /** The comment it answers (null for a top-level comment). */
  parent_id: number | null;
  /** The top-level comment of its conversation (null for a top-level comment). */
  root_id: number | null;
  /** 0 top level, 1 reply, 2 reply to a reply; deeper replies are shown at 2 (flattened). */
  depth: number;
  /** The author's name as shown with this comment. */
  author_name: string;
  /** Plain text as written; never rendered as HTML. */
  body: string;
  status: CommentStatus;
  /** The guard's assessment of the current body. */
  guard_decision: 'allow' | 'review';
  guard_score: number;
  /** JSON text: string[] */
  guard_labels: string;
  /** JSON text: CivilitySpan[] */
  guard_spans: string;
  /** sha256 of the single-use confirmation link token while unconfirmed. */
  confirm_token_hash: string | null;
  /** The consent box's wording when ticked; recorded as consent once the email is confirmed. */
  consent_wording: string | null;
  ip: string;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
  published_at: string | null;
  moderated_at: string | null;
  moderated_by: number | null;
}

export interface CommentReportsTable {
  id: Generated<number>;
  comment_id: number;
  reason: ReportReason;
  note: string | null;
  ip: string;
  created_at: string;
  /** Set when a moderator approved or rejected the comment after the report. */
  resolved_at: string | null;
  resolved_by: number | null;
}

export interface CommentModerationLogTable {
  id: Generated<number>;
  actor_user_id: number | null;
  /** The moderator's name at the time (the log outlives staff accounts). */
  actor_name: string;
  action: string;
  comment_id: number | null;
  commenter_id: number | null;
  thread_id: number | null;
  /** One line for people: what changed, e.g. "suspended until 2025-03-01: spam". */
  details: string;
  created_at: string;
}

export interface CommentTables {
  comment_threads: CommentThreadsTable;
  commenters: CommentersTable;
  comments: CommentsTable;
  comment_reports: CommentReportsTable;
  comment_moderation_log: CommentModerationLogTable;
}

declare module '../../infra/db/schema.js' {
  interface Database extends CommentTables {}
}
