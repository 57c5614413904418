import { type CsvFailure, headerKey, readCsv } from '../../infra/csv/read-csv.js';
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

export type ParsedCsv =
  | {
      ok: true;
      rows: ImportRow[];
      /** Which header fed each field. */
      columns: Partial<Record<TargetField, string>>;
      ignoredColumns: string[];
    }
  | CsvFailure;

/** Reads an uploaded CSV into import rows, matching its columns to target fields by header. */
export function parseTargetsCsv(bytes: Buffer): ParsedCsv {
  const read = readCsv(bytes, { maxBytes: MAX_IMPORT_BYTES, maxRows: MAX_IMPORT_ROWS });
  if (!read.ok) return read;
  const { header, rows: body } = read;

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
  for (const { cells, line } of body) {
    const input: TargetInput = {};
    for (const [field, at] of positions) input[field] = cells[at] ?? '';
    if (nameFromParts)
      input.name = [first, last]
        .map((at) => (at === undefined ? '' : (cells[at] ?? '')))
        .join(' ')
        .trim();
    rows.push({ line, input });
  }
  return { ok: true, rows, columns, ignoredColumns };
}
