import type { Kysely, Transaction } from 'kysely';
import { type Db, nowIso } from '../db/database.js';
import type { Database } from '../db/schema.js';

export interface JobContext {
  jobId: number;
  attempt: number;
  /** For long jobs (imports): 0..100, shown in the admin UI. */
  reportProgress(percent: number): Promise<void>;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

export interface EnqueueOptions {
  runAt?: Date;
  maxAttempts?: number;
  /** Enqueue inside the caller's transaction, so the job exists iff the caller's write commits. */
  trx?: Transaction<Database>;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/** The durable job table: producers enqueue here; the worker (worker.ts) claims and runs. */
export class JobQueue {
  readonly handlers = new Map<string, JobHandler>();

  constructor(readonly db: Db) {}

  register(type: string, handler: JobHandler): void {
    if (this.handlers.has(type)) throw new Error(`Job handler "${type}" registered twice`);
    this.handlers.set(type, handler);
  }

  async enqueue(type: string, payload: unknown, options: EnqueueOptions = {}): Promise<number> {
    const executor: Kysely<Database> = options.trx ?? this.db.kysely;
    const now = nowIso();
    const row = await executor
      .insertInto('jobs')
      .values({
        type,
        payload: JSON.stringify(payload ?? null),
        status: 'pending',
        attempts: 0,
        max_attempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        run_at: (options.runAt ?? new Date()).toISOString(),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
}
