import { normaliseEmail } from '../../infra/validation/email.js';

/**
 * Providers that ignore dots in the local part (and, like most, treat "+tag" as the same box):
 * e-petitions folds these so one person cannot sign as j.smith@ and jsmith@.
 */
const DOTS_IGNORED = new Set(['gmail.com', 'googlemail.com']);

/**
 * The one-signature-per-person key: the normalised address without any "+tag", and without dots
 * for Gmail-style domains (googlemail.com is folded into gmail.com). Null when not an address.
 */
export function signatureEmailKey(input: string): string | null {
  const email = normaliseEmail(input);
  if (!email) return null;
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (DOTS_IGNORED.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}
