/**
 * Reach: what the campaign used to measure by hand. For a storm or a petition the organiser
 * records who posted or shared it and how many followers they had; Rally adds it up: accounts,
 * posts and shares by platform, and the estimated reach (followers summed over distinct
 * accounts, each account counted once with its latest known count), day by day.
 */
import { londonInputToIso } from '../../infra/clock/london-time.js';
import { fillDays, type SeriesDay } from '../../infra/html/daily-series.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { getPetitionForFeed } from '../petitions/petitions-feed.service.js';
import { HANDLE_MAX_LENGTH, normaliseHandle } from '../people/handles.service.js';
import { getStorm } from '../storms/storms.service.js';

export const REACH_SUBJECTS = ['storm', 'petition'] as const;
export type ReachSubjectType = (typeof REACH_SUBJECTS)[number];

export const REACH_PLATFORMS = [
  'x',
  'bluesky',
  'mastodon',
  'facebook',
  'instagram',
  'tiktok',
  'threads',
  'linkedin',
  'other',
] as const;
export type ReachPlatform = (typeof REACH_PLATFORMS)[number];
export const PLATFORM_LABELS: Record<ReachPlatform, string> = {
  x: 'X (Twitter)',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  facebook: 'Facebook',
  instagram: 'Instagram',
  tiktok: 'TikTok',
  threads: 'Threads',
  linkedin: 'LinkedIn',
  other: 'Other',
};

export const REACH_KINDS = ['post', 'share'] as const;
export type ReachKind = (typeof REACH_KINDS)[number];

/** The largest follower count accepted (no account has a billion followers). */
export const FOLLOWERS_MAX = 1_000_000_000;
/** Records per storm or petition at most: this is a hand-kept tally, not a firehose. */
export const RECORDS_MAX = 5_000;
/** A time this far ahead of now is a typing mistake, not a post. */
const FUTURE_SLACK_MS = 5 * 60_000;

export interface ReachSubject {
  type: ReachSubjectType;
  id: number;
  title: string;
  /** The subject's own admin page. */
  href: string;
}

/** The storm or petition a reach page is about, or undefined when there is none. */
export async function findReachSubject(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  type: ReachSubjectType,
  id: number,
): Promise<ReachSubject | undefined> {
  if (type === 'storm') {
    const s = await getStorm(ctx, id);
    return s && { type, id, title: s.title, href: `/admin/storms/${s.id}` };
  }
  const p = await getPetitionForFeed(ctx, id);
  return p && { type, id, title: p.title, href: `/admin/petitions/${p.id}` };
}

export function reachHref(subject: Pick<ReachSubject, 'type' | 'id'>): string {
  return `/admin/reach/${subject.type}/${subject.id}`;
}

export interface ReachForm {
  platform: string;
  handle: string;
  followers: string;
  kind: string;
  /** London wall-clock time ("2026-05-01T19:05"); empty: now. */
  occurredAt: string;
}

export type ReachErrors = Partial<Record<keyof ReachForm, string>>;

interface CheckedReach {
  platform: ReachPlatform;
  handle: string;
  display: string;
  followers: number;
  kind: ReachKind;
  occurredAt: string;
}

export function checkReachForm(
  form: ReachForm,
  now: Date,
): { ok: true; value: CheckedReach } | { ok: false; errors: ReachErrors } {
  const errors: ReachErrors = {};
  const platform = REACH_PLATFORMS.find((p) => p === form.platform);
  if (!platform) errors.platform = 'Choose the platform.';
  const display = form.handle.trim();
  const handle = normaliseHandle(display);
  if (!display) errors.handle = 'Give the account’s handle, e.g. @name.';
  else if (display.length > HANDLE_MAX_LENGTH)
    errors.handle = `A handle is at most ${HANDLE_MAX_LENGTH} characters.`;
  else if (!handle)
    errors.handle =
      'That does not look like a handle (e.g. @name, name.bsky.social or @name@instance).';
  const digits = form.followers.trim().replace(/[,\s]/g, '');
  let followers = 0;
  if (!digits) errors.followers = 'Give the number of followers (0 if none).';
  else if (!/^\d+$/.test(digits))
    errors.followers = 'Followers is a whole number of 0 or more, e.g. 1250.';
  else {
    followers = Number(digits);
    if (followers > FOLLOWERS_MAX)
      errors.followers = `Followers can be at most ${FOLLOWERS_MAX.toLocaleString('en-GB')}.`;
  }
  const kind = REACH_KINDS.find((k) => k === form.kind);
  if (!kind) errors.kind = 'Say whether they posted or shared it.';
  let occurredAt = now.toISOString();
  if (form.occurredAt.trim()) {
    const parsed = londonInputToIso(form.occurredAt);
    if (!parsed.ok)
      errors.occurredAt =
        parsed.reason === 'format'
          ? 'Give the time as a date and a time, e.g. 2026-05-01T19:05 (UK time).'
          : 'That time does not exist in the UK (the clocks go forward then).';
    else if (Date.parse(parsed.iso) > now.getTime() + FUTURE_SLACK_MS)
      errors.occurredAt = 'That time is in the future.';
    else occurredAt = parsed.iso;
  }
  if (Object.keys(errors).length > 0 || !platform || !handle || !kind) return { ok: false, errors };
  return { ok: true, value: { platform, handle, display, followers, kind, occurredAt } };
}

export type RecordResult = { ok: true; id: number } | { ok: false; errors: ReachErrors };

/** Records one post or share with its account's follower count (audited). */
export async function recordReach(
  ctx: ServiceContext,
  subject: Pick<ReachSubject, 'type' | 'id'>,
  form: ReachForm,
  actor: Actor,
): Promise<RecordResult> {
  const checked = checkReachForm(form, ctx.clock.now());
  if (!checked.ok) return checked;
  const v = checked.value;
  return inTransaction(ctx, async (tx) => {
    const count = await tx.trx
      .selectFrom('reach_records')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('subject_type', '=', subject.type)
      .where('subject_id', '=', subject.id)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= RECORDS_MAX)
      return {
        ok: false as const,
        errors: { handle: `At most ${RECORDS_MAX.toLocaleString('en-GB')} records each.` },
      };
    const row = await tx.trx
      .insertInto('reach_records')
      .values({
        subject_type: subject.type,
        subject_id: subject.id,
        platform: v.platform,
        handle: v.handle,
        handle_display: v.display,
        followers: v.followers,
        kind: v.kind,
        occurred_at: v.occurredAt,
        recorded_by: actorId(actor),
        created_at: ctx.clock.now().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'reach.record',
        subjectType: subject.type,
        subjectId: subject.id,
        details: { record: row.id, platform: v.platform, followers: v.followers },
      },
      tx.trx,
    );
    return { ok: true as const, id: row.id };
  });
}

/** Takes a mistaken record out (audited). False when it is not this subject's. */
export async function deleteReachRecord(
  ctx: ServiceContext,
  subject: Pick<ReachSubject, 'type' | 'id'>,
  recordId: number,
  actor: Actor,
): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const r = await tx.trx
      .deleteFrom('reach_records')
      .where('id', '=', recordId)
      .where('subject_type', '=', subject.type)
      .where('subject_id', '=', subject.id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'reach.delete',
        subjectType: subject.type,
        subjectId: subject.id,
        details: { record: recordId },
      },
      tx.trx,
    );
    return true;
  });
}

export interface ReachRecord {
  id: number;
  platform: ReachPlatform;
  handle: string;
  handleDisplay: string;
  followers: number;
  kind: ReachKind;
  occurredAt: string;
}

export interface PlatformReach {
  platform: ReachPlatform;
  posts: number;
  shares: number;
  accounts: number;
  reach: number;
}

export interface ReachReport {
  /** Distinct accounts (platform + handle). */
  accounts: number;
  posts: number;
  shares: number;
  /** Followers summed over distinct accounts, each at its latest recorded count. */
  reach: number;
  byPlatform: PlatformReach[];
  /** Per UTC day: [estimated reach so far, new accounts, posts and shares]. */
  series: SeriesDay[];
  /** Newest first. */
  records: ReachRecord[];
}

export const SERIES_LABELS = ['Estimated reach', 'New accounts', 'Posts and shares'] as const;

/** The subject's whole tally (at most RECORDS_MAX rows, read at once). */
export async function reachReport(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  subject: Pick<ReachSubject, 'type' | 'id'>,
): Promise<ReachReport> {
  const rows = await queries(ctx)
    .selectFrom('reach_records')
    .selectAll()
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  const records: ReachRecord[] = rows.map((r) => ({
    id: r.id,
    platform: REACH_PLATFORMS.find((p) => p === r.platform) ?? 'other',
    handle: r.handle,
    handleDisplay: r.handle_display,
    followers: Number(r.followers),
    kind: r.kind === 'share' ? 'share' : 'post',
    occurredAt: r.occurred_at,
  }));
  // Each account once: first seen (for the curve), latest follower count (for the total).
  const accounts = new Map<string, { platform: ReachPlatform; first: string; followers: number }>();
  for (const r of records) {
    const key = `${r.platform} ${r.handle}`;
    const seen = accounts.get(key);
    if (seen) seen.followers = r.followers;
    else accounts.set(key, { platform: r.platform, first: r.occurredAt, followers: r.followers });
  }
  const byPlatform = REACH_PLATFORMS.map((platform) => {
    const mine = records.filter((r) => r.platform === platform);
    const accs = [...accounts.values()].filter((a) => a.platform === platform);
    return {
      platform,
      posts: mine.filter((r) => r.kind === 'post').length,
      shares: mine.filter((r) => r.kind === 'share').length,
      accounts: accs.length,
      reach: accs.reduce((sum, a) => sum + a.followers, 0),
    };
  }).filter((p) => p.posts + p.shares > 0);

  const perDay = new Map<string, { reachAdded: number; newAccounts: number; records: number }>();
  const dayOf = (iso: string) => iso.slice(0, 10);
  const bump = (day: string) => {
    const d = perDay.get(day) ?? { reachAdded: 0, newAccounts: 0, records: 0 };
    perDay.set(day, d);
    return d;
  };
  for (const r of records) bump(dayOf(r.occurredAt)).records += 1;
  for (const a of accounts.values()) {
    const d = bump(dayOf(a.first));
    d.newAccounts += 1;
    d.reachAdded += a.followers;
  }
  const days = [...perDay.keys()].sort();
  const filled = fillDays(
    days.map((day) => {
      const d = perDay.get(day) ?? { reachAdded: 0, newAccounts: 0, records: 0 };
      return { day, values: [d.reachAdded, d.newAccounts, d.records] };
    }),
    3,
  );
  let running = 0;
  const series = filled.map((d) => {
    running += d.values[0] ?? 0;
    return { day: d.day, values: [running, d.values[1] ?? 0, d.values[2] ?? 0] };
  });
  const reach = [...accounts.values()].reduce((sum, a) => sum + a.followers, 0);
  return {
    accounts: accounts.size,
    posts: records.filter((r) => r.kind === 'post').length,
    shares: records.filter((r) => r.kind === 'share').length,
    reach,
    byPlatform,
    series,
    records: [...records].reverse(),
  };
}

/** The headline for a link from the storm or petition pages. */
export async function reachTotals(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  subject: Pick<ReachSubject, 'type' | 'id'>,
): Promise<{ accounts: number; reach: number }> {
  const r = await reachReport(ctx, subject);
  return { accounts: r.accounts, reach: r.reach };
}
