import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';

/** How often the gauge re-reads the event loop; a surge is judged over this window. */
export const SURGE_WINDOW_MS = 250;
/** Requests per window that count as a surge (400 a second). */
export const SURGE_REQUESTS = 100;
/** Share of the window the event loop was busy, above which HTTP needs the CPU. */
export const SURGE_UTILISATION = 0.7;

export interface SurgeGauge {
  /** True while HTTP traffic is heavy and the event loop is near full. */
  surging(): boolean;
  /** Counts a request answered outside Fastify's hooks (the fast lane). */
  arrived(): void;
}

/**
 * Tells the in-process job worker when to step aside: during a petition surge, confirmation
 * batches wait a little so signatures keep being accepted at full speed. Both conditions are
 * needed: a busy loop with no traffic is the worker itself, which must not throttle itself.
 */
export function registerSurgeGauge(app: FastifyInstance): SurgeGauge {
  let arrivals = 0;
  app.addHook('onRequest', (_req, _reply, done) => {
    arrivals++;
    done();
  });
  let windowStart = performance.now();
  let lastUtilisation = performance.eventLoopUtilization();
  let surging = false;
  return {
    arrived() {
      arrivals++;
    },
    surging() {
      const now = performance.now();
      if (now - windowStart < SURGE_WINDOW_MS) return surging;
      const utilisation = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(utilisation, lastUtilisation).utilization;
      const rate = (arrivals * SURGE_WINDOW_MS) / (now - windowStart);
      surging = rate >= SURGE_REQUESTS && busy >= SURGE_UTILISATION;
      arrivals = 0;
      windowStart = now;
      lastUtilisation = utilisation;
      return surging;
    },
  };
}
