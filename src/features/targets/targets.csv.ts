import { CsvError, parse } from 'csv-parse/sync';
import type { ImportRow } from './targets.service.js';
import type { TargetField, TargetInput } from './targets.rules.js';

/** Largest CSV accepted for import: a national council list is well under 1 MB. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;

/** Header spellings (lowercased, letters and digits only) that each field accepts. */
const HEADER_SYNONYMS: Record<TargetField, string[]> = {
  external_id: [
    'id',
    'externalid',
    'memberid',
    'personid',
    'mnisid',
    'mnismemberid',
    'ref',
    'reference',
    'uid',
  ],
  name: ['name', 'fullname', 'displayname', 'membername', 'member', 'representative', 'person'],
  role: ['role', 'title', 'position', 'office', 'jobtitle'],
  party: ['party', 'partyname', 'politicalparty', 'affiliation', 'group'],
  organisation: [
    'organisation',
    'organization',
    'org',
    'body',
    'council',
    'parliament',
    'company',
    'employer',
  ],
  division_type: ['divisiontype', 'areatype', 'constituencytype'],
  division_code: [
    'divisioncode',
    'constituencycode',
    'wardcode',
    'areacode',
    'onsid',
    'onscode',
    'gsscode',
    'pconcode',
    'code',
  ],
  division_name: [
    'division',
    'divisionname',
    'constituency',
    'constituencyname',
    'ward',
    'wardname',
    'electoraldivision',
    'area',
    'areaname',
    'seat',
    'district',
  ],
  email: ['email', 'emailaddress', 'mail', 'contactemail'],
  twitter: ['twitter', 'x', 'twitterx', 'xtwitter', 'twitterhandle', 'twitterusername', 'xhandle'],
  bluesky: ['bluesky', 'bsky', 'blueskyhandle'],
  mastodon: ['mastodon', 'fediverse', 'mastodonhandle', 'mastodonaccount'],
  facebook: ['facebook', 'fb', 'facebookpage', 'facebookurl'],
  phone: ['phone', 'telephone', 'tel', 'phonenumber', 'telephonenumber', 'mobile', 'officephone'],
};

const FIRST_NAME = ['firstname', 'forename', 'givenname', 'first'];
const LAST_NAME = ['lastname', 'surname', 'familyname', 'last'];

const FIELD_BY_HEADER = new Map<string, TargetField>(
  Object.entries(HEADER_SYNONYMS).flatMap(([field, names]) =>
    names.map((n) => [n, field as TargetField] as const),
  ),
);

function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export type ParsedCsv =
  | {
      ok: true;
      rows: ImportRow[];
      /** Which header fed each field. */
      columns: Partial<Record<TargetField, string>>;
      ignoredColumns: string[];
    }
  | { ok: false; status: 400 | 413; message: string };

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

const tooLarge = (): ParsedCsv => ({
  ok: false,
  status: 413,
  message: `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files and import each.`,
});

/** Reads an uploaded CSV into import rows, matching its columns to target fields by header. */
export function parseTargetsCsv(bytes: Buffer): ParsedCsv {
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

  const columns: Partial<Record<TargetField, string>> = {};
  const positions: Array<[TargetField, number]> = [];
  const ignoredColumns: string[] = [];
  let first: number | undefined;
  let last: number | undefined;
  header.forEach((h, i) => {
    const key = headerKey(h);
    const field = FIELD_BY_HEADER.get(key);
    if (field && !columns[field]) {
      columns[field] = h;
      positions.push([field, i]);
    } else if (!field && FIRST_NAME.includes(key) && first === undefined) first = i;
    else if (!field && LAST_NAME.includes(key) && last === undefined) last = i;
    else if (h !== '') ignoredColumns.push(h);
  });
  const nameFromParts = !columns.name && (first !== undefined || last !== undefined);
  if (nameFromParts)
    columns.name = [first, last]
      .filter((i) => i !== undefined)
      .map((i) => header[i])
      .join(' + ');
  if (!columns.name && !columns.external_id)
    return {
      ok: false,
      status: 400,
      message: `No name or id column found. The first line must hold column names such as name, role, party, constituency, division code, email, twitter, bluesky, mastodon, facebook, phone, id (found: ${header.join(', ')}).`,
    };

  const rows: ImportRow[] = [];
  for (const { record: cells, info } of body) {
    if (cells.every((c) => c === '')) continue;
    const input: TargetInput = {};
    for (const [field, at] of positions) input[field] = cells[at] ?? '';
    if (nameFromParts)
      input.name = [first, last]
        .map((at) => (at === undefined ? '' : (cells[at] ?? '')))
        .join(' ')
        .trim();
    rows.push({ line: info.lines, input });
  }
  return { ok: true, rows, columns, ignoredColumns };
}
