import { type Insertable, type Kysely, type Selectable, type Updateable, sql } from 'kysely';
import type { Db } from '../../infra/db/database.js';
import type { Database } from '../../infra/db/schema.js';
import type { TargetListFields } from './targets.rules.js';
import type { TargetListsTable, TargetsTable } from './targets.tables.js';

export type TargetListRow = Selectable<TargetListsTable>;
export type TargetRow = Selectable<TargetsTable>;
export type NewTargetRow = Insertable<TargetsTable>;
export type TargetChanges = Updateable<TargetsTable>;
export type Executor = Kysely<Database>;

const CONTACT_COLUMNS = [
  'targets.id',
  'targets.name',
  'targets.role',
  'targets.party',
  'targets.email',
  'targets.twitter',
  'targets.bluesky',
  'targets.mastodon',
  'targets.facebook',
  'targets.phone',
] as const;
export type TargetContactRow = Pick<
  TargetRow,
  (typeof CONTACT_COLUMNS)[number] extends `targets.${infer C}` ? C : never
>;

/** Rows per multi-row INSERT: well under both dialects' bound-parameter limits at 18 columns. */
const INSERT_CHUNK = 500;

export function findListBySlug(db: Executor, slug: string): Promise<TargetListRow | undefined> {
  return db.selectFrom('target_lists').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function listListsWithCounts(db: Db) {
  return db.kysely
    .selectFrom('target_lists')
    .leftJoin('targets', 'targets.list_id', 'target_lists.id')
    .select([
      'target_lists.id',
      'target_lists.slug',
      'target_lists.name',
      'target_lists.description',
      'target_lists.updated_at',
      (eb) => eb.fn.count<number>('targets.id').as('target_count'),
    ])
    .groupBy([
      'target_lists.id',
      'target_lists.slug',
      'target_lists.name',
      'target_lists.description',
      'target_lists.updated_at',
    ])
    .orderBy('target_lists.name')
    .execute();
}

export async function insertList(
  db: Executor,
  fields: TargetListFields,
  now: string,
): Promise<TargetListRow> {
  return db
    .insertInto('target_lists')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function touchList(db: Executor, listId: number, now: string): Promise<void> {
  await db.updateTable('target_lists').set({ updated_at: now }).where('id', '=', listId).execute();
}

export function findByDivision(db: Db, listSlug: string, divisionCode: string) {
  return db.kysely
    .selectFrom('targets')
    .innerJoin('target_lists', 'target_lists.id', 'targets.list_id')
    .select(CONTACT_COLUMNS)
    .where('target_lists.slug', '=', listSlug)
    .where('targets.division_code', '=', divisionCode)
    .orderBy('targets.name')
    .orderBy('targets.id')
    .execute();
}

export interface TargetFilters {
  /** Matches name, division or organisation, case-insensitively. */
  q?: string | undefined;
  party?: string | undefined;
  /** Matches division code exactly or division name case-insensitively. */
  division?: string | undefined;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filtered(db: Db, listId: number, filters: TargetFilters) {
  let query = db.kysely.selectFrom('targets').where('list_id', '=', listId);
  if (filters.q) {
    const pattern = likePattern(filters.q);
    query = query.where((eb) =>
      eb.or(
        ['name', 'division_name', 'organisation', 'role'].map(
          (col) => sql<boolean>`lower(${sql.ref(col)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  if (filters.party) query = query.where('party', '=', filters.party);
  if (filters.division) {
    const division = filters.division;
    query = query.where((eb) =>
      eb.or([
        eb('division_code', '=', division),
        sql<boolean>`lower(division_name) = ${division.toLowerCase()}`,
      ]),
    );
  }
  return query;
}

export async function countTargets(db: Db, listId: number, filters: TargetFilters) {
  const row = await filtered(db, listId, filters)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function pageOfTargets(
  db: Db,
  listId: number,
  filters: TargetFilters,
  limit: number,
  offset: number,
): Promise<TargetRow[]> {
  return filtered(db, listId, filters)
    .selectAll()
    .orderBy('name')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function partiesOf(db: Db, listId: number): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('targets')
    .select('party')
    .distinct()
    .where('list_id', '=', listId)
    .where('party', 'is not', null)
    .orderBy('party')
    .execute();
  return rows.map((r) => r.party).filter((p): p is string => p !== null);
}

export function findTarget(db: Executor, listId: number, id: number) {
  return db
    .selectFrom('targets')
    .selectAll()
    .where('list_id', '=', listId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findTargets(db: Executor, listId: number, ids: readonly number[]) {
  return db
    .selectFrom('targets')
    .selectAll()
    .where('list_id', '=', listId)
    .where('id', 'in', ids)
    .execute();
}

export function findByExternalId(db: Executor, listId: number, externalId: string) {
  return db
    .selectFrom('targets')
    .selectAll()
    .where('list_id', '=', listId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export function allTargetsOf(db: Executor, listId: number): Promise<TargetRow[]> {
  return db.selectFrom('targets').selectAll().where('list_id', '=', listId).execute();
}

export async function insertTarget(db: Executor, row: NewTargetRow): Promise<TargetRow> {
  return db.insertInto('targets').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertTargets(db: Executor, rows: NewTargetRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await db
      .insertInto('targets')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
}

export async function updateTarget(db: Executor, id: number, changes: TargetChanges) {
  await db.updateTable('targets').set(changes).where('id', '=', id).execute();
}

export async function deleteTarget(db: Executor, listId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('targets')
    .where('list_id', '=', listId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
