import {
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Kysely,
  type Selectable,
  type SqlBool,
  type Updateable,
  sql,
} from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type { PeopleFilters } from './people.filters.js';
import type { ConsentChannel, PeopleTables } from './people.tables.js';

/** The database handle or a transaction: every function here works inside either. */
export type Executor = Kysely<Database>;

export type PersonRow = Selectable<PeopleTables['people']>;
export type ConsentRow = Selectable<PeopleTables['consents']>;
export type ActivityRow = Selectable<PeopleTables['activities']>;
export type SegmentRow = Selectable<PeopleTables['segments']>;

export interface LockOptions {
  /** Lock the row until the transaction ends (PostgreSQL; SQLite transactions are serial anyway). */
  forUpdate?: boolean;
  dialect?: 'sqlite' | 'postgres';
}

// ---- people ------------------------------------------------------------------------------------

export function findPersonById(
  ex: Executor,
  id: number,
  lock: LockOptions = {},
): Promise<PersonRow | undefined> {
  let query = ex.selectFrom('people').selectAll().where('id', '=', id);
  if (lock.forUpdate && lock.dialect === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export function findPersonByEmail(
  ex: Executor,
  email: string,
  lock: LockOptions = {},
): Promise<PersonRow | undefined> {
  let query = ex.selectFrom('people').selectAll().where('email', '=', email);
  if (lock.forUpdate && lock.dialect === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Inserts unless the email is already there (perhaps just now, by a concurrent request). */
export async function insertPersonIfNew(
  ex: Executor,
  values: Insertable<PeopleTables['people']>,
): Promise<number | undefined> {
  const row = await ex
    .insertInto('people')
    .values(values)
    .onConflict((oc) => oc.column('email').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function updatePerson(
  ex: Executor,
  id: number,
  patch: Updateable<PeopleTables['people']>,
): Promise<void> {
  await ex.updateTable('people').set(patch).where('id', '=', id).execute();
}

// ---- filters -----------------------------------------------------------------------------------

/** A LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally. */
function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function dayAfter(isoDay: string): string {
  const d = new Date(`${isoDay}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

/** Erased people are never listed: they only still count in totals elsewhere. */
export function peopleFilter(
  eb: ExpressionBuilder<Database, 'people'>,
  f: PeopleFilters,
): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [eb('people.erased_at', 'is', null)];
  if (f.q)
    conditions.push(
      sql<SqlBool>`people.search_text like ${likeContains(f.q.toLowerCase())} escape '\\'`,
    );
  if (f.tag)
    // tags is a JSON array of lower-case strings: match the quoted element, not a substring.
    conditions.push(
      sql<SqlBool>`people.tags like ${likeContains(JSON.stringify(f.tag.toLowerCase()))} escape '\\'`,
    );
  if (f.constituency) conditions.push(eb('people.constituency_code', '=', f.constituency));
  if (f.region) conditions.push(eb('people.region', '=', f.region));
  if (f.consent === 'none') {
    conditions.push(
      eb.not(
        eb.exists(
          eb
            .selectFrom('consents')
            .select('consents.id')
            .whereRef('consents.person_id', '=', 'people.id')
            .where('consents.channel', '=', 'email'),
        ),
      ),
    );
  } else if (f.consent) {
    // "Their latest email consent has this status", as a semi-join: a correlated
    // ORDER BY … LIMIT 1 per person was several times slower on PostgreSQL.
    const status = f.consent;
    conditions.push(
      eb(
        'people.id',
        'in',
        eb
          .selectFrom('consents as c')
          .select('c.person_id')
          .where('c.channel', '=', 'email')
          .where('c.status', '=', status)
          .where((inner) =>
            inner.not(
              inner.exists(
                inner
                  .selectFrom('consents as later')
                  .select('later.id')
                  .whereRef('later.person_id', '=', 'c.person_id')
                  .where('later.channel', '=', 'email')
                  .whereRef('later.id', '>', 'c.id'),
              ),
            ),
          ),
      ),
    );
  }
  if (f.action)
    conditions.push(
      eb.exists(
        eb
          .selectFrom('activities')
          .select('activities.id')
          .whereRef('activities.person_id', '=', 'people.id')
          .where('activities.kind', '=', f.action),
      ),
    );
  if (f.createdFrom)
    conditions.push(eb('people.created_at', '>=', `${f.createdFrom}T00:00:00.000Z`));
  if (f.createdTo) conditions.push(eb('people.created_at', '<', dayAfter(f.createdTo)));
  return eb.and(conditions);
}

export function searchPeople(
  ex: Executor,
  filters: PeopleFilters,
  page: { limit: number; offset: number },
): Promise<PersonRow[]> {
  return ex
    .selectFrom('people')
    .selectAll()
    .where((eb) => peopleFilter(eb, filters))
    .orderBy('people.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countPeople(ex: Executor, filters: PeopleFilters): Promise<number> {
  const row = await ex
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where((eb) => peopleFilter(eb, filters))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Keyset pages in id order, for exports and mailings that walk a whole list. */
export function listPeopleAfter(
  ex: Executor,
  filters: PeopleFilters,
  afterId: number,
  limit: number,
): Promise<PersonRow[]> {
  return ex
    .selectFrom('people')
    .selectAll()
    .where((eb) => peopleFilter(eb, filters))
    .where('people.id', '>', afterId)
    .orderBy('people.id', 'asc')
    .limit(limit)
    .execute();
}

/** Constituencies that have supporters, for the filter's drop-down. */
export function listConstituencies(ex: Executor) {
  return ex
    .selectFrom('people')
    .select(['constituency_code as code', 'constituency_name as name'])
    .where('constituency_code', 'is not', null)
    .where('erased_at', 'is', null)
    .groupBy(['constituency_code', 'constituency_name'])
    .orderBy('constituency_name')
    .execute();
}

export async function listRegions(ex: Executor): Promise<string[]> {
  const rows = await ex
    .selectFrom('people')
    .select('region')
    .where('region', 'is not', null)
    .where('erased_at', 'is', null)
    .groupBy('region')
    .orderBy('region')
    .execute();
  return rows.map((r) => r.region).filter((r): r is string => r !== null);
}

export async function listActivityKinds(ex: Executor): Promise<string[]> {
  const rows = await ex
    .selectFrom('activities')
    .select('kind')
    .groupBy('kind')
    .orderBy('kind')
    .execute();
  return rows.map((r) => r.kind);
}

// ---- consents and activities -------------------------------------------------------------------

export async function insertConsent(
  ex: Executor,
  values: Insertable<PeopleTables['consents']>,
): Promise<number> {
  const row = await ex
    .insertInto('consents')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Newest first. */
export function listConsents(ex: Executor, personId: number): Promise<ConsentRow[]> {
  return ex
    .selectFrom('consents')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .execute();
}

export function latestConsent(
  ex: Executor,
  personId: number,
  channel: ConsentChannel,
): Promise<ConsentRow | undefined> {
  return ex
    .selectFrom('consents')
    .selectAll()
    .where('person_id', '=', personId)
    .where('channel', '=', channel)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertActivity(
  ex: Executor,
  values: Insertable<PeopleTables['activities']>,
): Promise<number> {
  const row = await ex
    .insertInto('activities')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Newest first. */
export function listActivities(
  ex: Executor,
  personId: number,
  limit?: number,
): Promise<ActivityRow[]> {
  let query = ex
    .selectFrom('activities')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('id', 'desc');
  if (limit !== undefined) query = query.limit(limit);
  return query.execute();
}

export async function countActivities(ex: Executor, personId: number): Promise<number> {
  const row = await ex
    .selectFrom('activities')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Erasure: keeps kind, reference and time (so counts stay), drops what was said about them. */
export async function scrubActivities(ex: Executor, personId: number): Promise<void> {
  await ex
    .updateTable('activities')
    .set({ summary: sql<string>`kind || ' (details erased)'`, data: null })
    .where('person_id', '=', personId)
    .execute();
}

export async function updateConsentText(
  ex: Executor,
  id: number,
  patch: { wording: string; source: string },
): Promise<void> {
  await ex.updateTable('consents').set(patch).where('id', '=', id).execute();
}

// ---- segments ----------------------------------------------------------------------------------

export async function insertSegment(
  ex: Executor,
  values: Insertable<PeopleTables['segments']>,
): Promise<number> {
  const row = await ex
    .insertInto('segments')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findSegment(ex: Executor, id: number): Promise<SegmentRow | undefined> {
  return ex.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listSegments(ex: Executor): Promise<SegmentRow[]> {
  return ex.selectFrom('segments').selectAll().orderBy('name').orderBy('id').execute();
}

export async function updateSegmentFilters(
  ex: Executor,
  id: number,
  filters: string,
  updatedAt: string,
): Promise<void> {
  await ex
    .updateTable('segments')
    .set({ filters, updated_at: updatedAt })
    .where('id', '=', id)
    .execute();
}

export async function deleteSegment(ex: Executor, id: number): Promise<boolean> {
  const result = await ex.deleteFrom('segments').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export type PersonPatch = Updateable<PeopleTables['people']>;
export type NewPersonRow = Insertable<PeopleTables['people']>;

/** Current consent on one channel for each of `personIds` (absent: never recorded). */
export async function latestConsentStatuses(
  ex: Executor,
  personIds: number[],
  channel: ConsentChannel,
): Promise<Map<number, ConsentRow['status']>> {
  const out = new Map<number, ConsentRow['status']>();
  if (personIds.length === 0) return out;
  const rows = await ex
    .selectFrom('consents')
    .select(['person_id', 'status'])
    .where('person_id', 'in', personIds)
    .where('channel', '=', channel)
    .orderBy('id', 'asc')
    .execute();
  for (const row of rows) out.set(row.person_id, row.status);
  return out;
}

export function isEmailTaken(ex: Executor, email: string, exceptId: number) {
  return ex
    .selectFrom('people')
    .select('id')
    .where('email', '=', email)
    .where('id', '!=', exceptId)
    .executeTakeFirst();
}
