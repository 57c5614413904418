import { CONSENT_CHANNELS, type ConsentChannel } from '../people.tables.js';
import { CUSTOM_FIELDS_MAX_COUNT } from '../person-input.js';
import { REASON_HEADER } from './rejected-csv.js';

/** Where one spreadsheet column goes. Custom fields are named after their column's header. */
export const COLUMN_TARGETS = [
  'email',
  'firstName',
  'lastName',
  'postcode',
  'phone',
  'tags',
  'consent:email',
  'consent:sms',
  'consent:phone',
  'consent:post',
  'custom',
  'ignore',
] as const;
export type ColumnTarget = (typeof COLUMN_TARGETS)[number];

/** One target per column, in column order. */
export type ColumnMapping = ColumnTarget[];

export const TARGET_LABELS: Record<ColumnTarget, string> = {
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  postcode: 'Postcode',
  phone: 'Phone',
  tags: 'Tags',
  'consent:email': 'Email consent',
  'consent:sms': 'SMS consent',
  'consent:phone': 'Phone consent',
  'consent:post': 'Post consent',
  custom: 'Custom field',
  ignore: 'Ignore',
};

/** Targets a column may hold only once (tags, custom fields and ignore may repeat). */
const SINGLE_TARGETS = new Set<ColumnTarget>([
  'email',
  'firstName',
  'lastName',
  'postcode',
  'phone',
  'consent:email',
  'consent:sms',
  'consent:phone',
  'consent:post',
]);

export function isColumnTarget(value: string): value is ColumnTarget {
  return (COLUMN_TARGETS as readonly string[]).includes(value);
}

export function consentChannelOf(target: ColumnTarget): ConsentChannel | undefined {
  const channel = target.startsWith('consent:') ? target.slice('consent:'.length) : undefined;
  return CONSENT_CHANNELS.find((c) => c === channel);
}

/** Header as compared: lower case, letters and digits only, single spaces. */
function headerKey(header: string): string {
  return header
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const HEADER_GUESSES: [ColumnTarget, string[]][] = [
  ['email', ['email', 'e mail', 'email address', 'e mail address', 'emailaddress', 'mail']],
  ['firstName', ['first name', 'firstname', 'forename', 'forenames', 'given name', 'first']],
  ['lastName', ['last name', 'lastname', 'surname', 'family name', 'last']],
  ['postcode', ['postcode', 'post code', 'postal code', 'zip', 'zip code', 'zipcode']],
  [
    'phone',
    ['phone', 'mobile', 'telephone', 'tel', 'phone number', 'mobile number', 'mobile phone'],
  ],
  ['tags', ['tags', 'tag', 'labels']],
  [
    'consent:email',
    [
      'email opt in',
      'email optin',
      'opt in',
      'optin',
      'opted in',
      'consent',
      'email consent',
      'marketing consent',
      'newsletter',
      'subscribed',
    ],
  ],
  ['consent:sms', ['sms opt in', 'sms optin', 'sms consent', 'text opt in']],
  ['consent:phone', ['phone opt in', 'phone consent']],
  ['consent:post', ['post opt in', 'post consent', 'postal consent']],
  // The reason column of a rejected-rows download, when the fixed file comes back.
  ['ignore', [REASON_HEADER.toLowerCase()]],
];

const GUESS_BY_KEY = new Map<string, ColumnTarget>(
  HEADER_GUESSES.flatMap(([target, keys]) => keys.map((k) => [k, target] as const)),
);

/**
 * A first mapping from common header names ("E-mail address", "Forename", "Post code",
 * "Email opt-in"…). A field guessed twice goes to the first such column; every other column
 * becomes a custom field, so nothing is dropped unless the organiser says so.
 */
export function guessMapping(headers: readonly string[]): ColumnMapping {
  const taken = new Set<ColumnTarget>();
  return headers.map((header) => {
    const guess = GUESS_BY_KEY.get(headerKey(header));
    if (!guess || (SINGLE_TARGETS.has(guess) && taken.has(guess))) return 'custom';
    taken.add(guess);
    return guess;
  });
}

/** Problems that stop a mapping being used, as sentences; [] when it is fine. */
export function mappingProblems(headers: readonly string[], mapping: ColumnMapping): string[] {
  const problems: string[] = [];
  if (mapping.length !== headers.length) return ['Choose what to do with every column.'];
  const email = mapping.filter((t) => t === 'email').length;
  if (email === 0) problems.push('Choose the column that holds email addresses.');
  for (const target of SINGLE_TARGETS) {
    const columns = headers.filter((_, i) => mapping[i] === target);
    if (columns.length > 1)
      problems.push(
        `Only one column can be ${TARGET_LABELS[target]}: ${columns.map((c) => `"${c}"`).join(', ')}.`,
      );
  }
  const custom = mapping.filter((t) => t === 'custom').length;
  if (custom > CUSTOM_FIELDS_MAX_COUNT)
    problems.push(
      `At most ${CUSTOM_FIELDS_MAX_COUNT} columns can become custom fields (${custom} chosen): set some to Ignore.`,
    );
  return problems;
}

/**
 * Applies "column=target" overrides (CLI --map) to a mapping. The column is a header name
 * (case-insensitive) or a 1-based column number.
 */
export function applyOverrides(
  headers: readonly string[],
  mapping: ColumnMapping,
  overrides: readonly string[],
): ColumnMapping {
  const out = [...mapping];
  for (const item of overrides) {
    const at = item.lastIndexOf('=');
    const column = item.slice(0, at).trim();
    const target = item.slice(at + 1).trim();
    if (at <= 0 || !isColumnTarget(target))
      throw new Error(
        `--map ${item}: expected COLUMN=FIELD with FIELD one of ${COLUMN_TARGETS.join(', ')}`,
      );
    const byNumber = /^\d+$/.test(column) ? Number(column) - 1 : -1;
    const index =
      byNumber >= 0 && byNumber < headers.length
        ? byNumber
        : headers.findIndex((h) => h.toLowerCase() === column.toLowerCase());
    if (index < 0)
      throw new Error(`--map ${item}: no column "${column}" (columns: ${headers.join(', ')})`);
    // A field that can only be mapped once moves to the named column.
    if (SINGLE_TARGETS.has(target))
      for (let i = 0; i < out.length; i++) if (out[i] === target) out[i] = 'custom';
    out[index] = target;
  }
  return out;
}
