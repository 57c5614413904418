import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { SharedRedis } from '../shared-state/redis.js';

type StoreCallback = (err: Error | null, res?: { current: number; ttl: number }) => void;

interface ChildParams {
  routeInfo?: { method?: string | string[]; url?: string };
  /** Set by keyedRateLimiter: which limit this is, the same in every process. */
  storeNamespace?: string;
}

/** Expired counters are deleted this often (by whichever process gets there). */
export const SWEEP_INTERVAL_MS = 60_000;
/** Keys are truncated to this length; they are made of ids, addresses and domains. */
const MAX_KEY_LENGTH = 400;

/**
 * @fastify/rate-limit's store interface, counting in PostgreSQL's `rate_limit_hits` (an UNLOGGED
 * table) so that every Rally process shares one count per key: a limit reached through one
 * process holds on the others. One upsert per batch of hits (those arriving in one event-loop
 * turn), which starts a new window for a key whose old one has ended; windows are timed by the database's clock, so the servers' clocks need
 * not agree. Made per database: `new (postgresRateLimitStore(db))(globalParams)`, as the plugin
 * constructs it.
 */
export function postgresRateLimitStore(db: Db) {
  let lastSweep = 0;
  const sweep = (nowMs: number) => {
    if (nowMs - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = nowMs;
    void sql`delete from rate_limit_hits where window_ends_ms < ${nowMs}`
      .execute(db.kysely)
      .catch(() => {});
  };

  // Hits that arrive in one turn of the event loop (a surge's worth) go in one statement: one
  // round trip and one pooled connection for all of them, not one each.
  let queue: { key: string; windowMs: number; cb: StoreCallback }[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    const byKey = new Map<string, { windowMs: number; waiting: StoreCallback[] }>();
    for (const hit of batch) {
      const entry = byKey.get(hit.key);
      if (entry) entry.waiting.push(hit.cb);
      else byKey.set(hit.key, { windowMs: hit.windowMs, waiting: [hit.cb] });
    }
    const keys = [...byKey.keys()];
    const counts = keys.map((k) => byKey.get(k)?.waiting.length ?? 0);
    const windows = keys.map((k) => byKey.get(k)?.windowMs ?? 0);
    sql<{ key: string; hits: number; window_ends_ms: number; now_ms: number }>`
      with now as (select (extract(epoch from clock_timestamp()) * 1000)::bigint as ms),
      input as (
        select * from unnest(${keys}::text[], ${counts}::int[], ${windows}::bigint[])
          as t(key, n, window_ms))
      insert into rate_limit_hits as r (key, hits, window_ends_ms)
      select key, n, (select ms from now) + window_ms from input
      on conflict (key) do update set
        hits = case when r.window_ends_ms <= (select ms from now)
          then excluded.hits else r.hits + excluded.hits end,
        window_ends_ms = case when r.window_ends_ms <= (select ms from now)
          then excluded.window_ends_ms else r.window_ends_ms end
      returning key, hits, window_ends_ms, (select ms from now) as now_ms`
      .execute(db.kysely)
      .then(
        ({ rows }) => {
          for (const row of rows) {
            const waiting = byKey.get(row.key)?.waiting ?? [];
            byKey.delete(row.key);
            const ttl = Math.max(0, row.window_ends_ms - row.now_ms);
            // The batch's hits on one key, in arrival order, end at the stored total.
            waiting.forEach((cb, i) =>
              cb(null, { current: row.hits - (waiting.length - 1) + i, ttl }),
            );
            sweep(row.now_ms);
          }
          for (const { waiting } of byKey.values())
            for (const cb of waiting) cb(new Error('rate limit upsert returned no row'));
        },
        (err: unknown) => {
          const error = err instanceof Error ? err : new Error(String(err));
          for (const hit of batch) hit.cb(error);
        },
      );
  };

  return class PostgresRateLimitStore {
    constructor(
      _globalParams: unknown,
      private readonly namespace = 'global',
    ) {}

    incr(key: string, cb: StoreCallback, timeWindow: number, _max: number): void {
      const fullKey = `${this.namespace}|${key}`.slice(0, MAX_KEY_LENGTH);
      if (queue.length === 0) setImmediate(flush);
      queue.push({ key: fullKey, windowMs: timeWindow, cb });
    }

    read(key: string, cb: StoreCallback): void {
      const fullKey = `${this.namespace}|${key}`.slice(0, MAX_KEY_LENGTH);
      sql<{ hits: number; ttl: number }>`
        select hits, window_ends_ms - (extract(epoch from clock_timestamp()) * 1000)::bigint as ttl
        from rate_limit_hits where key = ${fullKey}`
        .execute(db.kysely)
        .then(
          ({ rows: [row] }) =>
            cb(
              null,
              row && row.ttl > 0 ? { current: row.hits, ttl: row.ttl } : { current: 0, ttl: 0 },
            ),
          (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
        );
    }

    // Typed as the plugin declares it; at run time it passes the merged limit options.
    child(routeOptions: object): PostgresRateLimitStore {
      return new PostgresRateLimitStore(undefined, namespaceOf(routeOptions));
    }
  };
}

/**
 * Which limit a child store counts for, the same in every process: the name keyedRateLimiter
 * gives, or the route's method and URL for a route's `config.rateLimit`.
 */
function namespaceOf(routeOptions: object): string {
  const params = routeOptions as ChildParams;
  const route = params.routeInfo;
  return (
    params.storeNamespace ??
    (route?.url ? `${[route.method ?? ''].flat().join(',')} ${route.url}` : 'global')
  );
}

/**
 * One hit, atomically: the first hit of a window starts its expiry; a key left without one (it
 * cannot happen through this script, but a stray SET could) gets one rather than counting
 * forever. Windows are timed by Redis's clock, so the servers' clocks need not agree.
 */
const REDIS_HIT = `
local current = redis.call('INCR', KEYS[1])
local ttl
if current == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
else
  ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
  end
end
return {current, ttl}`;

const REDIS_READ = `
local current = redis.call('GET', KEYS[1])
if not current then return {0, 0} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return {tonumber(current), ttl}`;

type HitReply = [number, number];
interface RateLimitCommands {
  rallyRateLimitHit(key: string, windowMs: number): Promise<HitReply>;
  rallyRateLimitRead(key: string): Promise<HitReply>;
}

/**
 * The same store interface, counting in Redis (REDIS_URL): one key per limit and client,
 * `<prefix>rl:<limit>|<key>`, incremented by a Lua script (one round trip, atomic) and expiring
 * with its window, so nothing needs sweeping. Commands from one event-loop turn are pipelined by
 * the client (enableAutoPipelining).
 */
export function redisRateLimitStore(redis: SharedRedis) {
  const client = redis.client;
  if (!('rallyRateLimitHit' in client)) {
    client.defineCommand('rallyRateLimitHit', { numberOfKeys: 1, lua: REDIS_HIT });
    client.defineCommand('rallyRateLimitRead', { numberOfKeys: 1, lua: REDIS_READ });
  }
  const commands = client as unknown as RateLimitCommands;
  const keyOf = (namespace: string, key: string) =>
    `${redis.prefix}rl:${`${namespace}|${key}`.slice(0, MAX_KEY_LENGTH)}`;
  const answer = (cb: StoreCallback) =>
    [
      ([current, ttl]: HitReply) => cb(null, { current, ttl: Math.max(0, ttl) }),
      (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
    ] as const;

  return class RedisRateLimitStore {
    constructor(
      _globalParams: unknown,
      private readonly namespace = 'global',
    ) {}

    incr(key: string, cb: StoreCallback, timeWindow: number, _max: number): void {
      void commands
        .rallyRateLimitHit(keyOf(this.namespace, key), Math.max(1, Math.trunc(timeWindow)))
        .then(...answer(cb));
    }

    read(key: string, cb: StoreCallback): void {
      void commands.rallyRateLimitRead(keyOf(this.namespace, key)).then(...answer(cb));
    }

    child(routeOptions: object): RedisRateLimitStore {
      return new RedisRateLimitStore(undefined, namespaceOf(routeOptions));
    }
  };
}
