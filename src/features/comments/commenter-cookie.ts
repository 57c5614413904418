import type { FastifyReply, FastifyRequest } from 'fastify';
import { COMMENTER_COOKIE_MAX_AGE_S } from './comments.limits.js';

/**
 * Recognises a commenter who has confirmed their email: their id, signed with the app's cookie
 * secret so it cannot be forged. Set only by the confirmation link; bans and erasure are checked
 * against the commenter's row on every use.
 */
export const COMMENTER_COOKIE = 'rally_commenter';

export function setCommenterCookie(
  reply: FastifyReply,
  commenterId: number,
  secure: boolean,
): void {
  reply.setCookie(COMMENTER_COOKIE, String(commenterId), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    signed: true,
    maxAge: COMMENTER_COOKIE_MAX_AGE_S,
  });
}

export function clearCommenterCookie(reply: FastifyReply): void {
  reply.clearCookie(COMMENTER_COOKIE, { path: '/' });
}

export function commenterIdFromCookie(req: FastifyRequest): number | null {
  const raw = req.cookies[COMMENTER_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value || !/^[1-9]\d{0,9}$/.test(unsigned.value)) return null;
  return Number(unsigned.value);
}
