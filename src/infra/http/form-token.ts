import { keyedHash, sameText } from '../crypto/tokens.js';

/**
 * Stateless anti-forgery tokens for cacheable public pages that set no cookie: the same for every
 * reader of one rendering, and carrying the time the form was issued, so a form sent back faster
 * than a person could fill it, or long after, is told apart.
 */
export interface FormTokenPolicy {
  /** People take longer than this to read the page and fill the form; scripts often do not. */
  minFillMs: number;
  /** A page left open longer than this must be reloaded before sending. */
  maxAgeMs: number;
}

/** Clocks of servers behind one address may differ by this much. */
const CLOCK_SKEW_MS = 60_000;
const TOKEN_SHAPE = /^(\d{13})\.([A-Za-z0-9_-]{32})$/;

export type FormTokenCheck =
  { ok: true } | { ok: false; reason: 'invalid' | 'expired' | 'too-fast' };

/** `scope` names the form (a feature and record): a token is good for that form only. */
export function issueFormToken(secret: string, scope: string, issuedAt = Date.now()): string {
  return `${issuedAt}.${keyedHash(secret, `${scope}.${issuedAt}`)}`;
}

export function checkFormToken(
  secret: string,
  scope: string,
  token: string,
  policy: FormTokenPolicy,
  now = Date.now(),
): FormTokenCheck {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const issuedAt = Number(match[1]);
  if (!sameText(keyedHash(secret, `${scope}.${issuedAt}`), match[2] ?? ''))
    return { ok: false, reason: 'invalid' };
  if (now - issuedAt > policy.maxAgeMs || issuedAt - now > CLOCK_SKEW_MS)
    return { ok: false, reason: 'expired' };
  if (now - issuedAt < policy.minFillMs) return { ok: false, reason: 'too-fast' };
  return { ok: true };
}
