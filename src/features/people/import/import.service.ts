import type { Readable } from 'node:stream';
import type { Db } from '../../../infra/db/database.js';
import type { JobContext } from '../../../infra/jobs/job-queue.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
} from '../../../infra/service-context.js';
import { type ColumnMapping, isColumnTarget, mappingProblems } from './column-mapping.js';
import { type ImportCounts, runImport } from './import-runner.js';
import {
  ABANDONED_UPLOAD_MS,
  CHUNK_BYTES,
  MAX_UPLOAD_BYTES,
  PREVIEW_ROWS,
} from './import.limits.js';
import * as repo from './import.repository.js';
import type { ImportStatus, RejectPhase, SpreadsheetKind } from './import.tables.js';
import { type SheetRow, SpreadsheetError, detectKind, openSheet } from './spreadsheet-reader.js';

export const IMPORT_JOB = 'people.import';

/** The upload went over MAX_UPLOAD_BYTES: nothing was kept. */
export class UploadTooLargeError extends Error {
  readonly statusCode = 413;
  constructor() {
    super(
      `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Split it into smaller files and import each.`,
    );
  }
}

/** A request about an import that is not in the right state (already started, and so on). */
export class ImportStateError extends Error {
  readonly statusCode = 409;
}

export interface PeopleImport {
  id: number;
  filename: string;
  kind: SpreadsheetKind;
  sizeBytes: number;
  status: ImportStatus;
  headers: string[];
  mapping: ColumnMapping | null;
  dryRunCounts: ImportCounts | null;
  counts: ImportCounts | null;
  error: string | null;
  createdBy: number | null;
  jobId: number | null;
  createdAt: string;
  finishedAt: string | null;
}

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function toImport(row: repo.ImportRow): PeopleImport {
  const mapping = parseJson<string[]>(row.mapping);
  return {
    id: row.id,
    filename: row.filename,
    kind: row.kind,
    sizeBytes: row.size_bytes,
    status: row.status,
    headers: parseJson<string[]>(row.headers) ?? [],
    mapping: mapping && mapping.every(isColumnTarget) ? mapping : null,
    dryRunCounts: parseJson<ImportCounts>(row.dry_run_counts),
    counts: parseJson<ImportCounts>(row.counts),
    error: row.error,
    createdBy: row.created_by,
    jobId: row.job_id,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

export async function getImport(db: Db, id: number): Promise<PeopleImport | undefined> {
  const row = await repo.findImport(db.kysely, id);
  return row ? toImport(row) : undefined;
}

export async function listImports(db: Db, limit = 20): Promise<PeopleImport[]> {
  return (await repo.listImports(db.kysely, limit)).map(toImport);
}

/** A file name as shown and stored: no folders, no control characters, not too long. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const printable = [...base].filter((ch) => ch >= ' ' && ch !== '\u007f').join('');
  return printable.trim().slice(0, 120) || 'upload.csv';
}

/**
 * Stores an upload piece by piece as it arrives, then reads its header row. Throws
 * UploadTooLargeError or SpreadsheetError (and keeps nothing) when the file cannot be used.
 */
export async function receiveUpload(
  ctx: ServiceContext,
  upload: {
    filename: string;
    stream: Readable & { truncated?: boolean };
  },
  actor: Actor,
): Promise<PeopleImport> {
  const { db } = ctx;
  await purgeAbandonedUploads(db, ctx.clock.now());
  const filename = cleanFilename(upload.filename);
  const id = await repo.insertImport(db.kysely, { filename, createdBy: actorId(actor) });
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    let size = 0;
    let head: Buffer | undefined;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending);
      head ??= data.subarray(0, 8);
      await repo.insertChunk(db.kysely, id, seq++, data);
      pending = [];
      pendingBytes = 0;
    };
    for await (const chunk of upload.stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_UPLOAD_BYTES) throw new UploadTooLargeError();
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    if (upload.stream.truncated) throw new UploadTooLargeError();
    if (size === 0 || !head) throw new SpreadsheetError('The file is empty.');
    const kind = detectKind(filename, head);
    const sheet = await openSheet(kind, repo.readChunks(db.kysely, id));
    sheet.close();
    await repo.updateImport(db.kysely, id, {
      kind,
      size_bytes: size,
      headers: JSON.stringify(sheet.headers),
    });
    return toImport((await repo.findImport(db.kysely, id)) as repo.ImportRow);
  } catch (err) {
    await repo.deleteImport(db.kysely, id);
    throw err;
  }
}

/** Uploads left at the mapping or dry run for ABANDONED_UPLOAD_MS keep no file around. */
export async function purgeAbandonedUploads(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - ABANDONED_UPLOAD_MS).toISOString();
  const ids = await repo.abandonedUploads(db.kysely, before);
  for (const id of ids) await repo.deleteImport(db.kysely, id);
  return ids.length;
}

/** The header and the first rows, as the organiser sees them before mapping. */
export async function previewRows(db: Db, imp: PeopleImport): Promise<SheetRow[]> {
  const sheet = await openSheet(imp.kind, repo.readChunks(db.kysely, imp.id));
  const rows: SheetRow[] = [];
  try {
    for await (const row of sheet.rows) {
      rows.push(row);
      if (rows.length >= PREVIEW_ROWS) break;
    }
  } finally {
    sheet.close();
  }
  return rows;
}

function requireStatus(imp: PeopleImport, allowed: readonly ImportStatus[]) {
  if (!allowed.includes(imp.status))
    throw new ImportStateError(
      imp.status === 'uploaded'
        ? 'This import has not been started yet.'
        : 'This import has already been started; its mapping can no longer change.',
    );
}

/**
 * Checks the mapping and works out what importing would do, writing nothing but the mapping,
 * the counts and the rejected rows (for the page and the download).
 */
export async function dryRun(
  ctx: Pick<ServiceContext, 'db'>,
  input: { imp: PeopleImport; mapping: ColumnMapping },
): Promise<{ ok: true; counts: ImportCounts } | { ok: false; problems: string[] }> {
  const { db } = ctx;
  const { imp, mapping } = input;
  requireStatus(imp, ['uploaded']);
  const problems = mappingProblems(imp.headers, mapping);
  if (problems.length > 0) return { ok: false, problems };
  const sheet = await openSheet(imp.kind, repo.readChunks(db.kysely, imp.id));
  await repo.deleteRejects(db.kysely, imp.id, 'dry-run');
  const counts = await runImport({
    db,
    sheet,
    mapping,
    filename: imp.filename,
    dryRun: true,
    importId: imp.id,
    onRejected: (rows) => repo.insertRejects(db.kysely, imp.id, 'dry-run', rows),
  });
  await repo.updateImport(db.kysely, imp.id, {
    mapping: JSON.stringify(mapping),
    dry_run_counts: JSON.stringify(counts),
  });
  return { ok: true, counts };
}

/** Queues the import job for a dry-run import; starting twice queues it once. */
export async function startImport(
  ctx: ServiceContext,
  input: { imp: PeopleImport },
  actor: Actor,
): Promise<void> {
  const { imp } = input;
  if (imp.status !== 'uploaded') return;
  if (!imp.mapping || !imp.dryRunCounts)
    throw new ImportStateError('Check the column mapping with a dry run first.');
  await inTransaction(ctx, async ({ trx }) => {
    const jobId = await ctx.jobs.enqueue(IMPORT_JOB, { importId: imp.id }, { trx });
    const moved = await repo.transition(trx, imp.id, ['uploaded'], {
      status: 'queued',
      job_id: jobId,
    });
    if (!moved) throw new ImportStateError('This import has already been started.');
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'people.import.start',
        subjectType: 'people_import',
        subjectId: imp.id,
        details: { filename: imp.filename, rows: imp.dryRunCounts?.rows ?? null },
      },
      trx,
    );
  });
}

/** Counts the bytes a source yields, for progress. */
async function* counted(source: AsyncIterable<Buffer>, seen: { bytes: number }) {
  for await (const chunk of source) {
    seen.bytes += chunk.length;
    yield chunk;
  }
}

/**
 * The background job: imports the stored file with the mapping of its dry run, reporting
 * progress by the share of the file read. Safe to re-run after a crash: rows already imported
 * come out "unchanged", and no consent or timeline entry is written twice.
 */
export async function runImportJob(
  services: ServiceContext,
  payload: unknown,
  ctx: JobContext,
): Promise<void> {
  const { db } = services;
  const finishedAt = () => services.clock.now().toISOString();
  const importId = Number((payload as { importId?: unknown } | null)?.importId);
  const imp = Number.isInteger(importId) ? await getImport(db, importId) : undefined;
  if (!imp || imp.status === 'done') return;
  if (!imp.mapping) throw new Error(`people import ${importId} has no mapping`);
  await repo.updateImport(db.kysely, imp.id, { status: 'running', error: null });
  await repo.deleteRejects(db.kysely, imp.id, 'import');
  const seen = { bytes: 0 };
  try {
    const sheet = await openSheet(imp.kind, counted(repo.readChunks(db.kysely, imp.id), seen));
    const counts = await runImport({
      db,
      sheet,
      mapping: imp.mapping,
      filename: imp.filename,
      dryRun: false,
      importId: imp.id,
      onRejected: (rows) => repo.insertRejects(db.kysely, imp.id, 'import', rows),
      onBatch: async (sofar) => {
        await repo.updateImport(db.kysely, imp.id, { counts: JSON.stringify(sofar) });
        await ctx.reportProgress((99 * seen.bytes) / Math.max(1, imp.sizeBytes));
      },
    });
    await repo.updateImport(db.kysely, imp.id, {
      status: 'done',
      counts: JSON.stringify(counts),
      finished_at: finishedAt(),
    });
    // The upload was only kept for this job.
    await repo.deleteChunks(db.kysely, imp.id);
    await services.audit.record({
      actorUserId: imp.createdBy,
      action: 'people.import.done',
      subjectType: 'people_import',
      subjectId: imp.id,
      details: { filename: imp.filename, ...counts },
    });
  } catch (err) {
    // A file that cannot be read will not read better on a retry: fail now, with the reason.
    if (err instanceof SpreadsheetError) {
      await repo.updateImport(db.kysely, imp.id, {
        status: 'failed',
        error: err.message,
        finished_at: finishedAt(),
      });
      return;
    }
    const last = ctx.attempt >= ctx.maxAttempts;
    const message = 'The import stopped on an unexpected error; it has been logged.';
    // The file is kept after a final failure too, so the job can be retried from the jobs page.
    await repo.updateImport(db.kysely, imp.id, {
      status: last ? 'failed' : 'queued',
      error: last ? message : `${message} It will be retried.`,
      ...(last ? { finished_at: finishedAt() } : {}),
    });
    throw err;
  }
}

export function rejectPhaseFor(imp: PeopleImport): RejectPhase {
  return imp.status === 'done' || imp.status === 'running' || imp.status === 'failed'
    ? 'import'
    : 'dry-run';
}

export { repo as importRepository };
