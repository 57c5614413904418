/** Database ids as written in URLs and form fields: no sign, no leading zero, at most ten digits. */
const POSITIVE_ID = /^[1-9]\d{0,9}$/;

/** A positive integer id from a URL or form field, or null for anything else. */
export function parsePositiveId(raw: unknown): number | null {
  return typeof raw === 'string' && POSITIVE_ID.test(raw) ? Number(raw) : null;
}

/** The distinct valid ids among the values (ticked boxes of a form), in their first order. */
export function distinctPositiveIds(raw: readonly string[]): number[] {
  const ids = raw.map((value) => parsePositiveId(value)).filter((id): id is number => id !== null);
  return [...new Set(ids)];
}
