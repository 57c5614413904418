#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's test runner (tsx compiles TypeScript).
// PostgreSQL, Redis and Chromium are probed once here: when absent, their suites are skipped on
// a developer's machine but fail the run under CI (CI=true), where all three must be present.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

const ci = process.env.CI === 'true';
const filter = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = ['src', 'test']
  .flatMap((d) => (existsSync(d) ? findTests(d) : []))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();

const env = { ...process.env, TZ: 'UTC', NODE_ENV: 'test' };
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
try {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  await client.end();
} catch (err) {
  if (ci) {
    console.error(`PostgreSQL is required under CI and not reachable at ${pgUrl}: ${err.message}`);
    process.exit(1);
  }
  console.warn(`! PostgreSQL not reachable at ${pgUrl}: its suites are skipped (${err.message})`);
  env.RALLY_TEST_POSTGRES = 'skip';
}
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
{
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError;
  redis.on('error', (err) => (lastError = err));
  try {
    await redis.connect();
    await redis.ping();
    await redis.quit();
  } catch (err) {
    redis.disconnect();
    const reason = lastError?.message ?? err.message;
    if (ci) {
      console.error(`Redis is required under CI and not reachable at ${redisUrl}: ${reason}`);
      process.exit(1);
    }
    console.warn(`! Redis not reachable at ${redisUrl}: its suites are skipped (${reason})`);
    env.RALLY_TEST_REDIS = 'skip';
  }
}
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  if (ci) {
    console.error(`Chromium is required under CI and missing at ${chromium}`);
    process.exit(1);
  }
  console.warn(`! ${chromium} not found: browser tests are skipped (apt-get install chromium)`);
  env.RALLY_TEST_BROWSER = 'skip';
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
