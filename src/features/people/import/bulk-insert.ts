import { CompiledQuery, type Insertable, type Kysely } from 'kysely';
import type { DialectName } from '../../../infra/db/database.js';
import type { Database } from '../../../infra/db/schema.js';

export interface InsertManyOptions {
  /** Skip rows that would break this unique column (ON CONFLICT … DO NOTHING). */
  skipConflictsOn?: string;
  returning?: readonly string[];
}

/**
 * A multi-row INSERT written out directly instead of through Kysely's builder, which builds and
 * freezes a node per value: on a 100,000-row import that costs more than SQLite's own work.
 * Table and column names come from the caller's code, never from input; values are parameters.
 */
export async function insertMany<T extends keyof Database, R = Record<string, unknown>>(
  ex: Kysely<Database>,
  dialect: DialectName,
  table: T,
  columns: readonly (keyof Insertable<Database[T]> & string)[],
  rows: readonly Insertable<Database[T]>[],
  options: InsertManyOptions = {},
): Promise<R[]> {
  if (rows.length === 0) return [];
  const params: unknown[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    const marks: string[] = [];
    for (const column of columns) {
      params.push((row as Record<string, unknown>)[column] ?? null);
      marks.push(dialect === 'postgres' ? `$${params.length}` : '?');
    }
    tuples.push(`(${marks.join(',')})`);
  }
  const quote = (name: string) => `"${name}"`;
  let text = `insert into ${quote(table)} (${columns.map(quote).join(',')}) values ${tuples.join(',')}`;
  if (options.skipConflictsOn)
    text += ` on conflict (${quote(options.skipConflictsOn)}) do nothing`;
  if (options.returning?.length) text += ` returning ${options.returning.map(quote).join(',')}`;
  const result = await ex.executeQuery<R>(CompiledQuery.raw(text, params));
  return [...result.rows];
}
