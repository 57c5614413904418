import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { type Db, type DialectName, openDatabase } from '../../src/infra/db/database.js';
import { MIGRATIONS } from '../../src/features/index.js';
import { migrateToLatest } from '../../src/infra/db/migrator.js';

export const TEST_POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** scripts/run-tests.mjs probes PostgreSQL once and says here whether it is reachable. */
function skipReason(dialect: DialectName): string | false {
  if (dialect === 'postgres' && process.env.RALLY_TEST_POSTGRES === 'skip') {
    return `PostgreSQL not reachable at ${TEST_POSTGRES_URL}`;
  }
  return false;
}

export interface TestDatabase {
  db: Db;
  /** A DATABASE_URL another process (a spawned CLI or worker) can open to reach it. */
  url: string;
  dispose(): Promise<void>;
}

async function adminQuery(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database: a temp SQLite file, or a PostgreSQL database of its own. (Not a
 * schema per suite: Kysely's migrator introspects every schema of the database, and fails when
 * a parallel suite drops its schema mid-query.)
 */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'rally-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    const db = openDatabase(url);
    await migrateToLatest(db, MIGRATIONS);
    return {
      db,
      url,
      dispose: async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `rally_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString(), { pgPoolSize: 4 });
  await migrateToLatest(db, MIGRATIONS);
  return {
    db,
    url: url.toString(),
    dispose: async () => {
      await db.destroy();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

export interface DatabaseContext {
  /** Set before the suite's tests run. */
  db: Db;
  dialect: DialectName;
  /** A DATABASE_URL another process can open to reach the suite's database. */
  url: string;
}

/**
 * Runs the same suite on SQLite and on PostgreSQL, each against a fresh migrated database:
 * behaviour must not depend on the dialect.
 */
export function describeEachDatabase(title: string, body: (ctx: DatabaseContext) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    describe(`${title} [${dialect}]`, { skip: skipReason(dialect) }, () => {
      const ctx = { dialect } as DatabaseContext;
      let handle: TestDatabase | undefined;
      before(async () => {
        handle = await createTestDatabase(dialect);
        ctx.db = handle.db;
        ctx.url = handle.url;
      });
      after(async () => {
        await handle?.dispose();
      });
      body(ctx);
    });
  }
}
