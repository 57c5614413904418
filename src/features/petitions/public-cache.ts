import type { Clock } from '../../infra/clock/clock.js';
import { LoadingCache, TtlMap } from '../../infra/cache/ttl-cache.js';
import type { Db } from '../../infra/db/database.js';
import * as repo from './petitions.repository.js';
import { targetsOf } from './petitions.service.js';
import type { PublicSnapshot } from './petitions.public.views.js';

/** How long a petition's public data (text, top constituencies, recent signers) is reused. */
export const SNAPSHOT_TTL_MS = 1_000;
/**
 * The most of the time rebuilding one petition's data may take: its top constituencies and
 * recent signers are aggregates over every signature, about 300 ms at 200,000 on SQLite, where
 * they run on the thread that answers every request.
 */
export const SNAPSHOT_MAX_LOAD_SHARE = 0.05;
/** Petitions whose public data and page are kept in memory; the least recently read go first. */
export const MAX_CACHED_PETITIONS = 1_000;
export const TOP_CONSTITUENCIES = 10;
export const RECENT_SIGNERS = 10;

/**
 * The public page's data per slug, rebuilt at most once per SNAPSHOT_TTL_MS, with the rendered
 * HTML beside it: a surge of readers costs a few queries a second, not a few per reader.
 */
export class PublicCache {
  private snapshots: LoadingCache<PublicSnapshot>;
  private pages: TtlMap<string>;

  constructor(
    private readonly db: Db,
    clock?: Clock,
  ) {
    const options = { max: MAX_CACHED_PETITIONS, ...(clock ? { clock } : {}) };
    // Readers never wait for a refresh once a petition is cached: a slow database (a surge of
    // writes) would otherwise stall count.json and the page once a second.
    this.snapshots = new LoadingCache(SNAPSHOT_TTL_MS, (slug) => this.load(slug), {
      ...options,
      serveStale: true,
      maxLoadShare: SNAPSHOT_MAX_LOAD_SHARE,
    });
    this.pages = new TtlMap(SNAPSHOT_TTL_MS, options);
  }

  snapshot(slug: string): Promise<PublicSnapshot | undefined> {
    return this.snapshots.get(slug);
  }

  private async load(slug: string): Promise<PublicSnapshot | undefined> {
    const petition = await repo.findPetitionBySlug(this.db.kysely, slug);
    if (!petition || petition.status === 'draft') return undefined;
    const [targets, byConstituency, recent] = await Promise.all([
      targetsOf(this.db, petition),
      repo.byConstituency(this.db.kysely, petition.id, TOP_CONSTITUENCIES),
      repo.recentConsentingSigners(this.db.kysely, petition.id, RECENT_SIGNERS),
    ]);
    return { petition, targets, byConstituency, recent };
  }

  /**
   * What snapshot() would resolve to at once (a stale one starts its refresh), or undefined
   * when it would have to wait for the database: the caller then takes the slow path.
   */
  cachedSnapshot(slug: string): PublicSnapshot | undefined {
    return this.snapshots.peek(slug);
  }

  page(slug: string): string | undefined {
    return this.pages.get(slug);
  }

  storePage(slug: string, htmlText: string): void {
    this.pages.set(slug, htmlText);
  }

  /** After an organiser's change in this process, show it at once. */
  forget(slug: string): void {
    this.snapshots.delete(slug);
    this.pages.delete(slug);
  }
}
