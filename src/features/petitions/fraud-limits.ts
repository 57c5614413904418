import { RateCounter } from '../../infra/http/rate-counter.js';

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
 * Per-process limits on signing (see RateCounter): enough to stop one machine flooding a
 * petition; what gets through shows up in the moderators' trending report.
 */
export class SigningLimits {
  readonly byIp = new RateCounter(SIGNATURES_PER_IP_PER_WINDOW, RATE_WINDOW_MS);
  readonly byDomain = new RateCounter(SIGNATURES_PER_DOMAIN_PER_WINDOW, RATE_WINDOW_MS);

  check(petitionId: number, ip: string, domain: string): 'ok' | 'ip' | 'domain' {
    if (!this.byIp.hit(`${petitionId}|${ip}`)) return 'ip';
    if (!COMMON_DOMAINS.has(domain) && !this.byDomain.hit(`${petitionId}|${domain}`))
      return 'domain';
    return 'ok';
  }
}
