import { CsvError, parse } from 'csv-parse/sync';
import type { ImportRow, TargetColumn } from './trackers.service.js';

/** Largest file of status changes accepted: a row per MP is a few dozen KB. */
export const MAX_IMPORT_BYTES = 1024 * 1024;
export const MAX_IMPORT_ROWS = 5_000;

/** Columns that name the target, most precise first: a row uses the first one it fills. */
const TARGET_HEADERS: Array<[Exclude<TargetColumn, 'any'> | 'any', string[]]> = [
  ['id', ['targetid', 'id', 'rallyid']],
  ['division_code', ['constituencycode', 'divisioncode', 'code', 'onscode', 'gsscode', 'pconcode']],
  ['external_id', ['externalid', 'memberid', 'mnisid', 'personid']],
  ['division', ['constituency', 'constituencyname', 'division', 'divisionname', 'seat']],
  ['name', ['name', 'targetname', 'mp', 'mpname', 'member', 'membername']],
  ['any', ['target', 'targetidentifier', 'identifier', 'who']],
];
const FIELD_HEADERS = {
  status: ['status', 'newstatus', 'state'],
  evidenceUrl: ['evidenceurl', 'evidence', 'evidencelink', 'url', 'link', 'sourceurl', 'source'],
  note: ['note', 'notes', 'comment', 'comments'],
  changedAt: ['changedat', 'date', 'when', 'changed', 'timestamp', 'datetime', 'changeddate'],
} as const;

export type ParsedStatusCsv =
  | { ok: true; rows: ImportRow[]; columns: string[]; ignoredColumns: string[] }
  | { ok: false; status: 400 | 413; message: string };

function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Excel on Windows still saves "CSV" as Windows-1252; anything not valid UTF-8 is read as that. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function guessDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

const tooLarge = (): ParsedStatusCsv => ({
  ok: false,
  status: 413,
  message: `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files and import each.`,
});

/**
 * Reads a CSV of status changes: a column naming the target (target id, constituency code or
 * name, or the target's name), status, and optionally evidence_url, note and changed_at.
 */
export function parseStatusCsv(bytes: Buffer): ParsedStatusCsv {
  if (bytes.length > MAX_IMPORT_BYTES) return tooLarge();
  const text = decode(bytes).replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, status: 400, message: 'The file is empty.' };
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      info: true,
      delimiter: guessDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      // One past the limit, to tell "exactly at the limit" from "over it".
      to: MAX_IMPORT_ROWS + 2,
    }) as unknown as typeof records;
  } catch (err) {
    const message = err instanceof CsvError ? err.message : String(err);
    return { ok: false, status: 400, message: `The file could not be read as CSV: ${message}` };
  }
  const header = records[0]?.record;
  const body = records.slice(1);
  if (!header) return { ok: false, status: 400, message: 'The file is empty.' };
  if (body.length > MAX_IMPORT_ROWS)
    return {
      ok: false,
      status: 413,
      message: `The file has more than ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} rows. Split it into smaller files and import each.`,
    };

  const keys = header.map(headerKey);
  const used = new Set<number>();
  const find = (names: readonly string[]) => {
    const at = keys.findIndex((k, i) => !used.has(i) && names.includes(k));
    if (at >= 0) used.add(at);
    return at;
  };
  const status = find(FIELD_HEADERS.status);
  const evidence = find(FIELD_HEADERS.evidenceUrl);
  const note = find(FIELD_HEADERS.note);
  const changedAt = find(FIELD_HEADERS.changedAt);
  const targetColumns = TARGET_HEADERS.map(([kind, names]) => [kind, find(names)] as const).filter(
    ([, at]) => at >= 0,
  );
  const found = header.filter((_, i) => used.has(i));
  const missing: string[] = [];
  if (!targetColumns.length)
    missing.push('a target column (target_id, constituency_code, constituency or name)');
  if (status < 0) missing.push('a status column');
  if (missing.length)
    return {
      ok: false,
      status: 400,
      message: `The file needs ${missing.join(' and ')} (found: ${header.join(', ') || 'no column names'}).`,
    };

  const cell = (cells: string[], at: number) => (at >= 0 ? (cells[at] ?? '') : '');
  const rows: ImportRow[] = [];
  for (const { record: cells, info } of body) {
    if (cells.every((c) => c === '')) continue;
    const filled = targetColumns.find(([, at]) => cell(cells, at) !== '');
    rows.push({
      line: info.lines,
      target: filled ? cell(cells, filled[1]) : '',
      targetColumn: filled ? filled[0] : 'any',
      change: {
        status: cell(cells, status),
        evidenceUrl: cell(cells, evidence),
        note: cell(cells, note),
        changedAt: cell(cells, changedAt),
      },
    });
  }
  return {
    ok: true,
    rows,
    columns: found,
    ignoredColumns: header.filter((h, i) => !used.has(i) && h !== ''),
  };
}
