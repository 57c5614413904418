import type { Generated } from 'kysely';

export interface TargetListsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A person or office a campaign asks supporters to contact: an MP, a councillor, a minister,
 * a company director. Division fields say whom they represent, for "find your representative".
 */
export interface TargetsTable {
  id: Generated<number>;
  list_id: number;
  /** The source's own id (e.g. the UK Parliament member id); re-imports match on it. */
  external_id: string | null;
  name: string;
  role: string | null;
  party: string | null;
  organisation: string | null;
  division_type: string | null;
  division_code: string | null;
  division_name: string | null;
  email: string | null;
  twitter: string | null;
  bluesky: string | null;
  mastodon: string | null;
  facebook: string | null;
  phone: string | null;
  created_at: string;
  updated_at: string;
}

export interface TargetTables {
  target_lists: TargetListsTable;
  targets: TargetsTable;
}

declare module '../../infra/db/schema.js' {
  interface Database extends TargetTables {}
}
