/**
 * The delivery audit: who actually received a mailing, computed from its recipient rows (what
 * happened), never from the segment definition (what was intended).
 */
import { seatMarginalities } from '../constituencies/constituencies.service.js';
import { listTargetSeats } from '../field/field.service.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import type { ServiceContext } from '../../infra/service-context.js';
import * as repo from './mailings.repository.js';

/** Tags that mark someone inside the campaign rather than the public it should reach. */
export const INSIDER_TAGS = ['staff', 'officer', 'donor'] as const;
/** Warn when more than this share of recipients carries an insider tag. */
export const INSIDER_WARNING_SHARE = 0.5;
/** Warn when fewer than this share of recipients live in target (marginal) seats. */
export const TARGET_SEAT_WARNING_SHARE = 0.2;
/** The public audit merges smaller groups into "Other", so nobody can be singled out. */
export const PUBLIC_MIN_GROUP = 10;

export interface AuditGroup {
  label: string;
  count: number;
  /** Constituencies only: "marginal (4.1% majority)" or "safe (32% majority)". */
  note?: string;
}

export interface DeliveryAudit {
  delivered: number;
  byRegion: AuditGroup[];
  byConstituency: AuditGroup[];
  byTag: AuditGroup[];
  byJoinAge: AuditGroup[];
  insiderShare: number;
  /** null when no constituency results are loaded or nobody has a constituency. */
  targetSeatShare: number | null;
  warnings: string[];
}

const JOIN_BUCKETS: { label: string; maxDays: number }[] = [
  { label: 'Joined in the last month', maxDays: 31 },
  { label: '1–6 months ago', maxDays: 183 },
  { label: '6–12 months ago', maxDays: 366 },
  { label: '1–2 years ago', maxDays: 731 },
  { label: 'More than 2 years ago', maxDays: Number.POSITIVE_INFINITY },
];

function sorted(groups: Map<string, { count: number; note?: string }>): AuditGroup[] {
  return [...groups.entries()]
    .map(([label, g]) => ({ label, ...g }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'en-GB'));
}

function add(
  map: Map<string, { count: number; note?: string }>,
  label: string,
  n: number,
  note?: string,
) {
  const g = map.get(label);
  if (g) g.count += n;
  else map.set(label, note === undefined ? { count: n } : { count: n, note });
}

function parseTags(json: string | null): string[] {
  try {
    const v: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

export async function deliveryAudit(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
  mailing: { id: number; startedAt: string | null },
): Promise<DeliveryAudit> {
  const ex = ctx.db.kysely;
  const [regions, seats, tagCombos, joinDays, directory, marginality, targets] = await Promise.all([
    repo.deliveredBy(ex, mailing.id, 'region'),
    repo.deliveredBy(ex, mailing.id, 'constituency_code'),
    repo.deliveredBy(ex, mailing.id, 'tags'),
    repo.deliveredByJoinDay(ex, mailing.id),
    getConstituencyDirectory(ctx.db),
    seatMarginalities(ctx),
    listTargetSeats(ctx),
  ]);
  // The campaign's own target seats when it has marked any; until then, every marginal seat.
  const targetCodes = new Set(targets.map((t) => t.code));
  const isTarget = (code: string, marginal: boolean) =>
    targetCodes.size > 0 ? targetCodes.has(code) : marginal;
  const delivered = regions.reduce((s, g) => s + g.n, 0);

  const byRegion = new Map<string, { count: number }>();
  for (const g of regions) add(byRegion, g.key ?? 'Unknown region', g.n);

  const byConstituency = new Map<string, { count: number; note?: string }>();
  let inTargetSeats = 0;
  let withSeat = 0;
  for (const g of seats) {
    if (!g.key) {
      add(byConstituency, 'Unknown constituency', g.n);
      continue;
    }
    const seat = marginality.get(g.key);
    const name = directory.get(g.key)?.name ?? g.key;
    if (seat) {
      withSeat += g.n;
      if (isTarget(g.key, seat.marginal)) inTargetSeats += g.n;
    }
    add(
      byConstituency,
      name,
      g.n,
      seat
        ? `${targetCodes.has(g.key) ? 'target seat, ' : ''}${seat.marginal ? 'marginal' : 'safe'} (${seat.winner}, ${pct(seat.majorityShare)} majority in 2019)`
        : 'no 2019 result',
    );
  }

  const byTag = new Map<string, { count: number }>();
  let insiders = 0;
  for (const g of tagCombos) {
    const tags = parseTags(g.key);
    if (tags.length === 0) add(byTag, 'No tags', g.n);
    for (const t of new Set(tags)) add(byTag, t, g.n);
    if (tags.some((t) => (INSIDER_TAGS as readonly string[]).includes(t))) insiders += g.n;
  }

  const at = Date.parse(mailing.startedAt ?? ctx.clock.now().toISOString());
  const byJoinAge = new Map<string, { count: number }>(
    JOIN_BUCKETS.map((b) => [b.label, { count: 0 }]),
  );
  for (const g of joinDays) {
    const days = (at - Date.parse(`${g.key}T00:00:00Z`)) / 86_400_000;
    const bucket = JOIN_BUCKETS.find((b) => days <= b.maxDays) ?? JOIN_BUCKETS[0]!;
    add(byJoinAge, bucket.label, g.n);
  }

  const insiderShare = delivered ? insiders / delivered : 0;
  const targetSeatShare = withSeat ? inTargetSeats / delivered : null;
  const warnings: string[] = [];
  if (delivered && insiderShare > INSIDER_WARNING_SHARE)
    warnings.push(
      `${pct(insiderShare)} of recipients are tagged ${INSIDER_TAGS.join(', ')}: this mailing mostly reached insiders, not the public.`,
    );
  if (targetSeatShare !== null && targetSeatShare < TARGET_SEAT_WARNING_SHARE)
    warnings.push(
      `Only ${pct(targetSeatShare)} of recipients live in ${targetCodes.size > 0 ? "the campaign's target seats" : 'target (marginal) seats'}.`,
    );
  return {
    delivered,
    byRegion: sorted(byRegion),
    byConstituency: sorted(byConstituency),
    byTag: sorted(byTag),
    byJoinAge: JOIN_BUCKETS.map((b) => ({
      label: b.label,
      count: byJoinAge.get(b.label)?.count ?? 0,
    })),
    insiderShare,
    targetSeatShare,
    warnings,
  };
}

/** Groups under PUBLIC_MIN_GROUP merged into one "Other" row (itself shown only when ≥ the minimum). */
export function mergeSmallGroups(groups: AuditGroup[], min = PUBLIC_MIN_GROUP): AuditGroup[] {
  const kept = groups
    .filter((g) => g.count >= min)
    .map((g) => ({ label: g.label, count: g.count, ...(g.note ? { note: g.note } : {}) }));
  const other = groups.filter((g) => g.count < min).reduce((s, g) => s + g.count, 0);
  if (other >= min) kept.push({ label: 'Other', count: other });
  else if (other > 0) kept.push({ label: 'Other', count: 0, note: `fewer than ${min}` });
  return kept;
}

/** The count-only audit published at /mailings/:id/audit. */
export function publicAudit(audit: DeliveryAudit): DeliveryAudit {
  return {
    ...audit,
    byRegion: mergeSmallGroups(audit.byRegion),
    byConstituency: mergeSmallGroups(audit.byConstituency),
    byTag: mergeSmallGroups(audit.byTag),
    byJoinAge: mergeSmallGroups(audit.byJoinAge.filter((g) => g.count > 0)),
  };
}
