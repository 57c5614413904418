import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock/clock.js';
import { cachePerf } from './clock.js';

export interface CountCacheOptions {
  /** Most ids kept at once; the least recently read go first. */
  max: number;
  clock?: Clock;
  /** Told of every failed refresh; readers keep getting the last count meanwhile. */
  onError?: (error: unknown, id: number) => void;
  /**
   * A refresh never lowers a count it has served (a read that began before a rise it raced
   * with); only invalidate() lets a lower count in, for the rare change that removes some.
   */
  monotonic?: boolean;
}

/**
 * Counts (signatures, posts) served from memory: readers get the cached value, and at most one
 * query per id per `ttlMs` goes to the database however many people watch. A refresh that fails
 * (a database blip) keeps the last count and is tried again on the next read.
 */
export class CountCache {
  private readonly counts: LRUCache<number, number>;
  /** Database reads so far (benchmarks and tests check the one-per-interval promise). */
  queries = 0;
  /** Database reads that failed so far. */
  failures = 0;

  constructor(ttlMs: number, load: (id: number) => Promise<number>, options: CountCacheOptions) {
    this.counts = new LRUCache<number, number>({
      max: options.max,
      ttl: ttlMs,
      // The clock is read on every lookup: a test's clock step takes effect at once.
      ttlResolution: 0,
      perf: cachePerf(options.clock),
      // Once a value exists, readers never wait for the refresh.
      allowStale: true,
      allowStaleOnFetchRejection: true,
      fetchMethod: async (id, stale) => {
        this.queries++;
        try {
          const loaded = await load(id);
          if (!options.monotonic) return loaded;
          // What is cached now: a count offered while this read was in flight may be higher.
          const current = this.counts.peek(id, { allowStale: true }) ?? stale;
          return current !== undefined && current > loaded ? current : loaded;
        } catch (error) {
          this.failures++;
          options.onError?.(error, id);
          throw error;
        }
      },
    });
  }

  async get(id: number): Promise<number> {
    const count = await this.counts.fetch(id);
    // Only when the very first read failed: there is no last count to fall back on.
    if (count === undefined) throw new Error(`count ${id} could not be read`);
    return count;
  }

  /**
   * What get() would answer, without waiting (the fast lane): the cached count, and when it is
   * stale a refresh started in the background, exactly as get() does. Undefined only before
   * the first read, which must wait for the database.
   */
  peek(id: number): number | undefined {
    const count = this.counts.peek(id, { allowStale: true });
    if (count !== undefined && !(this.counts.getRemainingTTL(id) > 0))
      // A failed refresh is counted and reported by fetchMethod; readers keep the last count.
      this.counts.fetch(id).catch(() => undefined);
    return count;
  }

  /** After a change in this process, the next read fetches afresh. */
  invalidate(id: number): void {
    this.counts.delete(id);
  }

  /**
   * A count another process announced (it committed the change): kept, and fresh for a whole
   * interval, when higher than the one cached. Returns whether the cached count changed.
   */
  offer(id: number, count: number): boolean {
    const current = this.counts.peek(id, { allowStale: true });
    // Not cached (or its first read is in flight): the next read loads it, change included.
    if (current === undefined || current >= count) return false;
    this.counts.set(id, count);
    return true;
  }

  /** One more counted in this process shows at once; the next refresh brings in the others. */
  bump(id: number): void {
    const count = this.counts.peek(id, { allowStale: true });
    if (count !== undefined) this.counts.set(id, count + 1, { noUpdateTTL: true });
  }
}
