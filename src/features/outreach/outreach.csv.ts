import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { CaseForm } from './outreach.rules.js';

/** Largest upload: 200 posts of the longest kind fit in well under this. */
export const CSV_MAX_BYTES = 1024 * 1024;
/** Posts per file: each is scored and matched while the moderator waits. */
export const CSV_MAX_ROWS = 200;

export const CSV_COLUMNS = [
  'post_url',
  'platform',
  'handle',
  'email',
  'post_text',
  'posted_on',
] as const;

/** Header spellings (lower-cased, letters and digits only) that each column accepts. */
const SYNONYMS: Record<keyof CaseForm, string[]> = {
  postUrl: ['posturl', 'url', 'link', 'address', 'postlink', 'postaddress'],
  platform: ['platform', 'network', 'site', 'service'],
  handle: ['handle', 'account', 'username', 'user', 'profile'],
  email: ['email', 'emailaddress', 'mail'],
  postText: ['posttext', 'text', 'post', 'content', 'message', 'body'],
  postedOn: ['postedon', 'posted', 'postedat', 'date', 'postdate', 'day'],
};

const FIELD_BY_HEADER = new Map<string, keyof CaseForm>(
  Object.entries(SYNONYMS).flatMap(([field, names]) =>
    names.map((n) => [n, field as keyof CaseForm] as const),
  ),
);

/** The file offered for download: the header and one example row. */
export function csvTemplate(): string {
  return stringify(
    [
      [...CSV_COLUMNS],
      [
        'https://x.com/example/status/1',
        'twitter',
        '@example',
        '',
        'Copy the text of the post here',
        '2025-01-31',
      ],
    ],
    { escape_formulas: true },
  );
}

export interface CsvRow {
  /** As a spreadsheet numbers it: the header is row 1. */
  row: number;
  form: CaseForm;
}

export type ParsedCsv =
  { ok: true; rows: CsvRow[] } | { ok: false; status: 400 | 413; message: string };

/** Excel on Windows still saves "CSV" as Windows-1252; anything not valid UTF-8 is read as that. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function headerKey(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Spreadsheets save with commas, semicolons or tabs: the header row says which. */
function delimiterOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** Reads an uploaded file of posts; the first row names the columns (see CSV_COLUMNS). */
export function parseCasesCsv(bytes: Buffer): ParsedCsv {
  if (bytes.length > CSV_MAX_BYTES)
    return {
      ok: false,
      status: 413,
      message: `The file is larger than ${CSV_MAX_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
    };
  const text = decode(bytes).replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, status: 400, message: 'The file is empty.' };
  let records: { record: string[]; info: { records: number } }[];
  try {
    records = parse(text, {
      info: true,
      delimiter: delimiterOf(text),
      relax_column_count: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (err) {
    const message = err instanceof CsvError ? err.message : String(err);
    return { ok: false, status: 400, message: `The file could not be read as CSV: ${message}` };
  }
  const header = records[0]?.record ?? [];
  const positions = new Map<keyof CaseForm, number>();
  header.forEach((h, i) => {
    const field = FIELD_BY_HEADER.get(headerKey(h));
    if (field && !positions.has(field)) positions.set(field, i);
  });
  if (!positions.has('postUrl') || !positions.has('postText'))
    return {
      ok: false,
      status: 400,
      message: `The first row must name the columns, with at least post_url and post_text (the template has ${CSV_COLUMNS.join(', ')}).`,
    };
  const body = records.slice(1).filter((r) => r.record.some((cell) => cell !== ''));
  if (body.length > CSV_MAX_ROWS)
    return {
      ok: false,
      status: 413,
      message: `The file has more than ${CSV_MAX_ROWS} posts. Split it into smaller files.`,
    };
  if (body.length === 0)
    return { ok: false, status: 400, message: 'The file has a header row but no posts.' };
  const cell = (cells: string[], field: keyof CaseForm) => {
    const at = positions.get(field);
    return at === undefined ? '' : (cells[at] ?? '');
  };
  return {
    ok: true,
    rows: body.map(({ record, info }) => ({
      row: info.records,
      form: {
        postUrl: cell(record, 'postUrl'),
        platform: cell(record, 'platform'),
        handle: cell(record, 'handle'),
        email: cell(record, 'email'),
        postText: cell(record, 'postText'),
        postedOn: cell(record, 'postedOn'),
      },
    })),
  };
}
