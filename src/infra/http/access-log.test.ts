import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { registerMetrics } from './metrics.js';

async function appLogging(accessLogSample: number) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream }, disableRequestLogging: true });
  registerMetrics(app, { processMetrics: false, metricsToken: undefined, accessLogSample });
  app.get('/ok', async () => ({ ok: true }));
  app.get('/missing', async (_req, reply) => reply.code(404).send({ missing: true }));
  const requests = () => lines.filter((l) => l.msg === 'request');
  return { app, requests };
}

describe('access log', () => {
  it('logs 1 in N successful requests, saying so, and every failure', async () => {
    const { app, requests } = await appLogging(10);
    for (let i = 0; i < 30; i++) await app.inject('/ok');
    await app.inject('/missing');
    await app.inject('/missing');
    const logged = requests();
    assert.equal(logged.filter((l) => l.status === 200).length, 3);
    assert.ok(logged.filter((l) => l.status === 200).every((l) => l.sample === 10));
    assert.equal(logged.filter((l) => l.status === 404).length, 2, 'every 4xx is logged');
  });

  it('logs every request with 1, none with 0', async () => {
    const all = await appLogging(1);
    for (let i = 0; i < 5; i++) await all.app.inject('/ok');
    assert.equal(all.requests().length, 5);
    assert.equal(all.requests()[0]?.sample, undefined);
    const none = await appLogging(0);
    await none.app.inject('/missing');
    assert.equal(none.requests().length, 0);
  });
});
