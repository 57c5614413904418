import { EMAIL_MAX_LENGTH, normaliseEmail } from '../../../infra/validation/email.js';
import type { ConsentChannel } from '../people.tables.js';
import {
  CUSTOM_FIELD_VALUE_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PHONE_MAX_LENGTH,
  POSTCODE_MAX_LENGTH,
  TAG_MAX_LENGTH,
  TAGS_MAX_COUNT,
  cleanText,
} from '../person-input.js';
import { type ColumnMapping, type ColumnTarget, consentChannelOf } from './column-mapping.js';
import { REASON_QUOTE_CHARS } from './import.limits.js';

/** One valid row, cleaned and checked against every limit the person record has. */
export interface ImportedPerson {
  email: string;
  firstName: string | null;
  lastName: string | null;
  postcode: string | null;
  phone: string | null;
  tags: string[];
  customFields: Record<string, string>;
  /** Channels with an explicit yes, and the column that said so. */
  consents: { channel: ConsentChannel; header: string }[];
}

export type RowResult = { ok: true; person: ImportedPerson } | { ok: false; reason: string };

/** Per-field limits: the person record's own (person-input.ts), checked here per row. */
const FIELD_LIMITS: Partial<Record<ColumnTarget, number>> = {
  email: EMAIL_MAX_LENGTH,
  firstName: NAME_MAX_LENGTH,
  lastName: NAME_MAX_LENGTH,
  postcode: POSTCODE_MAX_LENGTH,
  phone: PHONE_MAX_LENGTH,
  custom: CUSTOM_FIELD_VALUE_MAX_LENGTH,
};

const CONSENT_YES = new Set(['yes', 'y', 'true', '1', 'x', 'opted in', 'opt in', 'optin']);
const CONSENT_NO = new Set(['no', 'n', 'false', '0', '', 'opted out', 'opt out']);

function quote(value: string): string {
  const short =
    value.length > REASON_QUOTE_CHARS ? `${value.slice(0, REASON_QUOTE_CHARS)}…` : value;
  return `"${short}"`;
}

/** "yes", "Y", "TRUE", "1", "x", "opted in" → true; "no", "0", "" … → false; else undefined. */
export function consentAnswer(value: string): boolean | undefined {
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  if (CONSENT_YES.has(key)) return true;
  if (CONSENT_NO.has(key)) return false;
  return undefined;
}

/** Tags in one cell, separated by commas, semicolons or vertical bars. */
function splitTags(value: string): string[] {
  return value
    .split(/[,;|]/)
    .map((t) => cleanText(t)?.toLowerCase() ?? '')
    .filter((t) => t !== '');
}

/**
 * Turns one row into a person, or says why it cannot be imported. Values are trimmed with inner
 * whitespace collapsed (custom fields keep their line breaks); empty cells mean "not given".
 */
export function rowToPerson(
  headers: readonly string[],
  mapping: ColumnMapping,
  cells: readonly string[],
): RowResult {
  const person: ImportedPerson = {
    email: '',
    firstName: null,
    lastName: null,
    postcode: null,
    phone: null,
    tags: [],
    customFields: {},
    consents: [],
  };
  let rawEmail = '';
  for (let i = 0; i < mapping.length; i++) {
    const target = mapping[i] as ColumnTarget;
    if (target === 'ignore') continue;
    const header = headers[i] ?? `Column ${i + 1}`;
    const raw = cells[i] ?? '';
    const value = target === 'custom' ? raw.trim() : (cleanText(raw) ?? '');
    const limit = FIELD_LIMITS[target];
    if (limit !== undefined && value.length > limit)
      return { ok: false, reason: `column "${header}": value longer than ${limit} characters` };

    const channel = consentChannelOf(target);
    if (channel) {
      const answer = consentAnswer(value);
      if (answer === undefined)
        return {
          ok: false,
          reason: `column "${header}": ${quote(value)} is not a consent answer (use yes or no)`,
        };
      if (answer) person.consents.push({ channel, header });
      continue;
    }
    if (value === '') continue;
    switch (target) {
      case 'email':
        rawEmail = value;
        break;
      case 'firstName':
        person.firstName = value;
        break;
      case 'lastName':
        person.lastName = value;
        break;
      case 'postcode':
        person.postcode = value;
        break;
      case 'phone':
        person.phone = value;
        break;
      case 'tags':
        for (const tag of splitTags(value)) {
          if (tag.length > TAG_MAX_LENGTH)
            return {
              ok: false,
              reason: `column "${header}": tag longer than ${TAG_MAX_LENGTH} characters`,
            };
          if (!person.tags.includes(tag)) person.tags.push(tag);
        }
        break;
      case 'custom':
        person.customFields[header] = value;
        break;
    }
  }
  if (person.tags.length > TAGS_MAX_COUNT)
    return { ok: false, reason: `more than ${TAGS_MAX_COUNT} tags` };
  if (rawEmail === '') return { ok: false, reason: 'no email address' };
  const email = normaliseEmail(rawEmail);
  if (!email) return { ok: false, reason: `not a valid email address: ${quote(rawEmail)}` };
  person.email = email;
  return { ok: true, person };
}
