// npm run bench:shared-state — the shared rate-limit store under load: PostgreSQL's UNLOGGED
// `rate_limit_hits` against Redis (REDIS_URL), and this process's memory (one process only) as
// the ceiling, each measured in the same run. A "hit" is one keyedRateLimiter.hit, as signing
// makes it: BENCH_CONCURRENCY hits in flight at once over BENCH_KEYS client keys. Last line: one
// JSON object (ops/s and p50/p99 of a hit, medians of BENCH_RUNS runs).
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyRequest } from 'fastify';
import { createTestDatabase } from '../test/helpers/databases.js';
import { TEST_REDIS_URL, deleteRedisKeys, testRedisPrefix } from '../test/helpers/redis.js';
import { keyedRateLimiter } from '../src/infra/http/rate-limit.js';
import { postgresRateLimitStore, redisRateLimitStore } from '../src/infra/http/rate-limit-store.js';
import { RATE_LIMIT_KEYS } from '../src/infra/http/security.js';
import { connectRedis } from '../src/infra/shared-state/redis.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);

type Store = Parameters<typeof rateLimit>[1] extends infer O
  ? O extends { store?: infer S }
    ? S
    : never
  : never;

interface Result {
  ops_per_s: number;
  p50_ms: number;
  p99_ms: number;
}

async function measure(store: Store | undefined): Promise<Result> {
  const app = Fastify();
  await app.register(rateLimit, {
    global: false,
    cache: RATE_LIMIT_KEYS,
    ...(store ? { store } : {}),
  });
  const limiter = keyedRateLimiter(app, { max: 1e9, windowMs: 60_000, name: 'bench' });
  await app.ready();
  const latencies: number[] = [];
  let n = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const key = `sign|1|10.${(n % KEYS) >> 8}.${n % 256}`;
        n++;
        // What the limiter reads from a request: its route config and address.
        const req = { routeOptions: { config: {} }, ip: '127.0.0.1' } as unknown as FastifyRequest;
        const t = performance.now();
        await limiter.hit(req, key);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await app.close();
  latencies.sort((x, y) => x - y);
  const pct = (p: number) =>
    Math.round((latencies[Math.floor((latencies.length - 1) * p)] ?? 0) * 100) / 100;
  return { ops_per_s: Math.round(latencies.length / elapsed), p50_ms: pct(0.5), p99_ms: pct(0.99) };
}

function median(results: Result[]): Result {
  const mid = (pick: (r: Result) => number) =>
    results.map(pick).sort((x, y) => x - y)[Math.floor(results.length / 2)] ?? 0;
  return {
    ops_per_s: mid((r) => r.ops_per_s),
    p50_ms: mid((r) => r.p50_ms),
    p99_ms: mid((r) => r.p99_ms),
  };
}

const database = await createTestDatabase('postgres');
const prefix = testRedisPrefix();
const redis = await connectRedis(TEST_REDIS_URL, prefix);
const stores: Record<string, () => Store | undefined> = {
  memory: () => undefined,
  postgres: () => postgresRateLimitStore(database.db),
  redis: () => redisRateLimitStore(redis),
};
const runs: Record<string, Result[]> = { memory: [], postgres: [], redis: [] };
try {
  await measure(stores.postgres!()); // warm-up: connections, plans
  await measure(stores.redis!());
  // Interleaved, so a noisy moment on the machine falls on every store alike.
  for (let i = 0; i < RUNS; i++)
    for (const [name, make] of Object.entries(stores)) {
      const r = await measure(make());
      runs[name]!.push(r);
      console.log(
        `${name} run ${i + 1}: ${r.ops_per_s} hits/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms`,
      );
    }
} finally {
  await redis.close();
  await deleteRedisKeys(prefix);
  await database.dispose();
}
const results = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, median(r)]));
const ceiling = results.memory!.ops_per_s;
console.log(
  JSON.stringify({
    name: 'shared-state',
    runs: RUNS,
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    keys: KEYS,
    results,
    ratio_to_memory: {
      postgres: Math.round((results.postgres!.ops_per_s / ceiling) * 1000) / 1000,
      redis: Math.round((results.redis!.ops_per_s / ceiling) * 1000) / 1000,
    },
    redis_vs_postgres:
      Math.round((results.redis!.ops_per_s / results.postgres!.ops_per_s) * 100) / 100,
  }),
);
