import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** PostgreSQL schema when not the default (each test suite has its own). */
  pgSchema?: string;
  /** Human-readable target, with no password, for logs. */
  describe: string;
  destroy(): Promise<void>;
}

// pg hands back bigint and timestamps in forms SQLite never produces; make both dialects return
// the same JS shapes (numbers and ISO-8601 strings) so code above the data layer never branches.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString());
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => new Date(`${v}Z`).toISOString());

export interface OpenOptions {
  /** PostgreSQL schema to use (tests isolate each suite in its own). */
  pgSchema?: string;
  pgPoolSize?: number;
}

export function openDatabase(url: string, options: OpenOptions = {}): Db {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.pgPoolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const u = new URL(url);
    return {
      kysely,
      dialect: 'postgres',
      ...(options.pgSchema ? { pgSchema: options.pgSchema } : {}),
      describe: `postgres://${u.host}${u.pathname}${options.pgSchema ? ` (schema ${options.pgSchema})` : ''}`,
      destroy: () => kysely.destroy(),
    };
  }
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    const path = file === ':memory:' ? file : resolve(file);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SqliteDatabase(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // In WAL mode NORMAL keeps every committed transaction through a process crash; only a power
    // loss can drop the last commits, which FULL would prevent at a large cost per commit.
    sqlite.pragma('synchronous = NORMAL');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return {
      kysely,
      dialect: 'sqlite',
      describe: `sqlite:${path}`,
      destroy: () => kysely.destroy(),
    };
  }
  throw new Error(
    `DATABASE_URL must start with sqlite: or postgres:// (got "${url.split(':')[0]}:")`,
  );
}

/** Current time as the ISO-8601 string both dialects store and return. */
export function nowIso(): string {
  return new Date().toISOString();
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db.kysely);
}
