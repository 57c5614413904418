import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import type { Row } from 'exceljs';
import type { SpreadsheetKind } from './import.tables.js';
import { MAX_COLUMNS, MAX_HEADER_LENGTH, MAX_ROW_CHARS } from './import.limits.js';

/** A problem with the file as a whole (not one row): shown to the organiser as it is. */
export class SpreadsheetError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'SpreadsheetError';
  }
}

export interface SheetRow {
  /** The row number a spreadsheet program shows for it; the header is row 1. */
  number: number;
  cells: string[];
  /** Set when the row cannot be read as a whole (wrong number of cells, broken quoting). */
  problem?: string;
}

export interface Sheet {
  kind: SpreadsheetKind;
  headers: string[];
  rows: AsyncIterable<SheetRow>;
  /** Stops reading (e.g. after a preview): releases the parser and the source. */
  close(): void;
}

/** Enough of the start of a CSV to tell its encoding and delimiter. */
const SNIFF_BYTES = 64 * 1024;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** Tells CSV from XLSX by content first (people rename files), then by name. */
export function detectKind(filename: string, head: Buffer): SpreadsheetKind {
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) return 'xlsx';
  if (head.subarray(0, 4).equals(OLE_MAGIC))
    throw new SpreadsheetError(
      'This is an old-style Excel file (.xls). Save it as .xlsx or CSV and upload that.',
    );
  if (/\.(xlsx|xlsm)$/i.test(filename))
    throw new SpreadsheetError('This file is named .xlsx but is not an Excel workbook.');
  if (head.includes(0))
    throw new SpreadsheetError('This does not look like a CSV or Excel (.xlsx) file.');
  return 'csv';
}

export async function openSheet(kind: SpreadsheetKind, source: AsyncIterable<Buffer>) {
  return kind === 'xlsx' ? openXlsx(source) : openCsv(source);
}

// ---- headers and rows common to both formats ---------------------------------------------------

function cleanHeaders(raw: string[]): string[] {
  let last = raw.length;
  while (last > 0 && (raw[last - 1] ?? '').trim() === '') last--;
  if (last === 0) throw new SpreadsheetError('The first row is empty: it should name the columns.');
  if (last > MAX_COLUMNS)
    throw new SpreadsheetError(`The file has ${last} columns; at most ${MAX_COLUMNS} can be read.`);
  const seen = new Set<string>();
  return raw.slice(0, last).map((cell, i) => {
    const base = cell.replace(/\s+/g, ' ').trim().slice(0, MAX_HEADER_LENGTH) || `Column ${i + 1}`;
    let name = base;
    for (let n = 2; seen.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    seen.add(name.toLowerCase());
    return name;
  });
}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

/**
 * Fits a row to the header's width. Trailing empty cells past the header are harmless (spreadsheet
 * programs add them); a missing or extra value means the columns no longer line up, so the row
 * is rejected rather than imported into the wrong fields.
 */
function fitRow(number: number, cells: string[], width: number, strict: boolean): SheetRow {
  if (cells.length > width) {
    const extra = cells.slice(width);
    if (!isBlank(extra))
      return {
        number,
        cells,
        problem: `the row has ${cells.length} values but the header has ${width} columns`,
      };
    cells = cells.slice(0, width);
  }
  if (cells.length < width) {
    if (strict)
      return {
        number,
        cells,
        problem: `the row has ${cells.length} values but the header has ${width} columns`,
      };
    cells = [...cells, ...Array<string>(width - cells.length).fill('')];
  }
  return { number, cells };
}

// ---- CSV ---------------------------------------------------------------------------------------

/** Spreadsheet programs save CSV as UTF-8 or, on Windows, as Windows-1252. */
function sniffEncoding(head: Buffer): 'utf-8' | 'windows-1252' {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** The delimiter used most often outside quotes on the header line: comma, semicolon or tab. */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

/** A guard a CSV export put before a formula-like value (see rejected-csv.ts): taken off again. */
const FORMULA_GUARD = /^'(?=[=+\-@])/;

interface SkippedRecord {
  /** How many records had been read when this one failed. */
  after: number;
  problem: string;
}

function describeCsvError(err: { code?: string; lines?: number }): string {
  if (err.code === 'CSV_QUOTE_NOT_CLOSED')
    return `a quote opened in this row is never closed, so this row and everything after it (from line ${err.lines ?? '?'} of the file) could not be read`;
  if (err.code === 'CSV_MAX_RECORD_SIZE')
    return `the row is longer than ${MAX_ROW_CHARS} characters (often an unclosed quote), so this row and everything after it could not be read`;
  return `the row could not be read as CSV (${err.code ?? 'error'})`;
}

async function openCsv(source: AsyncIterable<Buffer>): Promise<Sheet> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  const headBytes = Buffer.concat(head);
  const encoding = sniffEncoding(headBytes);
  const headText = new TextDecoder(encoding).decode(headBytes);
  const delimiter = detectDelimiter(headText.split(/\r?\n/, 1)[0] ?? '');

  async function* text(): AsyncGenerator<string> {
    // TextDecoder drops a leading UTF-8 byte-order mark itself.
    const decoder = new TextDecoder(encoding);
    yield decoder.decode(headBytes, { stream: true });
    if (!ended) {
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        yield decoder.decode(next.value, { stream: true });
    }
    yield decoder.decode();
  }

  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    max_record_size: MAX_ROW_CHARS,
  });
  const skipped: SkippedRecord[] = [];
  parser.on('skip', (err: Error & { code?: string; lines?: number; records?: number }) => {
    skipped.push({ after: err.records ?? 0, problem: describeCsvError(err) });
  });
  const input = Readable.from(text());
  pipeline(input, parser, () => {
    // Errors surface through the parser's iterator below.
  });

  const close = () => {
    input.destroy();
    parser.destroy();
  };
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  let headers: string[];
  try {
    const first = await records.next();
    if (first.done) throw new SpreadsheetError('The file is empty.');
    headers = cleanHeaders(first.value);
  } catch (err) {
    close();
    throw err;
  }

  async function* rows(): AsyncGenerator<SheetRow> {
    let number = 1;
    let read = 1;
    const flushSkipped = function* (upTo: number) {
      while (skipped.length > 0 && (skipped[0]?.after ?? 0) < upTo) {
        const skip = skipped.shift() as SkippedRecord;
        number++;
        yield { number, cells: [], problem: skip.problem };
      }
    };
    for (let next = await records.next(); !next.done; next = await records.next()) {
      read++;
      yield* flushSkipped(read);
      number++;
      const cells = next.value.map((c) => c.replace(FORMULA_GUARD, ''));
      if (isBlank(cells)) continue;
      yield fitRow(number, cells, headers.length, true);
    }
    yield* flushSkipped(Number.POSITIVE_INFINITY);
  }
  return { kind: 'csv', headers, rows: rows(), close };
}

// ---- XLSX --------------------------------------------------------------------------------------

/** A date cell as an ISO date, with the time only when it has one. */
export function isoFromExcelDate(date: Date): string {
  const iso = date.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
}

/** Whatever ExcelJS hands back for a cell (text, number, date, rich text, formula…) as text. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : isoFromExcelDate(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText))
      return (v.richText as { text?: unknown }[]).map((r) => cellText(r.text)).join('');
    if ('result' in v || 'formula' in v || 'sharedFormula' in v) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
    if (typeof v.error === 'string') return v.error;
    return '';
  }
  return typeof value === 'bigint' ? value.toString() : '';
}

function xlsxCells(values: unknown): string[] {
  // ExcelJS rows are 1-based sparse arrays.
  const list = Array.isArray(values) ? values.slice(1) : [];
  return Array.from(list, (v) => cellText(v));
}

async function openXlsx(source: AsyncIterable<Buffer>): Promise<Sheet> {
  // Loaded on first use: ExcelJS is large, and most imports and every other command never need it.
  const { default: ExcelJS } = await import('exceljs');
  const input = Readable.from(source);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  const close = () => input.destroy();
  const unreadable = (err: unknown, where?: string) => {
    close();
    if (err instanceof SpreadsheetError) return err;
    const place = where ? ` ${where}` : '';
    return new SpreadsheetError(
      `This file could not be read as an Excel (.xlsx) workbook${place}.`,
    );
  };
  let sheet: AsyncIterator<Row>;
  let headers: string[];
  try {
    const first = await workbook[Symbol.asyncIterator]().next();
    if (first.done) throw new SpreadsheetError('The workbook has no worksheet.');
    sheet = (first.value as unknown as AsyncIterable<Row>)[Symbol.asyncIterator]();
    let headerRow: Row | undefined;
    for (let next = await sheet.next(); !next.done; next = await sheet.next()) {
      if (!isBlank(xlsxCells(next.value.values))) {
        headerRow = next.value;
        break;
      }
    }
    if (!headerRow) throw new SpreadsheetError('The first worksheet is empty.');
    headers = cleanHeaders(xlsxCells(headerRow.values));
  } catch (err) {
    throw unreadable(err);
  }

  async function* rows(): AsyncGenerator<SheetRow> {
    let last = 1;
    try {
      for (let next = await sheet.next(); !next.done; next = await sheet.next()) {
        last = next.value.number;
        const cells = xlsxCells(next.value.values);
        if (isBlank(cells)) continue;
        // Worksheets store no empty trailing cells, so a short row is normal there.
        yield fitRow(next.value.number, cells, headers.length, false);
      }
    } catch (err) {
      throw unreadable(err, `after row ${last}`);
    }
  }
  return { kind: 'xlsx', headers, rows: rows(), close };
}
