import type { ActionSourceCounts } from '../../infra/http/attribution.js';
import type { ServiceContext } from '../../infra/service-context.js';
import {
  type ActivityEntry,
  recentActivity,
  supporterStats,
} from '../people/people-stats.service.js';
import { signatureFunnel } from '../petitions/petitions-feed.service.js';

export const PERIODS = [7, 30, 90] as const;
export type PeriodDays = (typeof PERIODS)[number];
export const DEFAULT_PERIOD: PeriodDays = 30;
export const TOP_SHOWN = 5;
export const ACTIVITY_PAGE_SIZE = 25;

/** Activity kinds as the organiser reads them, in the order shown. */
export const ACTION_LABELS: [kind: string, label: string][] = [
  ['signed', 'Signatures'],
  ['letter', 'Letters'],
  ['storm', 'Storm posts'],
  ['rsvp', 'RSVPs'],
  ['comment', 'Comments'],
];

export interface DayRow {
  day: string;
  newPeople: number;
  actions: number;
}

export interface Dashboard {
  days: PeriodDays;
  from: string;
  to: string;
  newPeople: number;
  erased: number;
  unsubscribed: number;
  netGrowth: number;
  actions: { kind: string; label: string; n: number }[];
  funnel: { signed: number; confirmed: number };
  topSources: { source: string; n: number }[];
  /** Actions (signatures, letters, RSVPs) by the source they came with: `mailing-7`, `ref:x.com`. */
  topActionSources: { source: string; n: number }[];
  topConstituencies: { code: string; name: string; n: number }[];
  series: DayRow[];
}

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The period is whole UTC days ending today: "last 7 days" includes today. */
export async function loadDashboard(
  ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'> & {
    actionSources?: readonly ActionSourceCounts[];
  },
  days: PeriodDays,
): Promise<Dashboard> {
  const today = new Date(`${utcDay(ctx.clock.now())}T00:00:00.000Z`);
  const start = new Date(today.getTime() - (days - 1) * 86_400_000);
  const end = new Date(today.getTime() + 86_400_000);
  const period = { from: start.toISOString(), to: end.toISOString() };
  const [stats, funnel, topActionSources] = await Promise.all([
    supporterStats(ctx, { ...period, top: TOP_SHOWN }),
    signatureFunnel(ctx, period),
    actionSourcesOf(ctx, ctx.actionSources ?? [], period.from),
  ]);
  const series: DayRow[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += 86_400_000) {
    const day = utcDay(new Date(t));
    const actions = [...(stats.actionsByDay.get(day)?.values() ?? [])].reduce((a, b) => a + b, 0);
    series.push({ day, newPeople: stats.newByDay.get(day) ?? 0, actions });
  }
  const known = new Set(ACTION_LABELS.map(([k]) => k));
  const actions = ACTION_LABELS.map(([kind, label]) => ({
    kind,
    label,
    n: stats.actionsByKind.get(kind) ?? 0,
  }));
  return {
    days,
    ...period,
    newPeople: stats.newPeople,
    erased: stats.erased,
    unsubscribed: stats.unsubscribed,
    netGrowth: stats.newPeople - stats.erased - stats.unsubscribed,
    actions: [
      ...actions,
      ...[...stats.actionsByKind]
        .filter(([kind]) => !known.has(kind) && kind !== 'consent' && kind !== 'edited')
        .map(([kind, n]) => ({ kind, label: kind, n })),
    ],
    funnel,
    topSources: stats.topSources,
    topActionSources,
    topConstituencies: stats.topConstituencies,
    series,
  };
}

/** One page of the activity list, and whether there is an older one. */
export async function activityPage(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  beforeId: number | undefined,
): Promise<{ entries: ActivityEntry[]; olderBefore: number | null }> {
  const rows = await recentActivity(ctx, {
    ...(beforeId === undefined ? {} : { beforeId }),
    limit: ACTIVITY_PAGE_SIZE + 1,
  });
  const entries = rows.slice(0, ACTIVITY_PAGE_SIZE);
  return {
    entries,
    olderBefore: rows.length > ACTIVITY_PAGE_SIZE ? (entries.at(-1)?.id ?? null) : null,
  };
}

/** Every feature's actions by source since `since`, added up across features, most first. */
async function actionSourcesOf(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  features: readonly ActionSourceCounts[],
  since: string,
): Promise<{ source: string; n: number }[]> {
  const totals = new Map<string, number>();
  for (const f of features)
    for (const row of await f.topSources(ctx, { since, limit: TOP_SHOWN * 4 }))
      totals.set(row.source, (totals.get(row.source) ?? 0) + row.n);
  return [...totals]
    .map(([source, n]) => ({ source, n }))
    .sort((a, b) => b.n - a.n || a.source.localeCompare(b.source))
    .slice(0, TOP_SHOWN);
}
