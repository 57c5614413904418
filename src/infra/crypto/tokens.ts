import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Single-use links carry a random token; only its hash is stored, so the mail is the only copy. */
export function newLinkToken(): string {
  return randomBytes(24).toString('base64url');
}

/** `count` link tokens from one read of the random source (a batch of signatures needs many). */
export function newLinkTokens(count: number): string[] {
  const bytes = randomBytes(24 * count);
  return Array.from({ length: count }, (_, i) =>
    bytes.subarray(i * 24, (i + 1) * 24).toString('base64url'),
  );
}

/** What is stored of a link token: its SHA-256, to look it up without keeping the token. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Anything else in a link token's place is refused before any lookup. */
export function isLinkTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{20,64}$/.test(token);
}

/** An HMAC-SHA256 of the message under the secret, base64url, cut to `length` characters. */
export function keyedHash(secret: string, message: string, length = 32): string {
  return createHmac('sha256', secret).update(message).digest('base64url').slice(0, length);
}

/** Compares a given token part with the expected one in constant time. */
export function sameText(expected: string, given: string): boolean {
  const x = Buffer.from(expected);
  const y = Buffer.from(given);
  return x.length === y.length && timingSafeEqual(x, y);
}
