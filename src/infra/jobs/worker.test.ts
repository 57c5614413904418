import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { JobQueue } from './job-queue.js';
import { Worker, backoffMs } from './worker.js';

describeEachDatabase('job worker', (ctx) => {
  let queue: JobQueue;
  beforeEach(async () => {
    // One table for the suite: each test starts with an empty queue and its own handlers.
    await ctx.db.kysely.deleteFrom('jobs').execute();
    queue = new JobQueue(ctx.db);
  });

  const job = (id: number) =>
    ctx.db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('runs a job with its payload and marks it done', async () => {
    const seen: unknown[] = [];
    queue.register('test.ok', async (payload) => {
      seen.push(payload);
    });
    const id = await queue.enqueue('test.ok', { hello: 'world' });
    assert.equal(await new Worker(queue).runUntilIdle(), 1);
    assert.deepEqual(seen, [{ hello: 'world' }]);
    const row = await job(id);
    assert.equal(row.status, 'done');
    assert.equal(row.attempts, 1);
    assert.ok(row.finished_at);
    assert.equal(await new Worker(queue).runUntilIdle(), 0, 'a done job does not run again');
  });

  it('retries a failing job with growing backoff, then dead-letters it with its error', async () => {
    let clock = new Date();
    const worker = new Worker(queue, { now: () => clock });
    const attempts: number[] = [];
    queue.register('test.fail', async (_payload, jobCtx) => {
      attempts.push(jobCtx.attempt);
      assert.equal(jobCtx.maxAttempts, 3);
      throw new Error(`boom on attempt ${jobCtx.attempt}\nsecond line`);
    });
    const id = await queue.enqueue('test.fail', null, { maxAttempts: 3, runAt: clock });

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      assert.equal(await worker.runUntilIdle(), 1);
      const row = await job(id);
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, attempt);
      assert.match(row.last_error ?? '', new RegExp(`boom on attempt ${attempt}`));
      const delay = Date.parse(row.run_at) - clock.getTime();
      delays.push(delay);
      assert.equal(delay, backoffMs(attempt));
      clock = new Date(clock.getTime() + delay - 1);
      assert.equal(await worker.runUntilIdle(), 0, 'not due before its backoff has passed');
      clock = new Date(clock.getTime() + 1);
    }
    assert.ok(delays[1]! > delays[0]!, `backoff grows: ${delays.join(', ')}`);

    assert.equal(await worker.runUntilIdle(), 1);
    const dead = await job(id);
    assert.equal(dead.status, 'dead');
    assert.equal(dead.attempts, 3);
    assert.match(dead.last_error ?? '', /^Error: boom on attempt 3/);
    assert.ok(dead.finished_at);
    assert.deepEqual(attempts, [1, 2, 3]);

    clock = new Date(clock.getTime() + 24 * 60 * 60 * 1000);
    assert.equal(await worker.runUntilIdle(), 0, 'a dead job is never picked up again');
  });

  it('two workers racing over the same jobs run each job exactly once', async () => {
    const runs = new Map<number, number>();
    queue.register('test.race', async (payload) => {
      const n = (payload as { n: number }).n;
      runs.set(n, (runs.get(n) ?? 0) + 1);
      await sleep(1);
    });
    const total = 30;
    for (let n = 0; n < total; n++) await queue.enqueue('test.race', { n });
    const [a, b] = await Promise.all([
      new Worker(queue).runUntilIdle(),
      new Worker(queue).runUntilIdle(),
    ]);
    assert.equal(a + b, total);
    assert.equal(runs.size, total);
    assert.deepEqual([...new Set(runs.values())], [1], 'no job ran twice');
    const statuses = await ctx.db.kysely
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .distinct()
      .execute();
    assert.deepEqual(statuses, [{ status: 'done', attempts: 1 }]);
  });

  it('reclaims a job left running by a crashed worker once its lock times out', async () => {
    const lockTimeoutMs = 60_000;
    let clock = new Date();
    let ran = 0;
    queue.register('test.orphan', async () => {
      ran++;
    });
    const id = await queue.enqueue('test.orphan', null, { runAt: clock });
    await ctx.db.kysely
      .updateTable('jobs')
      .set({
        status: 'running',
        attempts: 1,
        locked_by: 'crashed-worker',
        locked_at: clock.toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const worker = new Worker(queue, { lockTimeoutMs, now: () => clock });

    clock = new Date(clock.getTime() + lockTimeoutMs - 1000);
    assert.equal(await worker.runUntilIdle(), 0, 'a recently locked job belongs to its worker');
    assert.equal(ran, 0);

    clock = new Date(clock.getTime() + 2000);
    assert.equal(await worker.runUntilIdle(), 1);
    assert.equal(ran, 1);
    const row = await job(id);
    assert.equal(row.status, 'done');
    assert.equal(row.attempts, 2, 'the lost run counts as an attempt');
  });

  it('several workers at once run every job exactly once', async () => {
    const runs = new Map<number, number>();
    queue.register('test.shared', async (_payload, jobCtx) => {
      runs.set(jobCtx.jobId, (runs.get(jobCtx.jobId) ?? 0) + 1);
      // Let the other workers claim meanwhile, as they would while a job sends mail.
      await new Promise((resolve) => setImmediate(resolve));
    });
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push(await queue.enqueue('test.shared', { i }));
    const ran = await Promise.all([1, 2, 3].map(() => new Worker(queue).runUntilIdle()));
    assert.equal(
      ran.reduce((a, b) => a + b, 0),
      30,
    );
    assert.deepEqual(
      ids.map((id) => runs.get(id)),
      ids.map(() => 1),
    );
  });

  it('a worker whose lease was taken over does not record the outcome over the new holder', async () => {
    let clock = new Date();
    const lockTimeoutMs = 60_000;
    let release: () => void = () => {};
    let calls = 0;
    queue.register('test.slow', async () => {
      calls++;
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      else throw new Error('second run fails');
    });
    const id = await queue.enqueue('test.slow', null, { runAt: clock });
    const stalled = new Worker(queue, { lockTimeoutMs, now: () => clock });
    const first = stalled.runUntilIdle(1);
    while (calls === 0) await sleep(5);
    // The first worker stalls past its lease; another takes the job over and it fails there.
    clock = new Date(clock.getTime() + lockTimeoutMs + 1000);
    assert.equal(await new Worker(queue, { lockTimeoutMs, now: () => clock }).runUntilIdle(1), 1);
    release();
    await first;
    const row = await job(id);
    assert.equal(row.status, 'pending', 'the new holder’s failure stands: retried later');
    assert.match(row.last_error ?? '', /second run fails/);
  });

  it('start() polls in the background and stop() waits for the running job', async () => {
    let finished = false;
    queue.register('test.slow', async () => {
      await sleep(50);
      finished = true;
    });
    const id = await queue.enqueue('test.slow', null);
    const worker = new Worker(queue, { pollIntervalMs: 10 });
    worker.start();
    while ((await job(id)).status === 'pending') await sleep(5);
    await worker.stop();
    assert.equal(finished, true);
    assert.equal((await job(id)).status, 'done');
  });

  it('steps aside while HTTP surges, and runs the job once the surge ends', async () => {
    const order: string[] = [];
    queue.register('test.batch', async () => {
      order.push('job');
    });
    await queue.enqueue('test.batch', null);
    let surgeChecks = 3;
    const worker = new Worker(queue, {
      shouldYield: () => {
        const surging = surgeChecks-- > 0;
        order.push(surging ? 'surging' : 'calm');
        return surging;
      },
    });
    assert.equal(await worker.runUntilIdle(), 1);
    assert.deepEqual(order.slice(0, 5), ['surging', 'surging', 'surging', 'calm', 'job']);
    assert.equal(worker.yields, 3);
  });

  it('still runs jobs during an endless surge, one per yield budget, so the queue moves', async () => {
    let ran = 0;
    queue.register('test.batch', async () => {
      ran++;
    });
    await queue.enqueue('test.batch', null);
    await queue.enqueue('test.batch', null);
    const worker = new Worker(queue, { shouldYield: () => true, maxYieldMs: 100 });
    assert.equal(await worker.runUntilIdle(), 2);
    assert.equal(ran, 2);
    // Two jobs plus the empty check after them, each after a full budget of 100 ms / 50 ms steps.
    assert.equal(worker.yields, 6);
  });
});
