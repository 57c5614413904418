import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import {
  SIGNATURES_PER_DOMAIN_PER_WINDOW,
  SIGNATURES_PER_IP_PER_WINDOW,
} from '../src/features/petitions/fraud-limits.js';
import { publishedPetition, sign } from '../src/features/petitions/petitions.test-support.js';
import { LOGIN_IP_LIMIT, SOURCE_LOCKOUT } from '../src/features/staff/staff.rules.js';
import { type SharedRedis, connectRedis } from '../src/infra/shared-state/redis.js';
import { createTestApp } from './helpers/app.js';
import { describeEachDatabase } from './helpers/databases.js';
import { TEST_REDIS_URL, deleteRedisKeys, redisSkip, testRedisPrefix } from './helpers/redis.js';
import { createStaff } from './helpers/staff.js';
import { TestClient } from './helpers/test-client.js';

describe('REDIS_URL at start-up', () => {
  it('refuses to start when Redis is unreachable, naming REDIS_URL and hiding the password', async () => {
    await assert.rejects(
      buildApp(testConfig({ redisUrl: 'redis://:hunter2@127.0.0.1:1', redisKeyPrefix: 'x:' })),
      (err: Error) => {
        assert.match(err.message, /Cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 /);
        assert.match(err.message, /\(REDIS_URL\): connect ECONNREFUSED/);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
  });
});

describe('two Rally instances sharing one Redis', { skip: redisSkip }, () => {
  describeEachDatabase('limits and lockouts', (ctx) => {
    const prefix = testRedisPrefix();
    const connections: SharedRedis[] = [];
    let a: FastifyInstance;
    let b: FastifyInstance;
    /** Each instance with a Redis connection of its own, as two processes would have. */
    const instance = async () => {
      const redis = await connectRedis(TEST_REDIS_URL, prefix);
      connections.push(redis);
      return createTestApp(ctx.db, {}, { redis });
    };
    before(async () => {
      [a, b] = [await instance(), await instance()];
    });
    after(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await Promise.all(connections.map((c) => c.close()));
      await deleteRedisKeys(prefix);
    });

    it(`a login rate limit (${LOGIN_IP_LIMIT.max} a minute) reached through A holds on B`, async () => {
      const onA = new TestClient(a, { remoteAddress: '198.51.100.1' });
      await onA.get('/login');
      for (let i = 0; i < LOGIN_IP_LIMIT.max; i++)
        assert.equal(
          (await onA.post('/login', { email: `guess-${i}@example.org`, password: 'x' })).statusCode,
          401,
        );
      const onB = new TestClient(b, { remoteAddress: '198.51.100.1' });
      await onB.get('/login');
      const refused = await onB.post('/login', { email: 'guess@example.org', password: 'x' });
      assert.equal(refused.statusCode, 429);
      assert.match(refused.body, /Too many login attempts from your network/);
      const elsewhere = new TestClient(b, { remoteAddress: '198.51.100.2' });
      await elsewhere.get('/login');
      assert.equal(
        (await elsewhere.post('/login', { email: 'guess@example.org', password: 'x' })).statusCode,
        401,
      );
    });

    it(`signing limits (${SIGNATURES_PER_IP_PER_WINDOW} per address, ${SIGNATURES_PER_DOMAIN_PER_WINDOW} per domain) reached through A hold on B`, async () => {
      const p = await publishedPetition(a.services, { title: 'Shared limits', slug: 'shared' });
      const one = (app: FastifyInstance) => new TestClient(app, { remoteAddress: '198.51.100.9' });
      for (let i = 0; i < SIGNATURES_PER_IP_PER_WINDOW; i++)
        assert.equal((await sign(a, p, { email: `ip${i}@gmail.com` }, one(a))).statusCode, 200);
      assert.equal((await sign(b, p, { email: 'ip-last@gmail.com' }, one(b))).statusCode, 429);

      // One small domain from many addresses: the domain's budget is shared too.
      let n = 0;
      const fromDomain = (app: FastifyInstance) =>
        sign(
          app,
          p,
          { email: `d${n}@flood.example` },
          new TestClient(app, {
            remoteAddress: `198.18.${(++n >> 8) & 255}.${n & 255}`,
          }),
        );
      for (let i = 0; i < SIGNATURES_PER_DOMAIN_PER_WINDOW; i += 50)
        for (const res of await Promise.all(
          Array.from({ length: 50 }, (_, j) => fromDomain(j % 2 ? a : b)),
        ))
          assert.equal(res.statusCode, 200);
      const refused = await fromDomain(b);
      assert.equal(refused.statusCode, 429);
      assert.equal((await sign(b, p, { email: 'someone@other.example' })).statusCode, 200);
    });

    it('a lockout earned through A holds on B, for that address only', async () => {
      const user = await createStaff(ctx.db, { role: 'viewer' });
      const onA = new TestClient(a, { remoteAddress: '198.51.100.3' });
      await onA.get('/login');
      for (let i = 0; i < SOURCE_LOCKOUT.maxFailures; i++)
        assert.equal(
          (await onA.post('/login', { email: user.email, password: `wrong ${i}` })).statusCode,
          401,
        );
      const onB = new TestClient(b, { remoteAddress: '198.51.100.3' });
      await onB.get('/login');
      const locked = await onB.post('/login', { email: user.email, password: user.password });
      assert.equal(locked.statusCode, 429);
      assert.match(locked.body, /Too many wrong passwords for this account from your network/);
      const owner = new TestClient(b, { remoteAddress: '198.51.100.4' });
      await owner.get('/login');
      assert.equal(
        (await owner.post('/login', { email: user.email, password: user.password })).statusCode,
        303,
      );
    });
  });
});
