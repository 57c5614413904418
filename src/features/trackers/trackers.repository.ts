import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type {
  TrackerStatusChangesTable,
  TrackerTargetsTable,
  TrackersTable,
} from './trackers.tables.js';

export type Executor = Kysely<Database>;
export type TrackerRow = Selectable<TrackersTable>;
export type NewTrackerRow = Insertable<TrackersTable>;
export type TrackerChanges = Updateable<TrackersTable>;
export type TrackerTargetRow = Selectable<TrackerTargetsTable>;
export type StatusChangeRow = Selectable<TrackerStatusChangesTable>;
export type NewStatusChangeRow = Insertable<TrackerStatusChangesTable>;

/** Rows per multi-row INSERT: well under both dialects' bound-parameter limits. */
const INSERT_CHUNK = 500;

export function findTracker(db: Executor, id: number): Promise<TrackerRow | undefined> {
  return db.selectFrom('trackers').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findTrackerBySlug(db: Executor, slug: string): Promise<TrackerRow | undefined> {
  return db.selectFrom('trackers').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function listTrackers(db: Executor, opts: { publishedOnly?: boolean } = {}) {
  let query = db.selectFrom('trackers').selectAll();
  if (opts.publishedOnly) query = query.where('published', '=', 1);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export function insertTracker(db: Executor, row: NewTrackerRow): Promise<TrackerRow> {
  return db.insertInto('trackers').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateTracker(db: Executor, id: number, changes: TrackerChanges) {
  await db.updateTable('trackers').set(changes).where('id', '=', id).execute();
}

export async function insertTrackerTargets(db: Executor, rows: TrackerTargetRow[]) {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await db
      .insertInto('tracker_targets')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
}

export function trackerTargets(db: Executor, trackerId: number): Promise<TrackerTargetRow[]> {
  return db.selectFrom('tracker_targets').selectAll().where('tracker_id', '=', trackerId).execute();
}

export function findTrackerTarget(db: Executor, trackerId: number, targetId: number) {
  return db
    .selectFrom('tracker_targets')
    .selectAll()
    .where('tracker_id', '=', trackerId)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
}

/** Statuses some target holds now (a status in use cannot be removed from the tracker). */
export async function statusesInUse(db: Executor, trackerId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('tracker_targets')
    .select('status')
    .distinct()
    .where('tracker_id', '=', trackerId)
    .execute();
  return rows.map((r) => r.status);
}

export async function setCurrentStatus(
  db: Executor,
  trackerId: number,
  targetId: number,
  current: Pick<
    TrackerTargetRow,
    'status' | 'evidence_url' | 'note' | 'changed_at' | 'changed_by_name'
  >,
) {
  await db
    .updateTable('tracker_targets')
    .set(current)
    .where('tracker_id', '=', trackerId)
    .where('target_id', '=', targetId)
    .execute();
}

export async function insertStatusChange(db: Executor, row: NewStatusChangeRow): Promise<void> {
  await db.insertInto('tracker_status_changes').values(row).execute();
}

export function historyOfTarget(
  db: Executor,
  trackerId: number,
  targetId: number,
): Promise<StatusChangeRow[]> {
  return db
    .selectFrom('tracker_status_changes')
    .selectAll()
    .where('tracker_id', '=', trackerId)
    .where('target_id', '=', targetId)
    .orderBy('changed_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function historyPage(
  db: Executor,
  trackerId: number,
  limit: number,
  offset: number,
): Promise<StatusChangeRow[]> {
  return db
    .selectFrom('tracker_status_changes')
    .selectAll()
    .where('tracker_id', '=', trackerId)
    .orderBy('changed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countHistory(db: Executor, trackerId: number): Promise<number> {
  const row = await db
    .selectFrom('tracker_status_changes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tracker_id', '=', trackerId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
