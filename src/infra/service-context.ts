import type { Kysely, Transaction } from 'kysely';
import type { AuditLog } from './audit/audit-log.js';
import type { StaffUser } from './auth/sessions.js';
import type { Clock } from './clock/clock.js';
import type { Db } from './db/database.js';
import type { Database } from './db/schema.js';
import type { JobQueue } from './jobs/job-queue.js';
import type { Mailer } from './mail/mailer.js';
import type { SharedRedis } from './shared-state/redis.js';

/**
 * The first argument of every service function: `(ctx, input, actor)`. Routes pass
 * `app.services` (which is one); a service that writes several tables runs `inTransaction` and
 * hands the transactional ctx to the functions it calls, so they join the same transaction.
 */
export interface ServiceContext {
  db: Db;
  /** Set inside `inTransaction`: queries, audit entries, jobs and mail join it. */
  trx?: Transaction<Database>;
  audit: AuditLog;
  jobs: JobQueue;
  mailer: Mailer;
  clock: Clock;
  /** Set with REDIS_URL: short-lived shared counters (login lockouts) live there. */
  redis?: SharedRedis;
}

/** Who asked: a staff member, or null for a supporter on a public page, the CLI or a job. */
export type Actor = Pick<StaffUser, 'id' | 'role'> | null;

/** Where a service's queries go: the open transaction, or the database. */
export function queries(ctx: Pick<ServiceContext, 'db' | 'trx'>): Kysely<Database> {
  return ctx.trx ?? ctx.db.kysely;
}

/** Runs `work` in one transaction (joining the caller's if there is one). */
export async function inTransaction<T>(
  ctx: ServiceContext,
  work: (tx: ServiceContext & { trx: Transaction<Database> }) => Promise<T>,
): Promise<T> {
  if (ctx.trx) return work({ ...ctx, trx: ctx.trx });
  return ctx.db.kysely.transaction().execute((trx) => work({ ...ctx, trx }));
}

/** The audit log's actor id. */
export function actorId(actor: Actor): number | null {
  return actor?.id ?? null;
}
