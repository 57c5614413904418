import type { Db } from '../../../infra/db/database.js';
import { getConstituencyDirectory } from '../../constituencies/constituency-directory.service.js';
import { SOURCE_MAX_LENGTH } from '../person-input.js';
import type { ColumnMapping } from './column-mapping.js';
import { BATCH_ROWS } from './import.limits.js';
import { type BatchRow, upsertPeopleBatch } from './people-batch.js';
import { rowToPerson } from './row-to-person.js';
import type { Sheet } from './spreadsheet-reader.js';

export interface ImportCounts {
  /** Data rows read (blank rows are skipped and not counted). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Consent records written (or that would be, in a dry run). */
  consents: number;
}

export interface RejectedRow {
  number: number;
  reason: string;
  cells: string[];
}

export interface RunOptions {
  db: Db;
  sheet: Sheet;
  mapping: ColumnMapping;
  /** The uploaded file's name, as the organiser knows it. */
  filename: string;
  dryRun: boolean;
  /** The people_imports row, if any (see upsertPeopleBatch). */
  importId?: number;
  /** Called with each batch's rejected rows, in row order. */
  onRejected(rows: RejectedRow[]): Promise<void>;
  /** Called after each batch, e.g. to report progress. */
  onBatch?(counts: ImportCounts): Promise<void>;
}

export function emptyCounts(): ImportCounts {
  return { rows: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, consents: 0 };
}

/** Where people created by an import say they came from. */
export function importSource(filename: string): string {
  return `import:${filename}`.slice(0, SOURCE_MAX_LENGTH);
}

/**
 * Reads the sheet row by row and upserts valid rows in batches of BATCH_ROWS (one transaction
 * each), so memory stays flat however long the file is. A row is rejected, with its reason,
 * when it cannot be read, fails a field rule, or repeats an email already seen in the file:
 * only the first row with an email is imported, later ones are rejected (not merged), so one
 * person is never created and then overwritten from the same file and every row's fate is
 * plain in the rejected-rows download.
 */
export async function runImport(opts: RunOptions): Promise<ImportCounts> {
  const counts = emptyCounts();
  const directory = await getConstituencyDirectory(opts.db);
  const source = importSource(opts.filename);
  const firstRowOf = new Map<string, number>();
  let batch: BatchRow[] = [];
  let rejected: RejectedRow[] = [];
  const cellsOf = new Map<number, string[]>();

  const flush = async () => {
    const outcomes = await upsertPeopleBatch(opts.db, batch, {
      source,
      filename: opts.filename,
      directory,
      dryRun: opts.dryRun,
      ...(opts.importId === undefined ? {} : { importId: opts.importId }),
    });
    for (const o of outcomes) {
      if (o.outcome === 'rejected') {
        rejected.push({
          number: o.rowNumber,
          reason: o.reason,
          cells: cellsOf.get(o.rowNumber) ?? [],
        });
        counts.rejected++;
      } else {
        counts[o.outcome]++;
        counts.consents += o.consents;
      }
    }
    rejected.sort((a, b) => a.number - b.number);
    if (rejected.length > 0) await opts.onRejected(rejected);
    batch = [];
    rejected = [];
    cellsOf.clear();
    await opts.onBatch?.(counts);
  };

  for await (const row of opts.sheet.rows) {
    counts.rows++;
    let reason = row.problem;
    if (!reason) {
      const result = rowToPerson(opts.sheet.headers, opts.mapping, row.cells);
      if (result.ok) {
        const first = firstRowOf.get(result.person.email);
        if (first === undefined) {
          firstRowOf.set(result.person.email, row.number);
          batch.push({ rowNumber: row.number, person: result.person });
          cellsOf.set(row.number, row.cells);
        } else {
          reason = `same email as row ${first}: only the first row with an email is imported`;
        }
      } else {
        reason = result.reason;
      }
    }
    if (reason) {
      counts.rejected++;
      rejected.push({ number: row.number, reason, cells: row.cells });
    }
    if (batch.length >= BATCH_ROWS || rejected.length >= BATCH_ROWS) await flush();
  }
  await flush();
  return counts;
}
