/**
 * The comments feature's public API for other features: a page that takes comments (a petition,
 * an open letter, later letters and storms) registers its thread when published, and embeds a
 * small preview that links to the full discussion at /comments/:id.
 */
import { type Db, nowIso } from '../../infra/db/database.js';
import { parseWebUrl } from '../../infra/validation/text-rules.js';
import * as repo from './comments.repository.js';
import type { CommentRow } from './comments.repository.js';
import { type CommentThread, toThread } from './comment-thread.js';

export { type CommentThread, commentThreadPath, toThread } from './comment-thread.js';

/** "feature:id", e.g. "petition:42" or "storm:save-the-bus". */
export const THREAD_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,39}:[A-Za-z0-9_.-]{1,100}$/;
export const THREAD_TITLE_MAX_LENGTH = 200;
export const THREAD_URL_MAX_LENGTH = 2_000;
/** Comments shown in an embedded preview unless the caller asks for another number. */
export const PREVIEW_DEFAULT_LIMIT = 3;
export const PREVIEW_MAX_LIMIT = 20;

/** A path on this site ("/p/x", never "//host" or "/\host") or an http(s) address. */
export function isSafePageUrl(url: string): boolean {
  if (url.length === 0 || url.length > THREAD_URL_MAX_LENGTH) return false;
  if ([...url].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\x7f' || ch === '\\')) return false;
  if (url.startsWith('/')) return !url.startsWith('//');
  return parseWebUrl(url) !== null;
}

/**
 * Creates the thread of a page, or updates its title and address when it exists (mode and
 * open/closed, which moderators set, are kept). New threads are post-moderated and open.
 * Throws on a malformed key, an empty title or an unsafe URL: those are programming errors.
 */
export async function registerCommentThread(
  db: Db,
  thread: { key: string; title: string; url: string },
): Promise<CommentThread> {
  if (!THREAD_KEY_PATTERN.test(thread.key))
    throw new Error(`comment thread key "${thread.key}" must look like "petition:42"`);
  const title = thread.title.replace(/\s+/g, ' ').trim().slice(0, THREAD_TITLE_MAX_LENGTH);
  if (!title) throw new Error('a comment thread needs a title');
  if (!isSafePageUrl(thread.url))
    throw new Error(`comment thread url "${thread.url}" must be a site path or an http(s) URL`);
  return toThread(
    await repo.upsertThread(db.kysely, { key: thread.key, title, url: thread.url }, nowIso()),
  );
}

export async function findCommentThread(db: Db, key: string): Promise<CommentThread | undefined> {
  const row = await repo.findThreadByKey(db.kysely, key);
  return row ? toThread(row) : undefined;
}

/** A comment as a preview shows it. */
export type PreviewComment = Pick<CommentRow, 'author_name' | 'created_at' | 'body'>;

/** What a page's comments preview shows; `thread` is undefined when the page has none. */
export interface CommentsPreview {
  thread: CommentThread | undefined;
  /** Visible comments in the whole thread. */
  count: number;
  /** The latest few visible comments, newest first. */
  latest: PreviewComment[];
}

/**
 * The data of a preview for another feature's public page, which renders it with
 * `commentsPreviewSection` (comments.public.views.ts).
 */
export async function loadCommentsPreview(
  db: Db,
  key: string,
  opts: { limit?: number } = {},
): Promise<CommentsPreview> {
  const row = await repo.findThreadByKey(db.kysely, key);
  const limit = Math.max(
    0,
    Math.min(PREVIEW_MAX_LIMIT, Math.floor(opts.limit ?? PREVIEW_DEFAULT_LIMIT)),
  );
  const [count, latest] = row
    ? await Promise.all([
        repo.countVisible(db.kysely, row.id),
        limit > 0 ? repo.latestVisible(db.kysely, row.id, limit) : Promise.resolve([]),
      ])
    : [0, []];
  return { thread: row ? toThread(row) : undefined, count, latest };
}

/**
 * Opens or closes a page's discussion from the owning feature (e.g. when a petition closes).
 * Closed discussions stay readable; returns false when the page has no thread.
 */
export async function setCommentThreadOpen(db: Db, key: string, open: boolean): Promise<boolean> {
  const row = await repo.findThreadByKey(db.kysely, key);
  if (!row) return false;
  await repo.updateThreadSettings(
    db.kysely,
    row.id,
    { mode: row.mode, open: open ? 1 : 0 },
    nowIso(),
  );
  return true;
}

/** A comment as a conduct case quotes it: its words and who wrote it (undefined when gone). */
export async function commentForCase(
  db: Db,
  commentId: number,
): Promise<{ body: string; authorName: string; email: string | null } | undefined> {
  const comment = await repo.findComment(db.kysely, commentId);
  if (!comment) return undefined;
  const commenter = await repo.findCommenter(db.kysely, comment.commenter_id);
  return {
    body: comment.body,
    authorName: comment.author_name,
    email: commenter && !commenter.erased_at ? commenter.email : null,
  };
}
