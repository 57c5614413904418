import { type CsvFailure, headerKey, readCsv } from '../../infra/csv/read-csv.js';
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

/** The example row of the file offered for download, under CSV_COLUMNS. */
export const CSV_TEMPLATE_ROW = [
  'https://x.com/example/status/1',
  'twitter',
  '@example',
  '',
  'Copy the text of the post here',
  '2025-01-31',
] as const;

export interface CsvRow {
  /** As a spreadsheet numbers it: the header is row 1. */
  row: number;
  form: CaseForm;
}

export type ParsedCsv = { ok: true; rows: CsvRow[] } | CsvFailure;

/**
 * Undoes the quote that formula escaping (csv-stringify's escape_formulas, as in our template and
 * exports) puts before a cell starting = + - @ tab or CR, so that "'@example" reads back as the
 * handle "@example" and a file we wrote imports as written.
 */
function unescapeFormula(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** Reads an uploaded file of posts; the first row names the columns (see CSV_COLUMNS). */
export function parseCasesCsv(bytes: Buffer): ParsedCsv {
  // Every row is read (the file is small) so that the cap counts posts, not blank lines, and
  // blank lines are kept so that row numbers match the spreadsheet's.
  const read = readCsv(bytes, {
    maxBytes: CSV_MAX_BYTES,
    tooLargeMessage: `The file is larger than ${CSV_MAX_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
    keepBlankLines: true,
  });
  if (!read.ok) return read;
  const { header, rows: body } = read;
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
    return at === undefined ? '' : unescapeFormula(cells[at] ?? '');
  };
  return {
    ok: true,
    rows: body.map(({ cells, row }) => ({
      row,
      form: {
        postUrl: cell(cells, 'postUrl'),
        platform: cell(cells, 'platform'),
        handle: cell(cells, 'handle'),
        email: cell(cells, 'email'),
        postText: cell(cells, 'postText'),
        postedOn: cell(cells, 'postedOn'),
      },
    })),
  };
}
