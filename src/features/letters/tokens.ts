import { createHash, randomBytes } from 'node:crypto';

/** Single-use links carry a random token; only its hash is stored, so the mail is the only copy. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Anything else in a token's place is refused before any lookup. */
export function isTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{20,64}$/.test(token);
}
