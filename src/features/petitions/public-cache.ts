import type { Db } from '../../infra/db/database.js';
import * as repo from './petitions.repository.js';
import { targetsOf } from './petitions.service.js';
import type { PublicSnapshot } from './petitions.public.views.js';

/** How long a petition's public data (text, top constituencies, recent signers) is reused. */
export const SNAPSHOT_TTL_MS = 1_000;
export const TOP_CONSTITUENCIES = 10;
export const RECENT_SIGNERS = 10;

interface Cached<T> {
  value: T;
  at: number;
}

/**
 * The public page's data per slug, rebuilt at most once per SNAPSHOT_TTL_MS, with the rendered
 * HTML beside it: a surge of readers costs a few queries a second, not a few per reader.
 */
export class PublicCache {
  private snapshots = new Map<string, Cached<Promise<PublicSnapshot | undefined>>>();
  private pages = new Map<string, Cached<string>>();

  constructor(private readonly db: Db) {}

  snapshot(slug: string, now = Date.now()): Promise<PublicSnapshot | undefined> {
    const hit = this.snapshots.get(slug);
    if (hit && now - hit.at < SNAPSHOT_TTL_MS) return hit.value;
    const value = this.load(slug);
    this.snapshots.set(slug, { value, at: now });
    value.catch(() => this.snapshots.delete(slug));
    // Unknown slugs must not fill memory: keep only what exists.
    void value.then((s) => {
      if (!s) this.snapshots.delete(slug);
    });
    return value;
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

  page(slug: string, now = Date.now()): string | undefined {
    const hit = this.pages.get(slug);
    return hit && now - hit.at < SNAPSHOT_TTL_MS ? hit.value : undefined;
  }

  storePage(slug: string, htmlText: string, now = Date.now()): void {
    this.pages.set(slug, { value: htmlText, at: now });
  }

  /** After an organiser's change in this process, show it at once. */
  forget(slug: string): void {
    this.snapshots.delete(slug);
    this.pages.delete(slug);
  }
}
