import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { type TestDatabase, createTestDatabase } from '../../../test/helpers/databases.js';
import { keyedRateLimiter } from './rate-limit.js';
import { postgresRateLimitStore } from './rate-limit-store.js';

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
