import type { Generated } from 'kysely';

export const API_ACCESS = ['none', 'read', 'write'] as const;
export type ApiAccess = (typeof API_ACCESS)[number];

export interface ApiTables {
  /** Keys for the OSDI API. Only the SHA-256 of a key is kept: it is shown once, at creation. */
  api_keys: {
    id: Generated<number>;
    name: string;
    /** The key's first characters, so an owner can tell keys apart without the secret. */
    prefix: string;
    token_hash: string;
    /** JSON text: Record<resource name, 'read' | 'write'>; a resource not named is refused. */
    scopes: string;
    created_by: number | null;
    created_at: string;
    last_used_at: string | null;
    revoked_at: string | null;
  };
}

declare module '../../infra/db/schema.js' {
  interface Database extends ApiTables {}
}
