import { createHmac, timingSafeEqual } from 'node:crypto';

/** People take longer than this to read a petition and type their details; bots often do not. */
export const MIN_FILL_MS = 3_000;
/** A page left open longer than this must be reloaded before signing. */
export const FORM_TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const FORM_SECRET_SETTING = 'petition_form_secret';

function mac(secret: string, petitionId: number, issuedAt: number): string {
  return createHmac('sha256', secret)
    .update(`${petitionId}.${issuedAt}`)
    .digest('base64url')
    .slice(0, 32);
}

/**
 * A stateless anti-forgery token for the cacheable public page: the same for every visitor of one
 * rendering, so it needs no cookie, and it carries the time the form was issued.
 */
export function issueFormToken(secret: string, petitionId: number, issuedAt = Date.now()): string {
  return `${issuedAt}.${mac(secret, petitionId, issuedAt)}`;
}

export type FormTokenCheck =
  { ok: true; issuedAt: number } | { ok: false; reason: 'invalid' | 'expired' | 'too-fast' };

export function checkFormToken(
  secret: string,
  petitionId: number,
  token: string,
  now = Date.now(),
): FormTokenCheck {
  const match = /^(\d{13})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const issuedAt = Number(match[1]);
  const expected = Buffer.from(mac(secret, petitionId, issuedAt));
  const given = Buffer.from(match[2] ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'invalid' };
  if (now - issuedAt > FORM_TOKEN_MAX_AGE_MS || issuedAt - now > 60_000)
    return { ok: false, reason: 'expired' };
  if (now - issuedAt < MIN_FILL_MS) return { ok: false, reason: 'too-fast' };
  return { ok: true, issuedAt };
}
