import type { Kysely, Selectable } from 'kysely';
import { nowIso } from '../../../infra/db/database.js';
import type { Database } from '../../../infra/db/schema.js';
import type { ImportStatus, PeopleImportTables, RejectPhase } from './import.tables.js';

export type Executor = Kysely<Database>;
export type ImportRow = Selectable<PeopleImportTables['people_imports']>;
export type RejectRow = Selectable<PeopleImportTables['people_import_rejects']>;
/** What a step of the import may change; updated_at is always set here, the rest never change. */
type ImportChanges = Partial<
  Omit<ImportRow, 'id' | 'filename' | 'created_by' | 'created_at' | 'updated_at'>
>;

/** Reject rows per INSERT statement (7 parameters each). */
const REJECT_INSERT_ROWS = 200;

export async function insertImport(
  ex: Executor,
  values: { filename: string; createdBy: number | null },
): Promise<number> {
  const now = nowIso();
  const row = await ex
    .insertInto('people_imports')
    .values({
      filename: values.filename,
      kind: 'csv',
      size_bytes: 0,
      status: 'uploaded',
      headers: '[]',
      created_by: values.createdBy,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findImport(ex: Executor, id: number): Promise<ImportRow | undefined> {
  return ex.selectFrom('people_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listImports(ex: Executor, limit: number): Promise<ImportRow[]> {
  return ex.selectFrom('people_imports').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export async function updateImport(ex: Executor, id: number, patch: ImportChanges): Promise<void> {
  await ex
    .updateTable('people_imports')
    .set({ ...patch, updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
}

/** Moves the import from one status to another only if it is still in the first: true if so. */
export async function transition(
  ex: Executor,
  id: number,
  from: readonly ImportStatus[],
  patch: Parameters<typeof updateImport>[2] & { status: ImportStatus },
): Promise<boolean> {
  const result = await ex
    .updateTable('people_imports')
    .set({ ...patch, updated_at: nowIso() })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteImport(ex: Executor, id: number): Promise<void> {
  await ex.deleteFrom('people_import_chunks').where('import_id', '=', id).execute();
  await ex.deleteFrom('people_import_rejects').where('import_id', '=', id).execute();
  await ex.deleteFrom('people_imports').where('id', '=', id).execute();
}

/** Imports still waiting at the mapping or dry run since before `before`: ids. */
export async function abandonedUploads(ex: Executor, before: string): Promise<number[]> {
  const rows = await ex
    .selectFrom('people_imports')
    .select('id')
    .where('status', '=', 'uploaded')
    .where('updated_at', '<', before)
    .execute();
  return rows.map((r) => r.id);
}

// ---- the stored file ---------------------------------------------------------------------------

export async function insertChunk(ex: Executor, importId: number, seq: number, data: Buffer) {
  await ex.insertInto('people_import_chunks').values({ import_id: importId, seq, data }).execute();
}

/** The stored file, one piece at a time: never more than one piece in memory. */
export async function* readChunks(ex: Executor, importId: number): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const row = await ex
      .selectFrom('people_import_chunks')
      .select('data')
      .where('import_id', '=', importId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) return;
    yield Buffer.from(row.data);
  }
}

export async function deleteChunks(ex: Executor, importId: number): Promise<void> {
  await ex.deleteFrom('people_import_chunks').where('import_id', '=', importId).execute();
}

// ---- rejected rows -----------------------------------------------------------------------------

export async function deleteRejects(ex: Executor, importId: number, phase: RejectPhase) {
  await ex
    .deleteFrom('people_import_rejects')
    .where('import_id', '=', importId)
    .where('phase', '=', phase)
    .execute();
}

export async function insertRejects(
  ex: Executor,
  importId: number,
  phase: RejectPhase,
  rows: readonly { number: number; reason: string; cells: readonly string[] }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += REJECT_INSERT_ROWS) {
    await ex
      .insertInto('people_import_rejects')
      .values(
        rows.slice(i, i + REJECT_INSERT_ROWS).map((r) => ({
          import_id: importId,
          phase,
          row_number: r.number,
          reason: r.reason,
          cells: JSON.stringify(r.cells),
        })),
      )
      .execute();
  }
}

/** Rejected rows in row order, a page at a time (keyset on row number). */
export function listRejects(
  ex: Executor,
  importId: number,
  phase: RejectPhase,
  opts: { afterRow?: number; limit: number },
): Promise<RejectRow[]> {
  return ex
    .selectFrom('people_import_rejects')
    .selectAll()
    .where('import_id', '=', importId)
    .where('phase', '=', phase)
    .where('row_number', '>', opts.afterRow ?? 0)
    .orderBy('row_number')
    .limit(opts.limit)
    .execute();
}
