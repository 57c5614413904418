import { CsvError, parse } from 'csv-parse/sync';

/**
 * Uploaded spreadsheets saved as CSV, read the same way by every import: UTF-8 or Windows-1252,
 * a byte-order mark dropped, commas, semicolons or tabs as the header row uses, ragged rows
 * allowed, cells trimmed, and rows of nothing but empty cells left out.
 */

export interface CsvRow {
  cells: string[];
  /** The line of the file the row ends on. */
  line: number;
  /** As a spreadsheet numbers it, the header being row 1 (blank lines count when kept). */
  row: number;
}

export type CsvFailure = { ok: false; status: 400 | 413; message: string };

export type CsvRead = { ok: true; header: string[]; rows: CsvRow[] } | CsvFailure;

export interface CsvLimits {
  maxBytes: number;
  /**
   * Data rows accepted; more is refused (413) and parsing stops just past it. Leave it out to
   * read the whole file (up to maxBytes) and count rows yourself.
   */
  maxRows?: number;
  /** The refusal of an oversized file; says the size and asks for smaller files by default. */
  tooLargeMessage?: string;
  /** Keep blank lines while parsing, so that `row` numbers count them as a spreadsheet does. */
  keepBlankLines?: boolean;
}

/** A header cell as compared with known names: accents folded, lower-case letters and digits. */
export function headerKey(header: string): string {
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

/** Spreadsheets save with commas, semicolons or tabs: the header row says which. */
function guessDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

export function readCsv(bytes: Buffer, limits: CsvLimits): CsvRead {
  const { maxBytes, maxRows } = limits;
  if (bytes.length > maxBytes)
    return {
      ok: false,
      status: 413,
      message:
        limits.tooLargeMessage ??
        `The file is larger than ${maxBytes / 1024 / 1024} MB. Split it into smaller files and import each.`,
    };
  const text = decode(bytes).replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, status: 400, message: 'The file is empty.' };
  let records: Array<{ record: string[]; info: { lines: number; records: number } }>;
  try {
    records = parse(text, {
      info: true,
      delimiter: guessDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: !limits.keepBlankLines,
      trim: true,
      // One past the limit, to tell "exactly at the limit" from "over it".
      ...(maxRows === undefined ? {} : { to: maxRows + 2 }),
    }) as unknown as typeof records;
  } catch (err) {
    const message = err instanceof CsvError ? err.message : String(err);
    return { ok: false, status: 400, message: `The file could not be read as CSV: ${message}` };
  }
  const header = records[0]?.record;
  const body = records.slice(1);
  if (!header) return { ok: false, status: 400, message: 'The file is empty.' };
  if (maxRows !== undefined && body.length > maxRows)
    return {
      ok: false,
      status: 413,
      message: `The file has more than ${maxRows.toLocaleString('en-GB')} rows. Split it into smaller files and import each.`,
    };
  const rows = body
    .filter(({ record }) => record.some((cell) => cell !== ''))
    .map(({ record, info }) => ({ cells: record, line: info.lines, row: info.records }));
  return { ok: true, header, rows };
}
