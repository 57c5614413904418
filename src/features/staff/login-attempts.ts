import type { ServiceContext } from '../../infra/service-context.js';
import type { SharedRedis } from '../../infra/shared-state/redis.js';
import { RECENT_ATTEMPTS_CAP, StaffRepository } from './staff.repository.js';
import { ACCOUNT_SLOWDOWN, SOURCE_LOCKOUT } from './staff.rules.js';

export interface LoginAttempt {
  ip: string;
  succeeded: number;
  created_at: string;
}

/**
 * Where checked passwords are counted for the lockout and the slowdown (staff.service.ts reads
 * them back): the `login_attempts` table by default, or Redis when REDIS_URL is set. Either way
 * every process sees the same attempts, and times come from the service's clock.
 */
export interface LoginAttemptLog {
  record(email: string, ip: string, succeeded: boolean, at: Date): Promise<void>;
  /** The email's attempts since `since`, newest first, at most RECENT_ATTEMPTS_CAP. */
  recent(email: string, since: Date): Promise<LoginAttempt[]>;
}

/** The longest any lock or slowdown looks back: older attempts are dropped from Redis. */
const LOOKBACK_MS = Math.max(SOURCE_LOCKOUT.windowMs, ACCOUNT_SLOWDOWN.windowMs);

/** How often one process sweeps every account's old attempts (a full scan, so not every time). */
const SWEEP_EVERY_MS = 60 * 60 * 1000;
const lastSweepMs = new WeakMap<object, number>();

export function loginAttemptLog(ctx: ServiceContext): LoginAttemptLog {
  if (ctx.redis) return redisAttempts(ctx.redis);
  const repo = new StaffRepository(ctx.db);
  return {
    async record(email, ip, succeeded, at) {
      const ms = at.getTime();
      await repo.recordLoginAttempt(email, ip, succeeded, at.toISOString());
      // The same rule as the Redis store: what has left the look-back window is dropped, the
      // account's own on each record and, once an hour, those of accounts nobody tries again.
      const everyone = ms - (lastSweepMs.get(ctx.db) ?? -Infinity) >= SWEEP_EVERY_MS;
      if (everyone) lastSweepMs.set(ctx.db, ms);
      await repo.forgetLoginAttempts(email, new Date(ms - LOOKBACK_MS).toISOString(), everyone);
    },
    recent: (email, since) => repo.recentAttempts(email, since.toISOString()),
  };
}

/**
 * One sorted set per account, `<prefix>login:<email>`, scored by the attempt's time in ms; a
 * member is `<ms>|<succeeded>|<random>|<ip>`. Each record drops what has left the look-back
 * window and keeps the key only as long as the window (in Redis's time), so an account nobody
 * tries costs nothing.
 */
function redisAttempts(redis: SharedRedis): LoginAttemptLog {
  const keyOf = (email: string) => `${redis.prefix}login:${email}`;
  return {
    async record(email, ip, succeeded, at) {
      const ms = at.getTime();
      const member = `${ms}|${succeeded ? 1 : 0}|${Math.random().toString(36).slice(2, 10)}|${ip}`;
      await redis.client
        .multi()
        .zadd(keyOf(email), ms, member)
        .zremrangebyscore(keyOf(email), '-inf', `(${ms - LOOKBACK_MS}`)
        .pexpire(keyOf(email), LOOKBACK_MS)
        .exec();
    },
    async recent(email, since) {
      const members = await redis.client.zrevrangebyscore(
        keyOf(email),
        '+inf',
        since.getTime(),
        'LIMIT',
        0,
        RECENT_ATTEMPTS_CAP,
      );
      return members.map((member) => {
        const [ms = '0', ok = '0', , ...ip] = member.split('|');
        return {
          ip: ip.join('|'),
          succeeded: Number(ok),
          created_at: new Date(Number(ms)).toISOString(),
        };
      });
    },
  };
}
