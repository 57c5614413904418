import type { Db } from '../../infra/db/database.js';
import * as repo from './storms.repository.js';
import type { StormRow } from './storms.repository.js';
import { variantsOf } from './storms.service.js';
import { STORM_PLATFORMS, type StormPlatform } from './storms.tables.js';

/** Bars in the time curve at most: the bucket grows until the storm fits. */
export const MAX_CURVE_BARS = 120;
/** Bucket sizes tried, in minutes, smallest first. */
export const BUCKET_MINUTES = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440] as const;

export interface CurveBucket {
  /** UTC ISO start of the bucket. */
  start: string;
  posts: number;
}

export interface TimeCurve {
  bucketMinutes: number;
  buckets: CurveBucket[];
}

/**
 * Posts per bucket from the storm's start to its end (or to the last post, for those counted in
 * the grace time after it). `perMinute` comes from the database grouped by epoch minute.
 */
export function timeCurve(
  startIso: string,
  endIso: string,
  perMinute: { minute: number; posts: number }[],
): TimeCurve {
  const first = Math.floor(Date.parse(startIso) / 60_000);
  const lastPost = perMinute.reduce((max, r) => Math.max(max, r.minute + 1), 0);
  const last = Math.max(Math.ceil(Date.parse(endIso) / 60_000), lastPost, first + 1);
  const span = last - first;
  const bucketMinutes =
    BUCKET_MINUTES.find((size) => Math.ceil(span / size) <= MAX_CURVE_BARS) ??
    Math.ceil(span / MAX_CURVE_BARS);
  const count = Math.ceil(span / bucketMinutes);
  const buckets: CurveBucket[] = Array.from({ length: count }, (_, i) => ({
    start: new Date((first + i * bucketMinutes) * 60_000).toISOString(),
    posts: 0,
  }));
  for (const r of perMinute) {
    const index = Math.min(Math.max(Math.floor((r.minute - first) / bucketMinutes), 0), count - 1);
    const bucket = buckets[index];
    if (bucket) bucket.posts += r.posts;
  }
  return { bucketMinutes, buckets };
}

export interface StormReport {
  posts: number;
  /** Distinct browsers (or networks, without the script) that said they posted. */
  participants: number;
  /** People who confirmed their email, now on the supporter list. */
  confirmedPeople: number;
  byVariant: { variant: number; text: string | null; posts: number; edited: number }[];
  byPlatform: { platform: StormPlatform; posts: number }[];
  curve: TimeCurve;
}

export async function stormReport(db: Db, storm: StormRow): Promise<StormReport> {
  const [posts, participants, confirmedPeople, variantRows, platformRows, perMinute] =
    await Promise.all([
      repo.countPosts(db.kysely, storm.id),
      repo.countParticipants(db.kysely, storm.id),
      repo.countConfirmedPeople(db.kysely, storm.id),
      repo.postsByVariant(db.kysely, storm.id),
      repo.postsByPlatform(db.kysely, storm.id),
      repo.postsByMinute(db.kysely, storm.id),
    ]);
  const variants = variantsOf(storm);
  const byVariant: StormReport['byVariant'] = variants.map((text, i) => {
    const row = variantRows.find((r) => r.variant === i + 1);
    return { variant: i + 1, text, posts: row?.posts ?? 0, edited: row?.edited ?? 0 };
  });
  // Posts for suggestions removed since stay in the report.
  for (const r of variantRows)
    if (r.variant > variants.length) byVariant.push({ ...r, text: null });
  const byPlatform = STORM_PLATFORMS.map((platform) => ({
    platform,
    posts: platformRows.find((r) => r.platform === platform)?.posts ?? 0,
  }));
  return {
    posts,
    participants,
    confirmedPeople,
    byVariant,
    byPlatform,
    curve: timeCurve(storm.starts_at, storm.ends_at, perMinute),
  };
}
