import type { Kysely, Selectable, Transaction } from 'kysely';
import { type Db, nowIso } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { JOB_STATUSES, type JobStatus, type JobTables } from './jobs.tables.js';

export type JobRow = Selectable<JobTables['jobs']>;

export interface JobContext {
  jobId: number;
  attempt: number;
  /** When attempt reaches this, a failure dead-letters the job: handlers can record final failure. */
  maxAttempts: number;
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

  /** How many jobs are in each status (every status present, zero when none). */
  async statusCounts(): Promise<Record<JobStatus, number>> {
    const rows = await this.db.kysely
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /** Dead jobs newest first; pending and running ones in the order they will run. */
  async listByStatus(statuses: readonly JobStatus[], limit: number): Promise<JobRow[]> {
    let query = this.db.kysely.selectFrom('jobs').selectAll().where('status', 'in', statuses);
    query = statuses.includes('dead')
      ? query.orderBy('finished_at', 'desc').orderBy('id', 'desc')
      : query.orderBy('run_at').orderBy('id');
    return query.limit(limit).execute();
  }

  async find(id: number): Promise<JobRow | undefined> {
    return this.db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Puts a dead job back in the queue with a fresh set of attempts. Only dead jobs: retrying a
   * pending or running one would run it twice. Returns undefined when the job is not dead.
   */
  async retryDead(
    id: number,
    executor: Kysely<Database> = this.db.kysely,
  ): Promise<{ id: number; type: string } | undefined> {
    const now = nowIso();
    return executor
      .updateTable('jobs')
      .set({
        status: 'pending',
        attempts: 0,
        run_at: now,
        locked_at: null,
        locked_by: null,
        finished_at: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .returning(['id', 'type'])
      .executeTakeFirst();
  }
}
