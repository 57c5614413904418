/** RFC 5321's limit on a whole address; the local part is limited to 64. */
export const EMAIL_MAX_LENGTH = 254;
const LOCAL_MAX_LENGTH = 64;

// Deliberately narrower than RFC 5322 (no quoted local parts, no IP-literal domains): those are
// vanishingly rare among supporters and far more often typos or pasted junk.
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL = /^(?:[\p{L}]{2,63}|xn--[a-z0-9-]{1,59})$/u;

/**
 * The one form of an email address Rally stores and matches on: trimmed, lower-cased, checked.
 * Returns null for anything that cannot be a deliverable address.
 */
export function normaliseEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at !== email.indexOf('@')) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > LOCAL_MAX_LENGTH || !LOCAL_PART.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return null;
  return TOP_LEVEL.test(labels[labels.length - 1] ?? '') ? email : null;
}
