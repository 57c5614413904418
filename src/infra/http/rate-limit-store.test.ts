import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { type TestDatabase, createTestDatabase } from '../../../test/helpers/databases.js';
import { TEST_REDIS_URL, redisSkip, testRedis } from '../../../test/helpers/redis.js';
import { connectRedis } from '../shared-state/redis.js';
import { keyedRateLimiter } from './rate-limit.js';
import { postgresRateLimitStore, redisRateLimitStore } from './rate-limit-store.js';

const skip = process.env.RALLY_TEST_POSTGRES === 'skip' ? 'PostgreSQL not reachable' : false;

describe('rate limits shared through PostgreSQL', { skip }, () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('postgres');
  });
  after(() => database?.dispose());

  /** One "process": its own Fastify and limiter, on the shared database. */
  async function processWithLimit(max: number) {
    const app = Fastify();
    await app.register(rateLimit, { global: false, store: postgresRateLimitStore(database.db) });
    const limiter = keyedRateLimiter(app, { max, windowMs: 60_000, name: 'test-limit' });
    app.get('/hit/:key', async (req) => ({
      allowed: await limiter.hit(req, (req.params as { key: string }).key),
    }));
    return async (key: string) =>
      (await app.inject({ method: 'GET', url: `/hit/${key}` })).json<{ allowed: boolean }>()
        .allowed;
  }

  it('counts hits that arrive together exactly, and shares the count between processes', async () => {
    const [a, b] = [await processWithLimit(3), await processWithLimit(3)];
    const together = await Promise.all([a('x'), a('x'), b('x'), a('x'), b('x')]);
    assert.equal(together.filter(Boolean).length, 3, 'three of five allowed, wherever they came');
    assert.equal(await b('x'), false);
    assert.equal(await a('y'), true, 'another key has its own count');
  });

  it('starts a new window once the old one has ended', async () => {
    await database.db.kysely.deleteFrom('rate_limit_hits').execute();
    const hit = await processWithLimit(1);
    assert.equal(await hit('w'), true);
    assert.equal(await hit('w'), false);
    await database.db.kysely
      .updateTable('rate_limit_hits')
      .set({ window_ends_ms: 0 })
      .where('key', 'like', 'test-limit|%')
      .execute();
    assert.equal(await hit('w'), true);
  });
});

describe('rate limits shared through Redis (REDIS_URL)', { skip: redisSkip }, () => {
  let redis: Awaited<ReturnType<typeof testRedis>>;
  const apps: FastifyInstance[] = [];
  before(async () => {
    redis = await testRedis();
  });
  after(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await redis?.dispose();
  });

  /** One "process": its own Fastify and Redis connection, on the suite's key prefix. */
  async function processWithLimits(max: number) {
    const own = await connectRedis(TEST_REDIS_URL, redis.prefix);
    const app = Fastify();
    app.addHook('onClose', () => own.close());
    apps.push(app);
    await app.register(rateLimit, { global: false, store: redisRateLimitStore(own) });
    const limiter = keyedRateLimiter(app, { max, windowMs: 60_000, name: 'test-limit' });
    app.get('/hit/:key', async (req) => ({
      allowed: await limiter.hit(req, (req.params as { key: string }).key),
    }));
    app.post('/route', { config: { rateLimit: { max, timeWindow: 60_000 } } }, async () => 'ok');
    return {
      hit: async (key: string) =>
        (await app.inject({ method: 'GET', url: `/hit/${key}` })).json<{ allowed: boolean }>()
          .allowed,
      post: (remoteAddress: string) => app.inject({ method: 'POST', url: '/route', remoteAddress }),
    };
  }

  it('counts hits that arrive together exactly, and shares the count between processes', async () => {
    const [a, b] = [await processWithLimits(3), await processWithLimits(3)];
    const together = await Promise.all([
      a.hit('x'),
      a.hit('x'),
      b.hit('x'),
      a.hit('x'),
      b.hit('x'),
    ]);
    assert.equal(together.filter(Boolean).length, 3, 'three of five allowed, wherever they came');
    assert.equal(await b.hit('x'), false);
    assert.equal(await a.hit('y'), true, 'another key has its own count');
  });

  it('holds a route’s config.rateLimit reached through one process on the other, with Retry-After', async () => {
    const [a, b] = [await processWithLimits(2), await processWithLimits(2)];
    assert.equal((await a.post('192.0.2.10')).statusCode, 200);
    assert.equal((await a.post('192.0.2.10')).statusCode, 200);
    const refused = await b.post('192.0.2.10');
    assert.equal(refused.statusCode, 429);
    const wait = Number(refused.headers['retry-after']);
    assert.ok(wait > 0 && wait <= 60, `retry-after ${wait}`);
    assert.equal((await b.post('192.0.2.11')).statusCode, 200, 'another address is not limited');
  });

  it('keeps its counters under the key prefix, each expiring with its window', async () => {
    const hit = (await processWithLimits(1)).hit;
    assert.equal(await hit('w'), true);
    const key = `${redis.prefix}rl:test-limit|w`;
    const ttl = await redis.client.pttl(key);
    assert.ok(ttl > 0 && ttl <= 60_000, `expires with the window (pttl ${ttl})`);
    assert.equal(await hit('w'), false);
    // The window ends (Redis drops the key) and a new one starts.
    await redis.client.pexpire(key, 1);
    while ((await redis.client.exists(key)) === 1) await new Promise((r) => setImmediate(r));
    assert.equal(await hit('w'), true);
  });
});
