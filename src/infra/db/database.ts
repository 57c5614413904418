import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as SqliteDialectDatabase,
  sql,
} from 'kysely';
import pg from 'pg';
import {
  BackgroundCheckpointer,
  FALLBACK_AUTOCHECKPOINT_PAGES,
  JOURNAL_SIZE_LIMIT_BYTES,
} from './checkpointer.js';
import { type ChangeFeed, PostgresChangeFeed, localChangeFeed } from './change-feed.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** Human-readable target, with no password, for logs. */
  describe: string;
  /** Notifications between the processes sharing this database (PostgreSQL LISTEN/NOTIFY). */
  changes: ChangeFeed;
  /** SQLite opened with backgroundCheckpoints: the thread copying the log into the file. */
  checkpointer?: BackgroundCheckpointer;
  destroy(): Promise<void>;
}

// pg hands back bigint and timestamps in forms SQLite never produces; make both dialects return
// the same JS shapes (numbers and ISO-8601 strings) so code above the data layer never branches.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString());
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => new Date(`${v}Z`).toISOString());

/** Connections per process: with N processes the server needs N × this (+1 LISTEN each). */
export const DEFAULT_PG_POOL_SIZE = 10;

export interface OpenOptions {
  pgPoolSize?: number;
  /** Where the LISTEN connection goes when it differs (PgBouncer in transaction mode). */
  listenUrl?: string | undefined;
  /** SQLite file: checkpoint the write-ahead log in a worker thread (the server does). */
  backgroundCheckpoints?: boolean;
}

export function openDatabase(url: string, options: OpenOptions = {}): Db {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const connectionString = withDefaultUser(url);
    const pool = new pg.Pool({
      connectionString,
      max: options.pgPoolSize ?? DEFAULT_PG_POOL_SIZE,
    });
    // An idle connection the server ends (a restart, a dropped database) is an 'error' event on
    // the pool; unhandled, it would crash the process. The pool replaces the client on next use.
    pool.on('error', (err) => {
      console.warn(`PostgreSQL connection lost while idle: ${err.message}`);
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const u = new URL(url);
    const changes = new PostgresChangeFeed(
      options.listenUrl ? withDefaultUser(options.listenUrl) : connectionString,
    );
    return {
      kysely,
      dialect: 'postgres',
      describe: `postgres://${u.host}${u.pathname}`,
      changes,
      destroy: async () => {
        await changes.close();
        await kysely.destroy();
      },
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
    const checkpointer =
      options.backgroundCheckpoints && path !== ':memory:'
        ? new BackgroundCheckpointer(path, (message) => {
            // Back to SQLite's own checkpoints, so the log never grows without bound.
            console.warn(`SQLite checkpoint thread failed (${message}); checkpointing inline`);
            if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
          })
        : undefined;
    if (checkpointer) {
      sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
      sqlite.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    }
    const kysely = new Kysely<Database>({
      dialect: new SqliteDialect({ database: reusingStatements(sqlite) }),
    });
    return {
      kysely,
      dialect: 'sqlite',
      describe: `sqlite:${path}`,
      changes: localChangeFeed,
      ...(checkpointer ? { checkpointer } : {}),
      destroy: async () => {
        await kysely.destroy();
        await checkpointer?.stop();
      },
    };
  }
  throw new Error(
    `DATABASE_URL must start with sqlite: or postgres:// (got "${url.split(':')[0]}:")`,
  );
}

/** Prepared statements kept per SQLite connection (least recently used dropped first). */
export const SQLITE_STATEMENT_CACHE = 500;

/**
 * Kysely's SQLite driver prepares every query afresh; parsing and planning cost as much as
 * running a small query, and the app sends the same few hundred SQL texts over and over. This
 * hands it the last prepared statement for the same text unless that one is mid-iteration (a
 * streamed query), in which case it gets a fresh one.
 */
function reusingStatements(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const hit = cache.get(text);
      if (hit) {
        if (hit.busy) return sqlite.prepare(text);
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const statement = sqlite.prepare(text);
      if (cache.size >= SQLITE_STATEMENT_CACHE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

/**
 * libpq falls back to the OS account when the URL names no user; pg only reads $USER, which
 * services and CI often leave unset, so `postgres://127.0.0.1:5432/test` would fail there.
 */
function withDefaultUser(url: string): string {
  const u = new URL(url);
  if (u.username || process.env.PGUSER) return url;
  u.username = process.env.USER || userInfo().username;
  return u.toString();
}

/** Current time as the ISO-8601 string both dialects store and return. */
export function nowIso(): string {
  return new Date().toISOString();
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db.kysely);
}
