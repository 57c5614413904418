import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { type Db, type DialectName, openDatabase } from '../../src/infra/db/database.js';
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
  dispose(): Promise<void>;
}

/** A fresh, migrated database: a temp SQLite file, or a PostgreSQL schema of its own. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'rally-test-'));
    const db = openDatabase(`sqlite:${join(dir, 'test.db')}`);
    await migrateToLatest(db);
    return {
      db,
      dispose: async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = openDatabase(TEST_POSTGRES_URL, { pgSchema: schema, pgPoolSize: 4 });
  await migrateToLatest(db);
  return {
    db,
    dispose: async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

export interface DatabaseContext {
  /** Set before the suite's tests run. */
  db: Db;
  dialect: DialectName;
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
      });
      after(async () => {
        await handle?.dispose();
      });
      body(ctx);
    });
  }
}
