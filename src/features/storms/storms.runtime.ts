import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../infra/clock/clock.js';
import { CountCache } from '../../infra/cache/count-cache.js';
import { LoadingCache, TtlMap } from '../../infra/cache/ttl-cache.js';
import type { Db } from '../../infra/db/database.js';
import { getOrCreateSecret } from '../../infra/db/settings.js';
import { type KeyedRateLimiter, keyedRateLimiter } from '../../infra/http/rate-limit.js';
import type { Services } from '../../infra/services.js';
import * as repo from './storms.repository.js';
import type { StormRow } from './storms.repository.js';
import { type StormTarget, postParts, stormTargets, variantsOf } from './storms.service.js';
import type { PostParts } from './storm-text.js';
import { STORM_SECRET_SETTING } from './storm-tokens.js';

/** How long a storm's public data, rendered pages and count are reused. */
export const STORM_CACHE_TTL_MS = 1_000;
/** Storms whose data and count are kept in memory; the least recently read go first. */
export const MAX_CACHED_STORMS = 1_000;
/** Rendered storm pages kept (one per storm and suggestion shown). */
export const MAX_CACHED_STORM_PAGES = 10_000;
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

/**
 * Published storms' data and rendered pages per slug, rebuilt at most once per TTL: a crowd
 * opening the page at the storm's start costs a few queries a second, not a few per person.
 */
export class StormCache {
  private snapshots: LoadingCache<StormSnapshot>;
  private pages: TtlMap<string>;
  /** Database loads so far (tests check that a cached page costs none). */
  loads = 0;

  constructor(
    private readonly db: Db,
    clock?: Clock,
  ) {
    const timing = clock ? { clock } : {};
    this.snapshots = new LoadingCache(STORM_CACHE_TTL_MS, (slug) => this.load(slug), {
      max: MAX_CACHED_STORMS,
      ...timing,
    });
    this.pages = new TtlMap(STORM_CACHE_TTL_MS, { max: MAX_CACHED_STORM_PAGES, ...timing });
  }

  snapshot(slug: string): Promise<StormSnapshot | undefined> {
    return this.snapshots.get(slug);
  }

  private async load(slug: string): Promise<StormSnapshot | undefined> {
    this.loads++;
    const storm = await repo.findStormBySlug(this.db.kysely, slug);
    if (!storm || storm.status !== 'published') return undefined;
    const targets = await stormTargets(this.db, storm);
    return { storm, variants: variantsOf(storm), targets, parts: postParts(storm, targets) };
  }

  /** A rendered page; the key names the storm and what varies (the suggestion shown). */
  page(slug: string, key: string): string | undefined {
    return this.pages.get(`${slug}\n${key}`);
  }

  storePage(slug: string, key: string, text: string): void {
    this.pages.set(`${slug}\n${key}`, text);
  }

  /** After an organiser's change, show it at once. */
  forget(slug: string): void {
    this.snapshots.delete(slug);
    this.pages.deleteWhere((key) => key.startsWith(`${slug}\n`));
  }
}

/** The per-process state of the storms feature. */
export interface StormsRuntime {
  secret: string;
  cache: StormCache;
  /** "I posted" counts: at most one count query per storm per TTL. */
  counts: CountCache;
  postLimit: KeyedRateLimiter;
  checkLimit: KeyedRateLimiter;
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
    cache: new StormCache(services.db, services.clock),
    counts: new CountCache(
      STORM_CACHE_TTL_MS,
      (stormId) => repo.countPosts(services.db.kysely, stormId),
      {
        max: MAX_CACHED_STORMS,
        clock: services.clock,
        onError: (err, stormId) =>
          app.log.error({ err, stormId }, 'storm count refresh failed; serving the last count'),
      },
    ),
    postLimit: keyedRateLimiter(app, { max: POSTS_PER_IP_PER_WINDOW, windowMs: RATE_WINDOW_MS }),
    checkLimit: keyedRateLimiter(app, { max: CHECKS_PER_IP_PER_WINDOW, windowMs: RATE_WINDOW_MS }),
  };
  app.decorate('storms', rt);
  return rt;
}
