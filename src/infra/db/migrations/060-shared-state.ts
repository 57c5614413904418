import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../migration-helpers.js';

/**
 * State that several Rally processes must share. Rate-limit counters are hot, short-lived and
 * cheap to lose, so on PostgreSQL they live in an UNLOGGED table (no WAL writes; emptied after
 * a crash, which only forgives the abusers of the last few minutes). On SQLite the table exists
 * for one schema, but one process counts in memory.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const unlogged = dialectOf(db) === 'postgres' ? sql`unlogged ` : sql``;
  await sql`create ${unlogged}table rate_limit_hits (
    key text primary key,
    hits integer not null,
    window_ends_ms bigint not null
  )`.execute(db);
  await db.schema
    .createIndex('rate_limit_hits_window_ends')
    .on('rate_limit_hits')
    .column('window_ends_ms')
    .execute();
}
