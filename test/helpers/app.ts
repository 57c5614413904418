import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../../src/app.js';
import { type Config, testConfig } from '../../src/config.js';
import type { Db } from '../../src/infra/db/database.js';

/** The real app on the suite's database, with silent logs and no background worker. */
export async function createTestApp(
  db: Db,
  overrides: Partial<Config> = {},
  options: Pick<BuildOptions, 'clock'> = {},
): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(overrides), { ...options, db });
  await app.ready();
  return app;
}
