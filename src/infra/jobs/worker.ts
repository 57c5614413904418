import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { nowIso } from '../db/database.js';
import type { JobQueue } from './job-queue.js';

export interface WorkerOptions {
  pollIntervalMs?: number;
  /**
   * The lease: a running job whose worker has not renewed its lock for this long is taken to be
   * orphaned (the worker was killed) and is claimed again. A live worker renews it every third
   * of this while the handler runs, so a long job is never run twice at the same time.
   */
  lockTimeoutMs?: number;
  logger?: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** For tests: a fixed clock. */
  now?: () => Date;
  /**
   * Asked before each job: true means "the process is needed elsewhere" (an HTTP surge), and the
   * worker waits in YIELD_STEP_MS steps, at most maxYieldMs per job so the queue still moves.
   */
  shouldYield?: () => boolean;
  maxYieldMs?: number;
}

export const YIELD_STEP_MS = 50;
/** How long a killed worker's job waits before another worker retries it. */
export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_MAX_YIELD_MS = 2_000;

/** Delay before retry n (1-based): 10 s, 40 s, 2.5 min… capped at one hour. */
export function backoffMs(attempt: number): number {
  return Math.min(10_000 * 4 ** (attempt - 1), 60 * 60 * 1000);
}

interface ClaimedJob {
  id: number;
  type: string;
  payload: string;
  attempts: number;
  max_attempts: number;
}

/**
 * Claims due jobs one at a time and runs their handlers. Several workers (in the servers and in
 * `rally worker` processes) can share the table: on PostgreSQL a claim is one UPDATE of a row
 * picked FOR UPDATE SKIP LOCKED; on SQLite (one writer at a time) a conditional UPDATE. A claim
 * is a lease the worker renews while the handler runs; a killed worker's job is claimed again
 * once its lease expires. A failing job is retried with backoff until max_attempts, then dead.
 */
export class Worker {
  readonly id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  /** Set by stop(): a worker waiting out a surge stops waiting. */
  private stopRequested = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly options: WorkerOptions = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopRequested = false;
    const tick = async () => {
      if (this.stopped) return;
      this.running = this.runUntilIdle().catch((err: unknown) =>
        this.options.logger?.error({ err }, 'job worker loop failed'),
      );
      await this.running;
      if (!this.stopped)
        this.timer = setTimeout(() => void tick(), this.options.pollIntervalMs ?? 500);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopRequested = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs every due job, then returns how many ran. */
  async runUntilIdle(limit = Number.POSITIVE_INFINITY): Promise<number> {
    let ran = 0;
    while (ran < limit) {
      await this.yieldToSurge();
      const job = await this.claimNext();
      if (!job) break;
      await this.run(job);
      ran++;
      // better-sqlite3 answers synchronously, so a loop of awaited queries never reaches the
      // event loop's I/O phase: without this yield a long queue would starve HTTP requests.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return ran;
  }

  /** How many times this worker has stepped aside for a surge (shown in tests and metrics). */
  yields = 0;

  private async yieldToSurge(): Promise<void> {
    const { shouldYield } = this.options;
    if (!shouldYield) return;
    const maxYieldMs = this.options.maxYieldMs ?? DEFAULT_MAX_YIELD_MS;
    for (let waited = 0; waited < maxYieldMs && !this.stopRequested && shouldYield();) {
      this.yields++;
      await new Promise((resolve) => setTimeout(resolve, YIELD_STEP_MS));
      waited += YIELD_STEP_MS;
    }
  }

  private get leaseMs(): number {
    return this.options.lockTimeoutMs ?? DEFAULT_LEASE_MS;
  }

  private async claimNext(): Promise<ClaimedJob | undefined> {
    const now = this.now();
    const staleBefore = new Date(now.getTime() - this.leaseMs);
    if (this.queue.db.dialect === 'postgres') return this.claimSkippingLocked(now, staleBefore);
    const db = this.queue.db.kysely;
    for (let tries = 0; tries < 5; tries++) {
      const candidate = await db
        .selectFrom('jobs')
        .select(['id'])
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now.toISOString())]),
            eb.and([eb('status', '=', 'running'), eb('locked_at', '<', staleBefore.toISOString())]),
          ]),
        )
        .orderBy('run_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!candidate) return undefined;
      // The status check in the WHERE makes the claim atomic: if another worker got there
      // first, no row comes back and we look again.
      const claimed = await db
        .updateTable('jobs')
        .set({
          status: 'running',
          locked_at: now.toISOString(),
          locked_by: this.id,
          attempts: sql<number>`attempts + 1`,
          updated_at: now.toISOString(),
        })
        .where('id', '=', candidate.id)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'pending'),
            eb.and([eb('status', '=', 'running'), eb('locked_at', '<', staleBefore.toISOString())]),
          ]),
        )
        .returning(['id', 'type', 'payload', 'attempts', 'max_attempts'])
        .executeTakeFirst();
      if (claimed) return claimed;
    }
    return undefined;
  }

  /**
   * PostgreSQL: many workers at once, each taking the first due job no other transaction has
   * locked (FOR UPDATE SKIP LOCKED), in one statement: no two claim the same job, and none waits
   * for another's claim.
   */
  private async claimSkippingLocked(now: Date, staleBefore: Date): Promise<ClaimedJob | undefined> {
    const at = now.toISOString();
    const stale = staleBefore.toISOString();
    const { rows } = await sql<ClaimedJob>`
      update jobs set status = 'running', locked_at = ${at}, locked_by = ${this.id},
        attempts = attempts + 1, updated_at = ${at}
      where id = (
        select id from jobs
        where (status = 'pending' and run_at <= ${at})
           or (status = 'running' and locked_at < ${stale})
        order by run_at, id
        limit 1
        for update skip locked)
      returning id, type, payload, attempts, max_attempts`.execute(this.queue.db.kysely);
    return rows[0];
  }

  /** Renews the lease while the handler runs; false once another worker has taken the job. */
  private async renewLease(jobId: number): Promise<boolean> {
    const at = this.now().toISOString();
    const renewed = await this.queue.db.kysely
      .updateTable('jobs')
      .set({ locked_at: at })
      .where('id', '=', jobId)
      .where('status', '=', 'running')
      .where('locked_by', '=', this.id)
      .executeTakeFirst();
    return Number(renewed.numUpdatedRows) > 0;
  }

  private async run(job: ClaimedJob): Promise<void> {
    const heartbeat = setInterval(() => {
      this.renewLease(job.id).then(
        (held) => {
          if (!held)
            this.options.logger?.warn(
              { jobId: job.id, type: job.type },
              'job lease lost: another worker took it over',
            );
        },
        (err: unknown) => this.options.logger?.warn({ err, jobId: job.id }, 'lease renewal failed'),
      );
    }, this.leaseMs / 3);
    heartbeat.unref();
    try {
      await this.runHeld(job);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async runHeld(job: ClaimedJob): Promise<void> {
    const db = this.queue.db.kysely;
    const handler = this.queue.handlers.get(job.type);
    try {
      if (!handler) throw new Error(`No handler registered for job type "${job.type}"`);
      await handler(JSON.parse(job.payload) as unknown, {
        jobId: job.id,
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
        reportProgress: async (percent) => {
          await db
            .updateTable('jobs')
            .set({
              progress: Math.max(0, Math.min(100, Math.round(percent))),
              updated_at: nowIso(),
            })
            .where('id', '=', job.id)
            .execute();
        },
      });
      const done = this.now().toISOString();
      await db
        .updateTable('jobs')
        .set({
          status: 'done',
          progress: 100,
          finished_at: done,
          updated_at: done,
          last_error: null,
          locked_at: null,
        })
        .where('id', '=', job.id)
        // A worker that lost its lease (stalled past it) must not overwrite the new holder's run.
        .where('locked_by', '=', this.id)
        .execute();
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      const dead = job.attempts >= job.max_attempts;
      const now = this.now();
      await db
        .updateTable('jobs')
        .set({
          status: dead ? 'dead' : 'pending',
          last_error: message.slice(0, 4000),
          run_at: new Date(now.getTime() + (dead ? 0 : backoffMs(job.attempts))).toISOString(),
          locked_at: null,
          locked_by: null,
          updated_at: now.toISOString(),
          finished_at: dead ? now.toISOString() : null,
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.id)
        .execute();
      this.options.logger?.[dead ? 'error' : 'warn'](
        { jobId: job.id, type: job.type, attempt: job.attempts, err },
        dead ? 'job failed for the last time: dead-lettered' : 'job failed, will retry',
      );
    }
  }
}
