import type { FastifyInstance } from 'fastify';
import type { Db } from '../../infra/db/database.js';
import { getOrCreateSecret } from '../../infra/db/settings.js';
import type { Services } from '../../infra/services.js';
import * as repo from './storms.repository.js';
import type { StormRow } from './storms.repository.js';
import { type StormTarget, postParts, stormTargets, variantsOf } from './storms.service.js';
import type { PostParts } from './storm-text.js';
import { STORM_SECRET_SETTING } from './storm-tokens.js';

/** How long a storm's public data, rendered pages and count are reused. */
export const STORM_CACHE_TTL_MS = 1_000;
/** "I posted" clicks per IP address per storm per window (a household or office shares one). */
export const POSTS_PER_IP_PER_WINDOW = 30;
/** Civility checks of edited text per IP address per window (the page's script debounces). */
export const CHECKS_PER_IP_PER_WINDOW = 120;
export const RATE_WINDOW_MS = 10 * 60 * 1000;

/** What the public page shows of a published storm. */
export interface StormSnapshot {
  storm: StormRow;
  variants: string[];
  targets: StormTarget[];
  parts: PostParts;
}

interface Cached<T> {
  value: T;
  at: number;
}

/**
 * Published storms' data and rendered pages per slug, rebuilt at most once per TTL: a crowd
 * opening the page at the storm's start costs a few queries a second, not a few per person.
 */
export class StormCache {
  private snapshots = new Map<string, Cached<Promise<StormSnapshot | undefined>>>();
  private pages = new Map<string, Cached<string>>();
  /** Database loads so far (tests check that a cached page costs none). */
  loads = 0;

  constructor(private readonly db: Db) {}

  snapshot(slug: string, now = Date.now()): Promise<StormSnapshot | undefined> {
    const hit = this.snapshots.get(slug);
    if (hit && now - hit.at < STORM_CACHE_TTL_MS) return hit.value;
    const value = this.load(slug);
    this.snapshots.set(slug, { value, at: now });
    value.catch(() => this.snapshots.delete(slug));
    // Unknown slugs must not fill memory: keep only what exists.
    void value.then((s) => {
      if (!s) this.snapshots.delete(slug);
    });
    return value;
  }

  private async load(slug: string): Promise<StormSnapshot | undefined> {
    this.loads++;
    const storm = await repo.findStormBySlug(this.db.kysely, slug);
    if (!storm || storm.status !== 'published') return undefined;
    const targets = await stormTargets(this.db, storm);
    return { storm, variants: variantsOf(storm), targets, parts: postParts(storm, targets) };
  }

  /** A rendered page; the key names the storm and what varies (the suggestion shown). */
  page(slug: string, key: string, now = Date.now()): string | undefined {
    const hit = this.pages.get(`${slug}\n${key}`);
    return hit && now - hit.at < STORM_CACHE_TTL_MS ? hit.value : undefined;
  }

  storePage(slug: string, key: string, text: string, now = Date.now()): void {
    this.pages.set(`${slug}\n${key}`, { value: text, at: now });
  }

  /** After an organiser's change, show it at once. */
  forget(slug: string): void {
    this.snapshots.delete(slug);
    for (const key of this.pages.keys()) if (key.startsWith(`${slug}\n`)) this.pages.delete(key);
  }
}

interface CountEntry {
  count: number;
  fetchedAt: number;
  pending: Promise<number> | undefined;
}

/** "I posted" counts from memory: at most one count query per storm per TTL. */
export class StormCounts {
  private entries = new Map<number, CountEntry>();

  constructor(private readonly db: Db) {}

  async get(stormId: number, now = Date.now()): Promise<number> {
    let entry = this.entries.get(stormId);
    if (!entry) {
      entry = { count: 0, fetchedAt: 0, pending: undefined };
      this.entries.set(stormId, entry);
    }
    if (now - entry.fetchedAt < STORM_CACHE_TTL_MS) return entry.count;
    const e = entry;
    e.pending ??= repo
      .countPosts(this.db.kysely, stormId)
      .then((n) => {
        e.count = n;
        e.fetchedAt = Date.now();
        return n;
      })
      .finally(() => {
        e.pending = undefined;
      });
    // Once a value exists, readers never wait for the refresh.
    return e.fetchedAt > 0 ? e.count : e.pending;
  }

  /** A post counted in this process shows at once; the next refresh brings in the others. */
  bump(stormId: number): void {
    const entry = this.entries.get(stormId);
    if (entry) entry.count++;
  }
}

/** Fixed-window counters kept in memory, per process. */
export class RateCounter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {}

  /** Counts one hit; false when the key is over its limit in this window. */
  hit(key: string, now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.counts.clear();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n <= this.limit;
  }
}

/** The per-process state of the storms feature. */
export interface StormsRuntime {
  secret: string;
  cache: StormCache;
  counts: StormCounts;
  postLimit: RateCounter;
  checkLimit: RateCounter;
}

declare module 'fastify' {
  interface FastifyInstance {
    storms: StormsRuntime;
  }
}

export async function createStormsRuntime(
  app: FastifyInstance,
  services: Services,
): Promise<StormsRuntime> {
  const rt: StormsRuntime = {
    secret: await getOrCreateSecret(services.db, STORM_SECRET_SETTING),
    cache: new StormCache(services.db),
    counts: new StormCounts(services.db),
    postLimit: new RateCounter(POSTS_PER_IP_PER_WINDOW),
    checkLimit: new RateCounter(CHECKS_PER_IP_PER_WINDOW),
  };
  app.decorate('storms', rt);
  return rt;
}
