import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A limit: at most `max` hits per key in each window. */
export interface RateLimit {
  max: number;
  windowMs: number;
  /**
   * Which limit this is in a store shared by several processes (PostgreSQL): the same name in
   * every process. Defaults to one made of the limit and the order limiters were created in,
   * which is the same in every process running the same code.
   */
  name?: string;
}

/** Limiters created so far per server, for default names (see RateLimit.name). */
const created = new WeakMap<object, number>();

/** A limit a handler keys itself: per petition and address, per email domain, per storm… */
export interface KeyedRateLimiter {
  /** Counts one hit for `key`; false once the key is over its limit in this window. */
  hit(req: FastifyRequest, key: string): Promise<boolean>;
}

/**
 * One rate-limit scheme: every limit in Rally counts in @fastify/rate-limit's store, whether a
 * route declares it (`config: { rateLimit }`, keyed by client address) or a handler keys it
 * itself through this limiter. Where the store lives (this process, or shared by many) is then
 * one decision, made where the plugin is registered (infra/http/security.ts).
 */
export function keyedRateLimiter(app: FastifyInstance, limit: RateLimit): KeyedRateLimiter {
  // The plugin derives a key from the request; the handler's key rides along with it.
  const keys = new WeakMap<FastifyRequest, string>();
  const nth = (created.get(app.server) ?? 0) + 1;
  created.set(app.server, nth);
  const check = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (req) => keys.get(req) ?? req.ip,
    // Read by the shared store (rate-limit-store.ts); the in-memory store ignores it.
    ...{ storeNamespace: limit.name ?? `keyed-${nth}-${limit.max}-${limit.windowMs}` },
  });
  return {
    async hit(req, key) {
      keys.set(req, key);
      const result = await check(req);
      return result.isAllowed || !result.isExceeded;
    },
  };
}
