import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type Config, testConfig } from '../../src/config.js';
import type { Db } from '../../src/infra/db/database.js';

/** The real app on the suite's database, with silent logs and no background worker. */
export async function createTestApp(
  db: Db,
  overrides: Partial<Config> = {},
): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(overrides), { db });
  await app.ready();
  return app;
}
