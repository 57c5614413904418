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
 * Fixed-window counters kept in memory (per process): enough to stop one machine flooding a
 * petition; what gets through shows up in the moderators' trending report.
 */
export class RateCounter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {}

  /** Counts one hit; false when the key is over its limit in this window. */
  hit(key: string, now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.counts.clear();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n <= this.limit;
  }
}

export class SigningLimits {
  readonly byIp = new RateCounter(SIGNATURES_PER_IP_PER_WINDOW);
  readonly byDomain = new RateCounter(SIGNATURES_PER_DOMAIN_PER_WINDOW);

  check(petitionId: number, ip: string, domain: string): 'ok' | 'ip' | 'domain' {
    if (!this.byIp.hit(`${petitionId}|${ip}`)) return 'ip';
    if (!COMMON_DOMAINS.has(domain) && !this.byDomain.hit(`${petitionId}|${domain}`))
      return 'domain';
    return 'ok';
  }
}
