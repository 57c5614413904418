import { type CreateTableBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';
import type { DialectName } from './database.js';

/** Migrations receive a bare Kysely; the adapter tells which dialect runs them. */
export function dialectOf(db: Kysely<unknown>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** An auto-incrementing integer primary key `id` in either dialect. */
export function withId<T extends string>(
  db: Kysely<unknown>,
  table: CreateTableBuilder<T, never>,
): CreateTableBuilder<T, 'id'> {
  return dialectOf(db) === 'postgres'
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Timestamp column type: timestamptz on PostgreSQL, ISO-8601 text on SQLite. */
export function timestampType(db: Kysely<unknown>) {
  return dialectOf(db) === 'postgres' ? sql`timestamptz` : sql`text`;
}
