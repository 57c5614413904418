import { getOrCreateSecret } from '../../infra/db/settings.js';
import type { Db } from '../../infra/db/database.js';
import { createHmac } from 'node:crypto';
import { sameText } from '../../infra/crypto/tokens.js';

const SECRET_KEY = 'mailings_secret';
const secrets = new WeakMap<Db, Promise<string>>();

/** One secret per database, kept in settings so every server and worker signs alike. */
export function mailingSecret(db: Db): Promise<string> {
  let secret = secrets.get(db);
  if (!secret) {
    secret = getOrCreateSecret(db, SECRET_KEY);
    secret.catch(() => secrets.delete(db));
    secrets.set(db, secret);
  }
  return secret;
}

/**
 * What a token is about. A recipient token names one person and one mailing (unsubscribe links,
 * VERP return paths); an address token names one address, for confirmation emails sent before
 * the person has a record.
 */
export type TokenSubject =
  | { kind: 'recipient'; recipientId: number; personId: number; mailingId: number }
  | { kind: 'address'; email: string };

function message(purpose: string, s: TokenSubject): string {
  return s.kind === 'recipient'
    ? `${purpose}:r:${s.recipientId}:${s.personId}:${s.mailingId}`
    : `${purpose}:e:${s.email}`;
}

/** `r<recipientId>.<sig>` or `e<base64url email>.<sig>`: URL- and local-part-safe. */
export function signToken(secret: string, purpose: string, s: TokenSubject): string {
  const head =
    s.kind === 'recipient'
      ? `r${s.recipientId}`
      : `e${Buffer.from(s.email, 'utf8').toString('base64url')}`;
  // Lower-case hex: some mail servers lower-case the local part of a VERP address.
  const sig = createHmac('sha256', secret).update(message(purpose, s)).digest('hex').slice(0, 24);
  return `${head}.${sig}`;
}

export type ParsedToken =
  { kind: 'recipient'; recipientId: number } | { kind: 'address'; email: string };

const TOKEN_SHAPE = /^([reR])([A-Za-z0-9_-]{1,400})\.([0-9a-fA-F]{24})$/;

/** The token's claim, unverified: the caller loads the recipient and calls verifyToken. */
export function readToken(token: string): ParsedToken | null {
  const m = TOKEN_SHAPE.exec(token);
  if (!m) return null;
  if (m[1] !== 'e') {
    const id = Number(m[2]);
    return Number.isSafeInteger(id) && id > 0 && /^\d+$/.test(m[2]!)
      ? { kind: 'recipient', recipientId: id }
      : null;
  }
  const email = Buffer.from(m[2]!, 'base64url').toString('utf8');
  return email.includes('@') ? { kind: 'address', email } : null;
}

export function verifyToken(
  secret: string,
  purpose: string,
  token: string,
  s: TokenSubject,
): boolean {
  const given = s.kind === 'recipient' ? token.toLowerCase() : token;
  return sameText(signToken(secret, purpose, s), given);
}
