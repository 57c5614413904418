import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type SharedRedis, connectRedis } from '../../src/infra/shared-state/redis.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** scripts/run-tests.mjs probes Redis once (required under CI) and says here if it is missing. */
export const redisSkip: string | false =
  process.env.RALLY_TEST_REDIS === 'skip'
    ? `Redis not reachable at ${TEST_REDIS_URL} (set TEST_REDIS_URL, or start redis-server)`
    : false;

/** A key prefix no other test (or parallel run) uses: suites sharing one Redis never collide. */
export function testRedisPrefix(): string {
  return `rally-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Every key under `prefix`, deleted after a suite. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await client.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}

/** A connection of the suite's own, under a prefix of its own; `dispose` removes its keys. */
export async function testRedis(): Promise<SharedRedis & { dispose(): Promise<void> }> {
  const prefix = testRedisPrefix();
  const redis = await connectRedis(TEST_REDIS_URL, prefix);
  return {
    ...redis,
    dispose: async () => {
      await redis.close();
      await deleteRedisKeys(prefix);
    },
  };
}
