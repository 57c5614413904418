import { type CsvFailure, headerKey, readCsv } from '../../infra/csv/read-csv.js';
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
  { ok: true; rows: ImportRow[]; columns: string[]; ignoredColumns: string[] } | CsvFailure;

/**
 * Reads a CSV of status changes: a column naming the target (target id, constituency code or
 * name, or the target's name), status, and optionally evidence_url, note and changed_at.
 */
export function parseStatusCsv(bytes: Buffer): ParsedStatusCsv {
  const read = readCsv(bytes, { maxBytes: MAX_IMPORT_BYTES, maxRows: MAX_IMPORT_ROWS });
  if (!read.ok) return read;
  const { header, rows: body } = read;

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
  for (const { cells, line } of body) {
    const filled = targetColumns.find(([, at]) => cell(cells, at) !== '');
    rows.push({
      line,
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
