/**
 * Small in-memory caches (per process) for public pages: a crowd reading one page costs a few
 * database queries a second, not a few per reader. Both are bounded: the least recently read
 * keys go first once `max` is reached.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock/clock.js';
import { cachePerf } from './clock.js';

export interface CacheOptions {
  /** Most keys kept at once. */
  max: number;
  clock?: Clock;
  /**
   * LoadingCache only: once a key has a value, readers get it at once while a newer one loads
   * (it may then be up to ttl + one load time old), so a slow database never stalls a hot page.
   */
  serveStale?: boolean;
  /**
   * LoadingCache only: the most of the time one key's reloads may take. A load that took `d` ms
   * keeps its value for at least `d / maxLoadShare`, so an aggregate that grows with the data (a
   * petition's top constituencies over a million signatures, run on SQLite's one thread) is
   * refreshed less often instead of stalling every other request once per `ttlMs`.
   */
  maxLoadShare?: number;
}

function lruOptions(ttlMs: number, options: CacheOptions) {
  return {
    max: options.max,
    ttl: ttlMs,
    // The clock is read on every lookup: a test's clock step takes effect at once.
    ttlResolution: 0,
    perf: cachePerf(options.clock),
  };
}

/** Values kept for `ttlMs` after they were stored; a stale value reads as missing. */
export class TtlMap<T extends NonNullable<unknown>> {
  private readonly entries: LRUCache<string, T>;

  constructor(ttlMs: number, options: CacheOptions) {
    this.entries = new LRUCache<string, T>(lruOptions(ttlMs, options));
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: T): void {
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key the test picks (e.g. all variants of one page). */
  deleteWhere(test: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (test(key)) this.entries.delete(key);
  }
}

/**
 * Values loaded per key at most once per `ttlMs`; readers during a load share its promise. A
 * load that fails or finds nothing (undefined) is not kept: the next read loads again, and
 * unknown keys cannot fill memory.
 */
export class LoadingCache<T extends NonNullable<unknown>> {
  private readonly entries: LRUCache<string, T>;
  private readonly serveStale: boolean;

  constructor(ttlMs: number, load: (key: string) => Promise<T | undefined>, options: CacheOptions) {
    this.serveStale = options.serveStale ?? false;
    const perf = cachePerf(options.clock);
    this.entries = new LRUCache<string, T>({
      ...lruOptions(ttlMs, options),
      ...(options.serveStale ? { allowStale: true, allowStaleOnFetchRejection: true } : {}),
      fetchMethod: async (key, stale, { options: entry }) => {
        const started = perf.now();
        const value = await load(key);
        if (options.maxLoadShare)
          entry.ttl = Math.max(ttlMs, (perf.now() - started) / options.maxLoadShare);
        // Gone (unpublished, deleted): lru-cache would put the stale value back; forget it once
        // this fetch has settled, so the next reader finds nothing rather than the old value.
        if (value === undefined && stale !== undefined)
          setImmediate(() => this.entries.delete(key));
        return value;
      },
    });
  }

  get(key: string): Promise<T | undefined> {
    return this.entries.fetch(key);
  }

  /**
   * What get() would answer at once, without waiting (the fast lane): the cached value, fresh
   * or (serveStale) stale with a reload started in the background, exactly as get() does.
   * Undefined when get() would have to wait for a load.
   */
  peek(key: string): T | undefined {
    const fresh = this.entries.getRemainingTTL(key) > 0;
    if (fresh) return this.entries.peek(key);
    if (!this.serveStale) return undefined;
    const value = this.entries.peek(key, { allowStale: true });
    // A failed reload keeps the stale value (allowStaleOnFetchRejection); nothing to report here.
    if (value !== undefined) this.entries.fetch(key).catch(() => undefined);
    return value;
  }

  /** A value known without loading (e.g. just saved), kept for `ttlMs`. */
  set(key: string, value: T): void {
    this.entries.set(key, value);
  }

  /** After a change made in this process, the next read loads afresh. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
