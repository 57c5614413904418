import { type RawBuilder, sql } from 'kysely';
import type { Db } from './database.js';

/** The day (UTC, YYYY-MM-DD) of a timestamp column, the same text on both dialects. */
export function utcDayOf(ctx: { db: Pick<Db, 'dialect'> }, column: string): RawBuilder<string> {
  return ctx.db.dialect === 'postgres'
    ? sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD')`
    : sql<string>`substr(${sql.ref(column)}, 1, 10)`;
}
