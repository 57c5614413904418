import { Redis } from 'ioredis';

/** How long start-up waits for Redis before it refuses to start. */
export const REDIS_CONNECT_TIMEOUT_MS = 3_000;

/**
 * The Redis every process of one deployment shares (REDIS_URL): rate limits, signing limits and
 * login lockouts count here instead of PostgreSQL. Every key Rally writes starts with `prefix`.
 */
export interface SharedRedis {
  client: Redis;
  prefix: string;
  close(): Promise<void>;
}

/** The URL with any password hidden, for messages and logs. */
export function redactedRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unreadable URL';
  }
}

/**
 * Connects and PINGs once, so a wrong or unreachable REDIS_URL stops start-up with a message
 * that names it, rather than failing the first rate-limited request. Later outages reconnect in
 * the background; a command that cannot be sent after one retry fails (the request gets a 5xx
 * rather than waiting indefinitely).
 */
export async function connectRedis(url: string, prefix: string): Promise<SharedRedis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    // Commands issued in one event-loop turn (a surge's worth of hits) go in one write.
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let lastError: Error | undefined;
  client.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    // The socket's own error (ECONNREFUSED, ENOTFOUND, WRONGPASS…) says more than ioredis's
    // "Connection is closed".
    const reason = (
      lastError?.message ?? (err instanceof Error ? err.message : String(err))
    ).replace(/\.$/, '');
    throw new Error(
      `Cannot reach Redis at ${redactedRedisUrl(url)} (REDIS_URL): ${reason}. ` +
        'Start Redis, correct REDIS_URL, or unset it to keep rate limits in the database.',
      { cause: err },
    );
  }
  return {
    client,
    prefix,
    close: async () => {
      if (client.status === 'end') return;
      await client.quit().catch(() => client.disconnect());
    },
  };
}
