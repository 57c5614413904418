import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, SESSION_TTL_MS, SessionStore } from '../../infra/auth/sessions.js';
import type { Services } from '../../infra/services.js';

/** Starts a fresh session (never reusing a token from before login) and sets its cookie. */
export async function startSession(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  userId: number,
): Promise<void> {
  const sessions = new SessionStore(services.db);
  const previous = req.cookies[SESSION_COOKIE];
  if (previous) await sessions.destroy(previous);
  const token = await sessions.create(userId, {
    ip: req.ip,
    userAgent: req.headers['user-agent'],
  });
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: services.config.baseUrl.startsWith('https://'),
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export async function endSession(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const token = req.cookies[SESSION_COOKIE];
  if (token) await new SessionStore(services.db).destroy(token);
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * Where to go after login: only a path on this site. "//evil.example" and "/\evil.example" are
 * read by browsers as other hosts, so they are refused along with absolute URLs.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/admin';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/admin';
  // Control characters and backslashes can be normalised into a host by some browsers.
  if ([...next].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20 || ch === '\x7f'))
    return '/admin';
  return next;
}
