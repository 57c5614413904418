import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
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
  before(async () => {
    app = await createTestApp(ctx.db);
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
