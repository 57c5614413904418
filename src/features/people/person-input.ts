/** Limits on what a person record holds; the service rejects anything longer with a message. */
export const NAME_MAX_LENGTH = 100;
export const POSTCODE_MAX_LENGTH = 16;
export const PHONE_MAX_LENGTH = 32;
export const TAG_MAX_LENGTH = 50;
export const TAGS_MAX_COUNT = 100;
export const CUSTOM_FIELD_KEY_MAX_LENGTH = 64;
export const CUSTOM_FIELD_VALUE_MAX_LENGTH = 1000;
export const CUSTOM_FIELDS_MAX_COUNT = 50;
export const SOURCE_MAX_LENGTH = 200;
export const SUMMARY_MAX_LENGTH = 500;
export const WORDING_MAX_LENGTH = 5000;
export const ACTIVITY_DATA_MAX_LENGTH = 10_000;

/** Input a caller can fix (too long, not an email…): routes answer it with a 4xx and this message. */
export class PersonInputError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'PersonInputError';
  }
}

/** Trimmed with inner whitespace collapsed; empty becomes null (= "not given"). */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const cleaned = value.replace(/\s+/g, ' ').trim();
  return cleaned === '' ? null : cleaned;
}

export function checkLength(label: string, value: string | null, max: number): void {
  if (value !== null && value.length > max)
    throw new PersonInputError(`${label} can be at most ${max} characters.`);
}

/** Tags are matched case-insensitively, so they are stored lower-case, once each. */
export function cleanTag(tag: string): string | null {
  const cleaned = cleanText(tag)?.toLowerCase() ?? null;
  checkLength('A tag', cleaned, TAG_MAX_LENGTH);
  return cleaned;
}

export function mergeTags(stored: readonly string[], added: readonly string[] = []): string[] {
  const out = [...stored];
  for (const raw of added) {
    const tag = cleanTag(raw);
    if (tag && !out.includes(tag)) out.push(tag);
  }
  if (out.length > TAGS_MAX_COUNT)
    throw new PersonInputError(`A person can have at most ${TAGS_MAX_COUNT} tags.`);
  return out;
}

/** New non-empty values win; an empty or missing value never removes a stored one. */
export function mergeCustomFields(
  stored: Readonly<Record<string, string>>,
  added: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out = { ...stored };
  for (const [rawKey, rawValue] of Object.entries(added)) {
    const key = cleanText(rawKey);
    const value = typeof rawValue === 'string' ? rawValue.trim() : '';
    if (!key || value === '') continue;
    checkLength('A custom field name', key, CUSTOM_FIELD_KEY_MAX_LENGTH);
    checkLength(`The custom field "${key}"`, value, CUSTOM_FIELD_VALUE_MAX_LENGTH);
    out[key] = value;
  }
  if (Object.keys(out).length > CUSTOM_FIELDS_MAX_COUNT)
    throw new PersonInputError(
      `A person can have at most ${CUSTOM_FIELDS_MAX_COUNT} custom fields.`,
    );
  return out;
}

export function parseJsonArray(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function parseJsonObject(text: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return {};
  }
}
