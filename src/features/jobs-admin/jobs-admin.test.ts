import assert from 'node:assert/strict';
import { after, before, beforeEach, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs, loginAsNew } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { Worker } from '../../infra/jobs/worker.js';

describeEachDatabase('jobs admin', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  let organiserId: number;
  let viewer: TestClient;
  before(async () => {
    app = await createTestApp(ctx.db);
    ({
      client: organiser,
      user: { id: organiserId },
    } = await loginAsNew(app, 'organiser'));
    viewer = await loginAs(app, 'viewer');
  });
  after(() => app.close());
  beforeEach(async () => {
    await ctx.db.kysely.deleteFrom('jobs').execute();
  });

  const job = (id: number) =>
    ctx.db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** A job whose type has no handler fails at once; with one attempt allowed it is dead. */
  async function deadJob(type = 'test.unhandled'): Promise<number> {
    const id = await app.services.jobs.enqueue(type, { n: 1 }, { maxAttempts: 1 });
    await new Worker(app.services.jobs).runUntilIdle();
    assert.equal((await job(id)).status, 'dead');
    return id;
  }

  it('shows counts, dead jobs with the first line of their error, and waiting jobs', async () => {
    const dead = await deadJob();
    const waiting = await app.services.jobs.enqueue('test.later', null, {
      runAt: new Date(Date.now() + 60 * 60 * 1000),
    });

    const res = await organiser.get('/admin/jobs');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<dt>dead<\/dt>\s*<dd>1<\/dd>/);
    assert.match(res.body, /<dt>pending<\/dt>\s*<dd>1<\/dd>/);
    assert.ok(res.body.includes(`href="/admin/jobs/${dead}"`));
    assert.ok(
      res.body.includes('Error: No handler registered for job type &quot;test.unhandled&quot;'),
    );
    assert.ok(!res.body.includes('at Worker.run'), 'only the first line of the stack');
    assert.ok(res.body.includes(`action="/admin/jobs/${dead}/retry"`));
    assert.ok(res.body.includes(`href="/admin/jobs/${waiting}"`));
    assert.ok(res.body.includes('test.later'));
    assert.ok(!res.body.includes(`action="/admin/jobs/${waiting}/retry"`), 'only dead jobs retry');
  });

  it('shows a job with its full error', async () => {
    const id = await deadJob();
    const res = await organiser.get(`/admin/jobs/${id}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<pre class="job-error">Error: No handler registered[^<]*\n\s+at /);
    assert.ok(res.body.includes('&quot;n&quot;: 1'), 'the payload');
    assert.equal((await organiser.get('/admin/jobs/987654')).statusCode, 404);
    assert.equal((await organiser.get('/admin/jobs/x')).statusCode, 404);
  });

  it('Retry puts a dead job back in the queue with fresh attempts and logs who did it', async () => {
    const id = await deadJob();
    await organiser.get('/admin/jobs');
    const res = await organiser.post(`/admin/jobs/${id}/retry`);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin/jobs');

    const row = await job(id);
    assert.equal(row.status, 'pending');
    assert.equal(row.attempts, 0);
    assert.ok(Date.parse(row.run_at) <= Date.now());
    assert.equal(row.finished_at, null);

    const [entry] = await app.services.audit.recent(1);
    assert.equal(entry?.action, 'job.retry');
    assert.equal(entry?.subject_id, String(id));
    assert.equal(entry?.actor_user_id, organiserId);

    const page = await organiser.get('/admin/jobs');
    assert.match(page.body, /will run again shortly/);

    // It really runs again (and, still unhandled, dies again after its one attempt).
    assert.equal(await new Worker(app.services.jobs).runUntilIdle(), 1);
    assert.equal((await job(id)).attempts, 1);
  });

  it('refuses to retry a job that is not dead', async () => {
    const id = await app.services.jobs.enqueue('test.later', null, {
      runAt: new Date(Date.now() + 60 * 60 * 1000),
    });
    await organiser.get('/admin/jobs');
    const res = await organiser.post(`/admin/jobs/${id}/retry`);
    assert.equal(res.statusCode, 303);
    assert.match((await organiser.get('/admin/jobs')).body, /only dead jobs can be retried/);
    const row = await job(id);
    assert.equal(row.status, 'pending');
    assert.ok(Date.parse(row.run_at) > Date.now(), 'its schedule is untouched');
    assert.equal((await organiser.post('/admin/jobs/987654/retry')).statusCode, 404);
  });

  it('is for organisers: a viewer can neither see nor retry jobs', async () => {
    const id = await deadJob();
    assert.equal((await viewer.get('/admin/jobs')).statusCode, 403);
    assert.equal((await viewer.get(`/admin/jobs/${id}`)).statusCode, 403);
    await viewer.get('/admin');
    assert.equal((await viewer.post(`/admin/jobs/${id}/retry`)).statusCode, 403);
    assert.equal((await job(id)).status, 'dead');
  });

  it('a retry without the form token is refused', async () => {
    const id = await deadJob();
    const res = await organiser.post(`/admin/jobs/${id}/retry`, { _csrf: 'forged' });
    assert.equal(res.statusCode, 403);
    assert.equal((await job(id)).status, 'dead');
  });
});
