/**
 * Keyed hashes for the cacheable public storm page, which sets no cookies: a form token shared by
 * every reader of one rendering (it carries the time it was issued), the link that confirms an
 * email given with "I posted", and the key that counts participants without storing who they are.
 */
import { keyedHash, sameText } from '../../infra/crypto/tokens.js';
import {
  type FormTokenCheck,
  type FormTokenPolicy,
  checkFormToken as checkToken,
  issueFormToken as issueToken,
} from '../../infra/http/form-token.js';

export const STORM_SECRET_SETTING = 'storm_form_secret';
/** Opening the page, posting elsewhere and coming back takes longer than this; scripts do not. */
export const MIN_FILL_MS = 2_000;
/** A page left open longer than this must be reloaded before saying "I posted". */
export const FORM_TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const POLICY: FormTokenPolicy = { minFillMs: MIN_FILL_MS, maxAgeMs: FORM_TOKEN_MAX_AGE_MS };

/** A keyed hash for one purpose, so a token made for one use is never good for another. */
function mac(secret: string, purpose: string, message: string, length = 32): string {
  return keyedHash(secret, `${purpose}:${message}`, length);
}

/** The "I posted" form's token (see infra/http/form-token.ts), scoped "form:<stormId>". */
export function issueFormToken(secret: string, stormId: number, issuedAt = Date.now()): string {
  return issueToken(secret, `form:${stormId}`, issuedAt);
}

export function checkFormToken(
  secret: string,
  stormId: number,
  token: string,
  now = Date.now(),
): FormTokenCheck {
  return checkToken(secret, `form:${stormId}`, token, POLICY, now);
}

/** The token in the confirmation link mailed for one post: "<postId>.<mac>". */
export function issueConfirmToken(secret: string, postId: number): string {
  return `${postId}.${mac(secret, 'confirm', String(postId))}`;
}

/** The post id the token was issued for, or null when it was not issued by us. */
export function checkConfirmToken(secret: string, token: string): number | null {
  const match = /^([1-9]\d{0,12})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return null;
  return sameText(mac(secret, 'confirm', match[1] ?? ''), match[2] ?? '') ? Number(match[1]) : null;
}

/** A random id the page's script keeps in localStorage, to tell one browser from another. */
export const BROWSER_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Who posted, as a per-storm keyed hash: of the browser id when the script sent one, else of the
 * IP address and user agent. It counts unique participants and cannot be turned back into either.
 */
export function participantKey(
  secret: string,
  stormId: number,
  from: { browserId?: string | undefined; ip: string; userAgent: string },
): string {
  const source =
    from.browserId && BROWSER_ID_PATTERN.test(from.browserId)
      ? `b:${from.browserId}`
      : `n:${from.ip}|${from.userAgent.slice(0, 300)}`;
  return mac(secret, 'participant', `${stormId}|${source}`, 22);
}
