import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../clock/clock.js';
import { COUNT_REFRESH_MS } from '../../features/petitions/live-counts.js';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { publishedPetition } from '../../features/petitions/petitions.test-support.js';

/** Headers that differ between any two responses, whoever sends them. */
const VARYING = new Set(['date', 'keep-alive', 'connection']);

async function fetchShape(url: string) {
  const res = await fetch(url);
  const headers = Object.fromEntries(
    [...res.headers.entries()].filter(([name]) => !VARYING.has(name)),
  );
  return { status: res.status, headers, body: await res.text() };
}

describeEachDatabase('the fast lane: hot GETs answered before routing', (ctx) => {
  let app: FastifyInstance;
  let base: string;
  const clock = new ManualClock();
  before(async () => {
    app = await createTestApp(ctx.db, {}, { clock });
    await publishedPetition(app.services, { title: 'Lane', slug: 'lane', goal: '500' });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => app.close());

  it('answers a warm count.json exactly as the route does, and a cold one through the route', async () => {
    const before = app.fastLane.answered;
    const cold = await fetchShape(`${base}/p/lane/count.json`);
    assert.equal(app.fastLane.answered, before, 'the first read loads through Fastify');
    const warm = await fetchShape(`${base}/p/lane/count.json`);
    assert.equal(app.fastLane.answered, before + 1, 'the second is answered from memory');
    assert.deepEqual(warm, cold);
    assert.deepEqual(JSON.parse(warm.body), { count: 0, goal: 500 });
    assert.equal(warm.headers['access-control-allow-origin'], '*');
  });

  it('keeps answering count.json once its count is stale, and brings the new count in', async () => {
    const countNow = async () =>
      (JSON.parse((await fetchShape(`${base}/p/lane/count.json`)).body) as { count: number }).count;
    const first = await countNow();
    // As another process's confirmations would: the stored count rises, this process is not told.
    await ctx.db.kysely
      .updateTable('petitions')
      .set({ signature_count: first + 3 })
      .where('slug', '=', 'lane')
      .execute();
    clock.advance(COUNT_REFRESH_MS + 1);
    const before = app.fastLane.answered;
    const seen = [await countNow()];
    for (let i = 0; i < 50 && seen.at(-1) !== first + 3; i++) {
      await nextTurn();
      seen.push(await countNow());
    }
    assert.equal(seen.at(-1), first + 3, `the refreshed count arrives (saw ${seen.join(', ')})`);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
      'the count never goes backwards',
    );
    assert.equal(app.fastLane.answered, before + seen.length, 'every read answered from memory');
  });

  it('leaves unknown slugs, queries and HEAD to the routes', async () => {
    const before = app.fastLane.answered;
    assert.equal((await fetch(`${base}/p/nope/count.json`)).status, 404);
    assert.equal((await fetch(`${base}/p/lane/count.json?x=1`)).status, 200);
    assert.equal((await fetch(`${base}/p/lane/count.json`, { method: 'HEAD' })).status, 200);
    const deep = (await (await fetch(`${base}/healthz?deep=1`)).json()) as unknown;
    assert.deepEqual(deep, { status: 'ok', database: ctx.dialect });
    assert.equal(app.fastLane.answered, before);
  });

  it('answers /healthz as the route does, and counts lane answers in /metrics', async () => {
    const viaRoute = await app.inject('/healthz');
    const lane = await fetchShape(`${base}/healthz`);
    assert.equal(lane.body, viaRoute.body);
    assert.equal(lane.headers['content-type'], viaRoute.headers['content-type']);
    assert.equal(lane.headers['access-control-allow-origin'], '*');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(
      metrics,
      /http_requests_total\{method="GET",route="\/healthz",status_code="200"\} [1-9]/,
    );
  });
});
