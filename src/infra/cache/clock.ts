import { type Clock, systemClock } from '../clock/clock.js';

/**
 * Where caches read the time (lru-cache's `perf` option): monotonic milliseconds for the real
 * clock, so a wall-clock change cannot make every cached value fresh or stale; the test's own
 * clock otherwise, so an expiry is a step of the clock rather than a wait.
 */
export function cachePerf(clock: Clock = systemClock): { now(): number } {
  return clock === systemClock ? performance : { now: () => clock.now().getTime() };
}
