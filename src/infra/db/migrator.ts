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
import * as sharedState from './migrations/060-shared-state.js';
import * as staffPermissions from './migrations/070-staff-permissions.js';
import * as mailAttachments from './migrations/033-mail-attachments.js';

/**
 * The infrastructure's own migrations. Features declare theirs (`Feature.migrations`); names sort
 * lexically across both, so a new one takes the next free number.
 */
const CORE_MIGRATIONS: Record<string, Migration> = {
  '001-core': core,
  '002-auth': auth,
  '003-jobs-mail': jobsMail,
  '060-shared-state': sharedState,
  '070-staff-permissions': staffPermissions,
  '033-mail-attachments': mailAttachments,
};

/** The core migrations and the features' ones; a name declared twice is a programming error. */
export function allMigrations(
  featureMigrations: Iterable<Record<string, Migration> | undefined>,
): Record<string, Migration> {
  const all: Record<string, Migration> = { ...CORE_MIGRATIONS };
  for (const set of featureMigrations)
    for (const [name, migration] of Object.entries(set ?? {})) {
      if (Object.hasOwn(all, name)) throw new Error(`Migration ${name} is declared twice`);
      all[name] = migration;
    }
  return all;
}

export async function migrateToLatest(
  db: Db,
  migrations: Record<string, Migration>,
): Promise<MigrationResultSet> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
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
    // Features own number ranges (mailings 020–029, field 030–039…), so a release can add 034
    // after a database already ran 071: each migration touches only its feature's tables, and the
    // order among ranges carries no meaning.
    allowUnorderedMigrations: true,
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
