import type { Generated } from 'kysely';

/** draft → published; a published storm's page is public, before, during and after its time. */
export const STORM_STATUSES = ['draft', 'published'] as const;
export type StormStatus = (typeof STORM_STATUSES)[number];

/** Where supporters say they posted. Facebook takes a link only, so it has no intent text. */
export const STORM_PLATFORMS = ['x', 'bluesky', 'mastodon', 'facebook'] as const;
export type StormPlatform = (typeof STORM_PLATFORMS)[number];

export interface StormsTable {
  id: Generated<number>;
  slug: string;
  status: StormStatus;
  title: string;
  /** Plain text; URLs are linked on display. */
  description: string;
  /** UTC ISO-8601; entered and shown in Europe/London time. */
  starts_at: string;
  ends_at: string;
  /** Without its '#'. */
  hashtag: string;
  /** Added to every post that does not already contain it. */
  link_url: string | null;
  target_list_id: number | null;
  /** JSON array of target ids from that list; their handles are read from the targets service. */
  target_ids: string;
  /** JSON array of { platform, handle } typed in by the organiser (handles not in a list). */
  handles: string;
  /** JSON array of the suggested post texts; posts refer to them by 1-based position. */
  variants: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
}

/** One "I posted" click. */
export interface StormPostsTable {
  id: Generated<number>;
  storm_id: number;
  /** 1-based position of the suggestion the person started from. */
  variant: number;
  platform: StormPlatform;
  /** 1 when the person changed the suggested words before posting. */
  edited: number;
  /** A keyed hash (of a browser id, or of IP and user agent) to count people, not clicks. */
  participant_key: string;
  /** Minutes since the Unix epoch: the report's time curve groups on it on either database. */
  posted_minute: number;
  /** Only until the person confirms it by the mailed link; then person_id replaces it. */
  email: string | null;
  /** The wording of the consent box when ticked. */
  consent_wording: string | null;
  person_id: number | null;
  confirmed_at: string | null;
  /** Where the post came from (infra/http/attribution.ts): a link's `?source=` or `ref:<domain>`. */
  source: Generated<string | null>;
  created_at: string;
}

export interface StormTables {
  storms: StormsTable;
  storm_posts: StormPostsTable;
}

declare module '../../infra/db/schema.js' {
  interface Database extends StormTables {}
}
