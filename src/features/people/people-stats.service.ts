import { utcDayOf } from '../../infra/db/utc-day.js';
import { type ServiceContext, queries } from '../../infra/service-context.js';

export interface SupporterStats {
  newPeople: number;
  erased: number;
  unsubscribed: number;
  /** Per UTC day: new supporters and actions of each kind. */
  newByDay: Map<string, number>;
  actionsByDay: Map<string, Map<string, number>>;
  actionsByKind: Map<string, number>;
  topSources: { source: string; n: number }[];
  topConstituencies: { code: string; name: string; n: number }[];
}

/**
 * The supporter numbers of a period (from inclusive, to exclusive): each a grouped count over an
 * index on the timestamp (activities (created_at, kind) answers from the index alone).
 */
export async function supporterStats(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  period: { from: string; to: string; top: number },
): Promise<SupporterStats> {
  const db = queries(ctx);
  const { from, to, top } = period;
  const [newByDay, erased, unsubscribed, actions, sources, constituencies] = await Promise.all([
    db
      .selectFrom('people')
      .select([utcDayOf(ctx, 'created_at').as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy(utcDayOf(ctx, 'created_at'))
      .execute(),
    db
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('erased_at', '>=', from)
      .where('erased_at', '<', to)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('consents')
      .select((eb) => eb.fn.count<number>('person_id').distinct().as('n'))
      .where('channel', '=', 'email')
      .where('status', '=', 'withdrawn')
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('activities')
      .select([
        utcDayOf(ctx, 'created_at').as('day'),
        'kind',
        (eb) => eb.fn.countAll<number>().as('n'),
      ])
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy([utcDayOf(ctx, 'created_at'), 'kind'])
      .execute(),
    db
      .selectFrom('people')
      .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy('source')
      .orderBy('n', 'desc')
      .orderBy('source')
      .limit(top)
      .execute(),
    db
      .selectFrom('people')
      .select(['constituency_code', 'constituency_name', (eb) => eb.fn.countAll<number>().as('n')])
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .where('constituency_code', 'is not', null)
      .groupBy(['constituency_code', 'constituency_name'])
      .orderBy('n', 'desc')
      .orderBy('constituency_name')
      .limit(top)
      .execute(),
  ]);
  const actionsByDay = new Map<string, Map<string, number>>();
  const actionsByKind = new Map<string, number>();
  for (const row of actions) {
    const day = actionsByDay.get(row.day) ?? new Map<string, number>();
    day.set(row.kind, Number(row.n));
    actionsByDay.set(row.day, day);
    actionsByKind.set(row.kind, (actionsByKind.get(row.kind) ?? 0) + Number(row.n));
  }
  const byDay = new Map(newByDay.map((r) => [r.day, Number(r.n)]));
  return {
    newPeople: [...byDay.values()].reduce((a, b) => a + b, 0),
    erased: Number(erased.n),
    unsubscribed: Number(unsubscribed.n),
    newByDay: byDay,
    actionsByDay,
    actionsByKind,
    topSources: sources.map((s) => ({ source: s.source, n: Number(s.n) })),
    topConstituencies: constituencies.map((c) => ({
      code: c.constituency_code ?? '',
      name: c.constituency_name ?? c.constituency_code ?? '',
      n: Number(c.n),
    })),
  };
}

export interface ActivityEntry {
  id: number;
  personId: number;
  personName: string | null;
  erased: boolean;
  kind: string;
  summary: string;
  refType: string | null;
  refId: string | null;
  createdAt: string;
}

/** Newest first, a page at a time by id (no OFFSET or total: fast with millions of rows). */
export async function recentActivity(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  page: { beforeId?: number; limit: number },
): Promise<ActivityEntry[]> {
  const rows = await queries(ctx)
    .selectFrom('activities as a')
    .innerJoin('people as p', 'p.id', 'a.person_id')
    .select([
      'a.id',
      'a.person_id',
      'a.kind',
      'a.summary',
      'a.ref_type',
      'a.ref_id',
      'a.created_at',
      'p.first_name',
      'p.last_name',
      'p.email',
      'p.erased_at',
    ])
    .$if(page.beforeId !== undefined, (q) => q.where('a.id', '<', page.beforeId ?? 0))
    .orderBy('a.id', 'desc')
    .limit(page.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    personName: r.erased_at
      ? null
      : [r.first_name, r.last_name].filter(Boolean).join(' ') || r.email,
    erased: r.erased_at !== null,
    kind: r.kind,
    summary: r.summary,
    refType: r.ref_type,
    refId: r.ref_id,
    createdAt: r.created_at,
  }));
}
