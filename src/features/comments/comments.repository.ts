import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type {
  CommentStatus,
  CommentTables,
  ModerationMode,
  ReportReason,
} from './comments.tables.js';

export type ThreadRow = Selectable<CommentTables['comment_threads']>;
export type CommenterRow = Selectable<CommentTables['commenters']>;
export type CommentRow = Selectable<CommentTables['comments']>;
export type ReportRow = Selectable<CommentTables['comment_reports']>;
export type LogRow = Selectable<CommentTables['comment_moderation_log']>;
export type NewCommentRow = Omit<CommentTables['comments'], 'id'>;
export type CommentPatch = Partial<NewCommentRow>;
export type CommenterPatch = Partial<Omit<CommentTables['commenters'], 'id'>>;
type Executor = Kysely<Database>;

/** The moderation queue's tabs: a status, or "reported" (open reports, whatever the status). */
export const QUEUE_TABS = ['held', 'reported', 'pending', 'approved', 'rejected'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

// ---- threads -----------------------------------------------------------------------------------

export async function upsertThread(
  db: Executor,
  thread: { key: string; title: string; url: string },
  now: string,
): Promise<ThreadRow> {
  return db
    .insertInto('comment_threads')
    .values({ ...thread, mode: 'post', open: 1, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ title: thread.title, url: thread.url, updated_at: now }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findThread(db: Executor, id: number) {
  return db.selectFrom('comment_threads').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findThreadByKey(db: Executor, key: string) {
  return db.selectFrom('comment_threads').selectAll().where('key', '=', key).executeTakeFirst();
}

/** The oldest thread whose key starts with the prefix, e.g. "petition:". */
export function firstThreadWithKeyPrefix(db: Executor, prefix: string) {
  const pattern = `${prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return db
    .selectFrom('comment_threads')
    .selectAll()
    .where(sql<boolean>`${sql.ref('key')} like ${pattern} escape '\\'`)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

export async function updateThreadSettings(
  db: Executor,
  id: number,
  settings: { mode: ModerationMode; open: number },
  now: string,
): Promise<void> {
  await db
    .updateTable('comment_threads')
    .set({ ...settings, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Every thread with its number of visible comments and of comments waiting for a moderator. */
export async function countThreads(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('comment_threads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Threads, most recently active first, with their counts; one page of them when asked. */
export async function listThreadsWithCounts(
  db: Executor,
  page?: { limit: number; offset: number },
) {
  let q = db
    .selectFrom('comment_threads as t')
    .selectAll('t')
    .select((eb) => [
      eb
        .selectFrom('comments as c')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('c.thread_id', '=', 't.id')
        .where('c.status', '=', 'approved')
        .as('visible'),
      eb
        .selectFrom('comments as c')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('c.thread_id', '=', 't.id')
        .where('c.status', 'in', ['held', 'pending'])
        .as('waiting'),
    ])
    .orderBy('t.updated_at', 'desc')
    .orderBy('t.id', 'desc');
  if (page) q = q.limit(page.limit).offset(page.offset);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, visible: Number(r.visible), waiting: Number(r.waiting) }));
}

// ---- commenters --------------------------------------------------------------------------------

export function findCommenter(db: Executor, id: number) {
  return db.selectFrom('commenters').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCommenterByEmail(db: Executor, email: string) {
  return db.selectFrom('commenters').selectAll().where('email', '=', email).executeTakeFirst();
}

/** The commenter with this (normalised) email, created unconfirmed when new. */
export async function ensureCommenter(
  db: Executor,
  email: string,
  displayName: string,
  now: string,
): Promise<CommenterRow> {
  await db
    .insertInto('commenters')
    .values({
      email,
      display_name: displayName,
      confirmed_at: null,
      suspended_until: null,
      banned_at: null,
      sanction_reason: null,
      person_id: null,
      erased_at: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const row = await findCommenterByEmail(db, email);
  if (!row) throw new Error(`commenter ${email} vanished after insert`);
  return row;
}

export async function updateCommenter(
  db: Executor,
  id: number,
  patch: CommenterPatch,
): Promise<void> {
  await db.updateTable('commenters').set(patch).where('id', '=', id).execute();
}

/** A person's commenter records: linked on confirmation, or still unconfirmed under their email. */
export function commentersOfPerson(db: Executor, personId: number, email: string) {
  return db
    .selectFrom('commenters')
    .selectAll()
    .where((eb) => eb.or([eb('person_id', '=', personId), eb('email', '=', email)]))
    .orderBy('id')
    .execute();
}

// ---- comments ----------------------------------------------------------------------------------

export async function insertComment(db: Executor, row: NewCommentRow): Promise<CommentRow> {
  return db.insertInto('comments').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findComment(db: Executor, id: number) {
  return db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCommentByTokenHash(db: Executor, hash: string) {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('confirm_token_hash', '=', hash)
    .executeTakeFirst();
}

/** Applies the patch only while the comment still has one of `fromStatuses`; true if it did. */
export async function updateComment(
  db: Executor,
  id: number,
  patch: CommentPatch,
  fromStatuses?: readonly CommentStatus[],
): Promise<boolean> {
  let q = db.updateTable('comments').set(patch).where('id', '=', id);
  if (fromStatuses) q = q.where('status', 'in', fromStatuses);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function countSince(
  db: Executor,
  column: 'commenter_id' | 'ip',
  value: number | string,
  since: string,
): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', value)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function countCommentsByCommenterSince(db: Executor, commenterId: number, since: string) {
  return countSince(db, 'commenter_id', commenterId, since);
}

export function countCommentsByIpSince(db: Executor, ip: string, since: string) {
  return countSince(db, 'ip', ip, since);
}

export async function countVisible(db: Executor, threadId: number): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('thread_id', '=', threadId)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function latestVisible(db: Executor, threadId: number, limit: number) {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('status', '=', 'approved')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Top-level comments shown on a thread page: visible ones, and removed ones that still have a
 * visible reply (shown as a placeholder so the conversation keeps its shape). Newest first.
 */
function shownRoots(db: Executor, threadId: number) {
  return db
    .selectFrom('comments as c')
    .where('c.thread_id', '=', threadId)
    .where('c.depth', '=', 0)
    .where((eb) =>
      eb.or([
        eb('c.status', '=', 'approved'),
        eb.exists(
          eb
            .selectFrom('comments as r')
            .select('r.id')
            .whereRef('r.root_id', '=', 'c.id')
            .where('r.status', '=', 'approved'),
        ),
      ]),
    );
}

export async function countShownRoots(db: Executor, threadId: number): Promise<number> {
  const row = await shownRoots(db, threadId)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function listShownRoots(db: Executor, threadId: number, offset: number, limit: number) {
  return shownRoots(db, threadId)
    .selectAll('c')
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
}

/** The replies under these top-level comments, oldest first, with any status. */
export async function listReplies(db: Executor, rootIds: number[]): Promise<CommentRow[]> {
  if (rootIds.length === 0) return [];
  return db
    .selectFrom('comments')
    .selectAll()
    .where('root_id', 'in', rootIds)
    .where('status', '!=', 'unconfirmed')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The commenter's comments on the thread that wait for a moderator. */
export function awaitingOf(db: Executor, threadId: number, commenterId: number) {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('commenter_id', '=', commenterId)
    .where('status', 'in', ['held', 'pending'])
    .orderBy('created_at', 'desc')
    .execute();
}

export function commentsOfCommenter(db: Executor, commenterId: number) {
  return db
    .selectFrom('comments as c')
    .innerJoin('comment_threads as t', 't.id', 'c.thread_id')
    .selectAll('c')
    .select(['t.key as thread_key', 't.title as thread_title'])
    .where('c.commenter_id', '=', commenterId)
    .orderBy('c.id')
    .execute();
}

export function findComments(db: Executor, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([] as CommentRow[]);
  return db.selectFrom('comments').selectAll().where('id', 'in', ids).execute();
}

// ---- the moderation queue ----------------------------------------------------------------------

function queueBase(db: Executor, tab: QueueTab) {
  const q = db
    .selectFrom('comments as c')
    .innerJoin('comment_threads as t', 't.id', 'c.thread_id')
    .innerJoin('commenters as u', 'u.id', 'c.commenter_id');
  if (tab !== 'reported') return q.where('c.status', '=', tab);
  return q
    .where('c.status', '!=', 'unconfirmed')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('comment_reports as r')
          .select('r.id')
          .whereRef('r.comment_id', '=', 'c.id')
          .where('r.resolved_at', 'is', null),
      ),
    );
}

export async function countQueue(db: Executor, tab: QueueTab): Promise<number> {
  const row = await queueBase(db, tab)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Waiting items oldest first (first come, first served); decided ones newest first. */
export function listQueue(db: Executor, tab: QueueTab, offset: number, limit: number) {
  const waiting = tab === 'held' || tab === 'pending' || tab === 'reported';
  return queueBase(db, tab)
    .selectAll('c')
    .select([
      't.title as thread_title',
      't.key as thread_key',
      'u.email as commenter_email',
      'u.display_name as commenter_name',
      'u.banned_at as commenter_banned_at',
      'u.suspended_until as commenter_suspended_until',
    ])
    .orderBy('c.created_at', waiting ? 'asc' : 'desc')
    .orderBy('c.id', waiting ? 'asc' : 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
}

export type QueueRow = Awaited<ReturnType<typeof listQueue>>[number];

// ---- reports -----------------------------------------------------------------------------------

export async function insertReport(
  db: Executor,
  report: { commentId: number; reason: ReportReason; note: string | null; ip: string },
  now: string,
): Promise<void> {
  await db
    .insertInto('comment_reports')
    .values({
      comment_id: report.commentId,
      reason: report.reason,
      note: report.note,
      ip: report.ip,
      created_at: now,
      resolved_at: null,
      resolved_by: null,
    })
    .execute();
}

export async function countReportsByIpSince(db: Executor, ip: string, since: string) {
  const row = await db
    .selectFrom('comment_reports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ip', '=', ip)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function hasOpenReportFrom(db: Executor, commentId: number, ip: string) {
  const row = await db
    .selectFrom('comment_reports')
    .select('id')
    .where('comment_id', '=', commentId)
    .where('ip', '=', ip)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export function reportsFor(db: Executor, commentIds: number[]) {
  if (commentIds.length === 0) return Promise.resolve([] as ReportRow[]);
  return db
    .selectFrom('comment_reports')
    .selectAll()
    .where('comment_id', 'in', commentIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function resolveReports(
  db: Executor,
  commentId: number,
  by: number | null,
  now: string,
): Promise<void> {
  await db
    .updateTable('comment_reports')
    .set({ resolved_at: now, resolved_by: by })
    .where('comment_id', '=', commentId)
    .where('resolved_at', 'is', null)
    .execute();
}

// ---- the moderation log ------------------------------------------------------------------------

export async function insertLog(
  db: Executor,
  entry: Omit<CommentTables['comment_moderation_log'], 'id'>,
): Promise<void> {
  await db.insertInto('comment_moderation_log').values(entry).execute();
}

export async function countLog(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('comment_moderation_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function listLog(db: Executor, offset: number, limit: number) {
  return db
    .selectFrom('comment_moderation_log as l')
    .leftJoin('comment_threads as t', 't.id', 'l.thread_id')
    .leftJoin('commenters as u', 'u.id', 'l.commenter_id')
    .selectAll('l')
    .select(['t.title as thread_title', 'u.display_name as commenter_name'])
    .orderBy('l.id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
}

export function logOfCommenter(db: Executor, commenterId: number) {
  return db
    .selectFrom('comment_moderation_log')
    .selectAll()
    .where('commenter_id', '=', commenterId)
    .orderBy('id', 'desc')
    .execute();
}

/** Erasure: log lines that quoted the person lose those words. */
export async function scrubLog(
  db: Executor,
  commenterId: number,
  scrub: (text: string) => string,
): Promise<void> {
  for (const entry of await logOfCommenter(db, commenterId)) {
    const details = scrub(entry.details);
    if (details !== entry.details)
      await db
        .updateTable('comment_moderation_log')
        .set({ details })
        .where('id', '=', entry.id)
        .execute();
  }
}
