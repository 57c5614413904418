/** Every limit of the comments feature, in one place (each is tested with its 4xx message). */

/** Longest comment, in characters: a few paragraphs, not an essay. */
export const COMMENT_MAX_LENGTH = 5_000;
/** Longest display name shown beside a comment. */
export const DISPLAY_NAME_MAX_LENGTH = 60;
/** Longest note a reporter may add. */
export const REPORT_NOTE_MAX_LENGTH = 1_000;
/** Longest reason a moderator gives for a suspension or ban (it is emailed to the commenter). */
export const SANCTION_REASON_MAX_LENGTH = 1_000;

/** Comments one commenter may post in an hour (across all threads, confirmed or not). */
export const COMMENTS_PER_COMMENTER_PER_HOUR = 10;
/** Comments from one address in an hour: bounds confirmation mail sent to many made-up emails. */
export const COMMENTS_PER_IP_PER_HOUR = 30;
/** Reports one address may send in an hour. */
export const REPORTS_PER_IP_PER_HOUR = 10;
export const RATE_WINDOW_MS = 60 * 60 * 1000;

/** How long after posting the author may still edit their comment. */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
/** How long the emailed confirmation link works. */
export const CONFIRM_LINK_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** How long the commenter cookie keeps a confirmed commenter recognised. */
export const COMMENTER_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

/** Top-level comments per page of a thread (their replies come with them). */
export const COMMENTS_PAGE_SIZE = 50;
/** Replies nest this deep; replies to deeper ones are shown at this depth. */
export const MAX_REPLY_DEPTH = 2;
/** Items per page of the moderation queue and of the moderation log. */
export const QUEUE_PAGE_SIZE = 50;
export const LOG_PAGE_SIZE = 100;
/** Comments one bulk action may change. */
export const BULK_MAX = 200;
