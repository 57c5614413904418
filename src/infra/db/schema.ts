import type { Generated } from 'kysely';
import type { AuthTables } from '../auth/auth.tables.js';
import type { JobTables } from '../jobs/jobs.tables.js';
import type { MailTables } from '../mail/mail.tables.js';

/**
 * The whole database as Kysely sees it. Each table belongs to one module; only that module's
 * repository queries it. Infra's tables are listed here; each feature adds its own from its
 * `*.tables.ts` by declaration merging (`declare module … { interface Database extends … }`),
 * so infra never imports a feature.
 */
export interface Database extends CoreTables, AuthTables, JobTables, MailTables {}

export interface CoreTables {
  settings: { key: string; value: string };
  audit_log: {
    id: Generated<number>;
    actor_user_id: number | null;
    action: string;
    subject_type: string | null;
    subject_id: string | null;
    details: string | null;
    created_at: string;
  };
  /** Shared rate-limit counters (PostgreSQL; see infra/http/rate-limit-store.ts). */
  rate_limit_hits: { key: string; hits: number; window_ends_ms: number };
}
