/**
 * Where caches read the time (lru-cache's `perf` option). Tests pass a clock they advance, so
 * an expiry is a step of the clock rather than a wait.
 */
export interface Clock {
  now(): number;
}

/** Monotonic milliseconds: a wall-clock change cannot make every cached value fresh or stale. */
export const systemClock: Clock = performance;
