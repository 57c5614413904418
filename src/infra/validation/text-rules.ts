/**
 * Checks of the text fields organisers and supporters type, shared by the features' rules so
 * every form words the same problem the same way.
 */

/** Web addresses (slugs): lower-case letters and digits in runs joined by single dashes. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** "<label> must be at most <max> characters (it has <n>).", or undefined when it fits. */
export function tooLong(label: string, value: string, max: number): string | undefined {
  return value.length > max
    ? `${label} must be at most ${max} characters (it has ${value.length}).`
    : undefined;
}

/** The first problem with a text that must be given: `missing` when empty, else tooLong. */
export function requiredText(
  value: string,
  missing: string,
  label: string,
  max: number,
): string | undefined {
  return value ? tooLong(label, value, max) : missing;
}

/** "Save the Library!" → "save-the-library": accents dropped, at most `maxLength` characters. */
export function slugify(text: string, maxLength: number): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

/** The slug as typed (lower-cased), or one made from the title when none was typed. */
export function slugOrTitle(typed: string, title: string, maxLength: number): string {
  return (typed.trim() || slugify(title, maxLength)).toLowerCase();
}

export function isSlug(value: string, maxLength: number): boolean {
  return value.length <= maxLength && SLUG_PATTERN.test(value);
}

/**
 * A name in the one spelling that matches however a spreadsheet or data set wrote it: "Ynys Môn"
 * and "Ynys Mon", "Brighton, Kemptown" and "Brighton Kemptown", "&" and "and".
 */
export function matchKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** An absolute http: or https: address, or null: other schemes never become links. */
export function parseWebUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * A YYYY-MM-DD date input at the given UTC time of day, or null when it is not written so. Like
 * `new Date`, an impossible day (2025-02-31) rolls over into the next month.
 */
export function parseDateInput(text: string, timeOfDay: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const date = new Date(`${text}T${timeOfDay}Z`);
  // Date rolls 31 February over into March; a day that does not exist is a typing mistake.
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) return null;
  return date;
}

/**
 * A field-keyed error map's setter that keeps the first message per field, so the most basic
 * problem (missing) is the one shown rather than a later, more specific one.
 */
export function firstErrorSetter(
  errors: Record<string, string>,
): (field: string, message: string | undefined) => void {
  return (field, message) => {
    if (message && !errors[field]) errors[field] = message;
  };
}
