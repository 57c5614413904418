import { type Insertable, type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type { StormStatus, StormTables } from './storms.tables.js';

export type StormRow = Selectable<StormTables['storms']>;
export type StormPostRow = Selectable<StormTables['storm_posts']>;
export type NewStormRow = Omit<StormTables['storms'], 'id'>;
export type NewStormPostRow = Omit<Insertable<StormTables['storm_posts']>, 'id'>;
type Executor = Kysely<Database>;

export function findStormBySlug(db: Executor, slug: string) {
  return db.selectFrom('storms').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findStorm(db: Executor, id: number) {
  return db.selectFrom('storms').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listStorms(db: Executor, statuses?: readonly StormStatus[]) {
  let q = db.selectFrom('storms').selectAll();
  if (statuses) q = q.where('status', 'in', statuses);
  return q.orderBy('starts_at', 'desc').orderBy('id', 'desc').execute();
}

export function insertStorm(db: Executor, row: NewStormRow): Promise<StormRow> {
  return db.insertInto('storms').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateStorm(
  db: Executor,
  id: number,
  patch: Partial<NewStormRow>,
): Promise<void> {
  await db.updateTable('storms').set(patch).where('id', '=', id).execute();
}

export async function insertPost(db: Executor, row: NewStormPostRow): Promise<number> {
  const inserted = await db
    .insertInto('storm_posts')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export function findPost(db: Executor, id: number) {
  return db.selectFrom('storm_posts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markPostConfirmed(
  trx: Transaction<Database>,
  id: number,
  personId: number,
  at: string,
): Promise<void> {
  // The email was only kept to reach the person; their record holds it from now on.
  await trx
    .updateTable('storm_posts')
    .set({ person_id: personId, email: null, confirmed_at: at })
    .where('id', '=', id)
    .execute();
}

/** An unconfirmed post with this email since `since`: its mail is not sent again. */
export async function recentUnconfirmedEmail(
  db: Executor,
  stormId: number,
  email: string,
  since: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('storm_posts')
    .select('id')
    .where('email', '=', email)
    .where('storm_id', '=', stormId)
    .where('created_at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countPosts(db: Executor, stormId: number): Promise<number> {
  const row = await db
    .selectFrom('storm_posts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('storm_id', '=', stormId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Posts per storm, for every storm that has any, in one grouped query. */
export async function countPostsByStorm(db: Executor): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('storm_posts')
    .select(['storm_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('storm_id')
    .execute();
  return new Map(rows.map((r) => [r.storm_id, Number(r.n)]));
}

export async function countParticipants(db: Executor, stormId: number): Promise<number> {
  const row = await db
    .selectFrom('storm_posts')
    .select(sql<number>`count(distinct participant_key)`.as('n'))
    .where('storm_id', '=', stormId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function countConfirmedPeople(db: Executor, stormId: number): Promise<number> {
  const row = await db
    .selectFrom('storm_posts')
    .select(sql<number>`count(distinct person_id)`.as('n'))
    .where('storm_id', '=', stormId)
    .where('person_id', 'is not', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function postsByVariant(db: Executor, stormId: number) {
  const rows = await db
    .selectFrom('storm_posts')
    .select([
      'variant',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.sum<number>('edited').as('edited'),
    ])
    .where('storm_id', '=', stormId)
    .groupBy('variant')
    .orderBy('variant')
    .execute();
  return rows.map((r) => ({
    variant: r.variant,
    posts: Number(r.n),
    edited: Number(r.edited ?? 0),
  }));
}

export async function postsByPlatform(db: Executor, stormId: number) {
  const rows = await db
    .selectFrom('storm_posts')
    .select(['platform', (eb) => eb.fn.countAll<number>().as('n')])
    .where('storm_id', '=', stormId)
    .groupBy('platform')
    .execute();
  return rows.map((r) => ({ platform: r.platform, posts: Number(r.n) }));
}

export async function postsByMinute(db: Executor, stormId: number) {
  const rows = await db
    .selectFrom('storm_posts')
    .select(['posted_minute', (eb) => eb.fn.countAll<number>().as('n')])
    .where('storm_id', '=', stormId)
    .groupBy('posted_minute')
    .orderBy('posted_minute')
    .execute();
  return rows.map((r) => ({ minute: Number(r.posted_minute), posts: Number(r.n) }));
}

/** A person's posts: linked by id once confirmed, by email while waiting for confirmation. */
export function postsOfPerson(db: Executor, personId: number, email: string) {
  return db
    .selectFrom('storm_posts')
    .innerJoin('storms', 'storms.id', 'storm_posts.storm_id')
    .select([
      'storm_posts.id',
      'storms.slug',
      'storms.title',
      'storm_posts.variant',
      'storm_posts.platform',
      'storm_posts.edited',
      'storm_posts.email',
      'storm_posts.consent_wording',
      'storm_posts.created_at',
      'storm_posts.confirmed_at',
    ])
    .where((eb) =>
      eb.or([eb('storm_posts.person_id', '=', personId), eb('storm_posts.email', '=', email)]),
    )
    .orderBy('storm_posts.id')
    .execute();
}

/** Erasure: the post still counts, but nothing in it leads back to the person. */
export async function anonymisePost(trx: Transaction<Database>, id: number): Promise<void> {
  await trx
    .updateTable('storm_posts')
    .set({ person_id: null, email: null, consent_wording: null, participant_key: `erased-${id}` })
    .where('id', '=', id)
    .execute();
}
