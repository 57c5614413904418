import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './database.js';
import * as core from './migrations/001-core.js';
import * as auth from './migrations/002-auth.js';
import * as jobsMail from './migrations/003-jobs-mail.js';

/**
 * Every migration, in order. Names sort lexically, so a new one takes the next number; features
 * keep their migration files in their own folder and are listed here.
 */
const MIGRATIONS: Record<string, Migration> = {
  '001-core': core,
  '002-auth': auth,
  '003-jobs-mail': jobsMail,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db: db.kysely, provider });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(
      `Migration ${failed?.migrationName ?? '?'} failed: ${result.error instanceof Error ? result.error.message : JSON.stringify(result.error)}`,
      {
        cause: result.error,
      },
    );
  }
  return result;
}
