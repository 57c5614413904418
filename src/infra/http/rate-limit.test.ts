import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { keyedRateLimiter } from './rate-limit.js';

async function appWithLimitedRoute() {
  const app = Fastify();
  await app.register(rateLimit, { global: false });
  const limiter = keyedRateLimiter(app, { max: 2, windowMs: 60_000 });
  app.get('/hit/:key', async (req) => ({
    allowed: await limiter.hit(req, (req.params as { key: string }).key),
  }));
  return app;
}

describe('one rate-limit scheme: keyed limits in the plugin store', () => {
  it('allows max hits per key in a window, then refuses; keys count apart', async () => {
    const app = await appWithLimitedRoute();
    const hit = async (key: string) =>
      (await app.inject({ method: 'GET', url: `/hit/${key}` })).json<{ allowed: boolean }>()
        .allowed;
    assert.deepEqual([await hit('a'), await hit('a'), await hit('a')], [true, true, false]);
    assert.equal(await hit('b'), true, 'another key has its own count');
    assert.equal(await hit('a'), false);
  });
});
