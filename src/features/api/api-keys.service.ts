import { randomBytes } from 'node:crypto';
import { hashLinkToken } from '../../infra/crypto/tokens.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import type { ApiAccess } from './api.tables.js';

export const API_KEY_NAME_MAX_LENGTH = 100;
/** A key in use is stamped at most this often: not a write on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
const KEY_PREFIX = 'rally_';
const KEY_SHAPE = /^rally_[A-Za-z0-9_-]{43}$/;

export type ApiScopes = Record<string, Exclude<ApiAccess, 'none'>>;

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiScopes;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export class ApiKeyInputError extends Error {
  readonly statusCode = 422;
}

function toApiKey(row: {
  id: number;
  name: string;
  prefix: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as ApiScopes,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * A new key for an owner: the secret is returned this once and only its hash is stored.
 * `resources` are the collections the API serves; scopes naming anything else are refused.
 */
export async function createApiKey(
  ctx: ServiceContext,
  input: { name: string; scopes: Record<string, ApiAccess>; resources: readonly string[] },
  actor: Actor,
): Promise<{ key: ApiKey; secret: string }> {
  const name = input.name.replace(/\s+/g, ' ').trim();
  if (!name) throw new ApiKeyInputError('Give the key a name, e.g. "Stall sign-up script".');
  if (name.length > API_KEY_NAME_MAX_LENGTH)
    throw new ApiKeyInputError(`A key name has at most ${API_KEY_NAME_MAX_LENGTH} characters.`);
  const scopes: ApiScopes = {};
  for (const [resource, access] of Object.entries(input.scopes)) {
    if (!input.resources.includes(resource))
      throw new ApiKeyInputError(`There is no API resource called "${resource}".`);
    if (access !== 'none') scopes[resource] = access;
  }
  if (Object.keys(scopes).length === 0)
    throw new ApiKeyInputError('Allow the key to read or write at least one resource.');
  const secret = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx, async ({ trx }) => {
    const row = await trx
      .insertInto('api_keys')
      .values({
        name,
        prefix: secret.slice(0, KEY_PREFIX.length + 6),
        token_hash: hashLinkToken(secret),
        scopes: JSON.stringify(scopes),
        created_by: actorId(actor),
        created_at: now,
        last_used_at: null,
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'api-key.create',
        subjectType: 'api_key',
        subjectId: row.id,
        details: { name, scopes },
      },
      trx,
    );
    return { key: toApiKey(row), secret };
  });
}

export async function listApiKeys(ctx: Pick<ServiceContext, 'db' | 'trx'>): Promise<ApiKey[]> {
  const rows = await queries(ctx)
    .selectFrom('api_keys')
    .selectAll()
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toApiKey);
}

/** Revoked keys stay listed (who had access, until when); they never authenticate again. */
export async function revokeApiKey(
  ctx: ServiceContext,
  input: { id: number },
  actor: Actor,
): Promise<boolean> {
  return inTransaction(ctx, async ({ trx }) => {
    const done = await trx
      .updateTable('api_keys')
      .set({ revoked_at: ctx.clock.now().toISOString() })
      .where('id', '=', input.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) return false;
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'api-key.revoke',
        subjectType: 'api_key',
        subjectId: input.id,
      },
      trx,
    );
    return true;
  });
}

/** The live key this secret belongs to, stamped as used; undefined for anything else. */
export async function authenticateApiKey(
  ctx: ServiceContext,
  secret: string,
): Promise<ApiKey | undefined> {
  if (!KEY_SHAPE.test(secret)) return undefined;
  const row = await ctx.db.kysely
    .selectFrom('api_keys')
    .selectAll()
    .where('token_hash', '=', hashLinkToken(secret))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return undefined;
  const now = ctx.clock.now();
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  if (row.last_used_at === null || row.last_used_at < staleBefore) {
    await ctx.db.kysely
      .updateTable('api_keys')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
    row.last_used_at = now.toISOString();
  }
  return toApiKey(row);
}
