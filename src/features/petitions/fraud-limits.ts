import type { FastifyInstance, FastifyRequest } from 'fastify';
import { keyedRateLimiter } from '../../infra/http/rate-limit.js';

/** Signatures one IP address may send to one petition per window (households and offices share IPs). */
export const SIGNATURES_PER_IP_PER_WINDOW = 50;
/** Signatures from one email domain per petition per window, for domains other than big providers. */
export const SIGNATURES_PER_DOMAIN_PER_WINDOW = 300;
export const RATE_WINDOW_MS = 10 * 60 * 1000;

/** Mail providers millions share: a surge from them is normal, so no per-domain limit applies. */
const COMMON_DOMAINS = new Set([
  'gmail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'outlook.com',
  'live.com',
  'live.co.uk',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'icloud.com',
  'me.com',
  'aol.com',
  'btinternet.com',
  'sky.com',
  'virginmedia.com',
  'talktalk.net',
  'protonmail.com',
  'proton.me',
  'gmx.com',
  'mail.com',
]);

/**
 * Limits on signing (in the app's one rate-limit store): enough to stop one machine flooding a
 * petition; what gets through shows up in the moderators' trending report.
 */
export function signingLimits(app: FastifyInstance) {
  const byIp = keyedRateLimiter(app, {
    max: SIGNATURES_PER_IP_PER_WINDOW,
    windowMs: RATE_WINDOW_MS,
    name: 'petitions-sign-ip',
  });
  const byDomain = keyedRateLimiter(app, {
    max: SIGNATURES_PER_DOMAIN_PER_WINDOW,
    windowMs: RATE_WINDOW_MS,
    name: 'petitions-sign-domain',
  });
  return {
    async check(
      req: FastifyRequest,
      petitionId: number,
      domain: string,
    ): Promise<'ok' | 'ip' | 'domain'> {
      if (!(await byIp.hit(req, `sign|${petitionId}|${req.ip}`))) return 'ip';
      if (!COMMON_DOMAINS.has(domain) && !(await byDomain.hit(req, `sign|${petitionId}|${domain}`)))
        return 'domain';
      return 'ok';
    },
  };
}
export type SigningLimits = ReturnType<typeof signingLimits>;
