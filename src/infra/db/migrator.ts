import {
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  sql,
} from 'kysely';
import type { Db } from './database.js';
import * as core from './migrations/001-core.js';
import * as auth from './migrations/002-auth.js';
import * as jobsMail from './migrations/003-jobs-mail.js';
import * as targets from '../../features/targets/migrations/009-targets.js';
import * as people from '../../features/people/migrations/006-people.js';
import * as peopleImport from '../../features/people/import/migrations/007-people-import.js';
import * as constituencies from '../../features/constituencies/migrations/008-constituencies.js';
import * as petitions from '../../features/petitions/migrations/010-petitions.js';
import * as comments from '../../features/comments/migrations/011-comments.js';
import * as outreach from '../../features/outreach/migrations/012-outreach.js';
import * as letters from '../../features/letters/migrations/013-letters.js';
import * as trackers from '../../features/trackers/migrations/014-trackers.js';
import * as storms from '../../features/storms/migrations/015-storms.js';
import * as petitionSignaturesById from '../../features/petitions/migrations/016-petition-signatures-by-id.js';

/**
 * Every migration, in order. Names sort lexically, so a new one takes the next number; features
 * keep their migration files in their own folder and are listed here.
 */
const MIGRATIONS: Record<string, Migration> = {
  '001-core': core,
  '002-auth': auth,
  '003-jobs-mail': jobsMail,
  '006-people': people,
  '007-people-import': peopleImport,
  '008-constituencies': constituencies,
  '009-targets': targets,
  '010-petitions': petitions,
  '011-comments': comments,
  '012-outreach': outreach,
  '013-letters': letters,
  '014-trackers': trackers,
  '015-storms': storms,
  '016-petition-signatures-by-id': petitionSignaturesById,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  // Unless told a schema, Kysely takes its bookkeeping tables in ANY schema for its own: beside
  // another schema that has them (parallel test suites), it would skip creating ours and fail.
  const migrationTableSchema =
    db.dialect === 'postgres'
      ? (await sql<{ name: string }>`select current_schema() as name`.execute(db.kysely)).rows[0]
          ?.name
      : undefined;
  const migrator = new Migrator({
    db: db.kysely,
    provider,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
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
