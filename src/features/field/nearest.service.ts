import { TtlMap } from '../../infra/cache/ttl-cache.js';
import type { Db } from '../../infra/db/database.js';
import type { ServiceContext } from '../../infra/service-context.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { type EventSummary, upcomingSessionsBySeat } from '../events/events.service.js';
import { getFieldPlan, listTargetSeats, onFieldChange, rankSeatsFor } from './field.service.js';
import { distanceKm, outcodeCentroid, seatCentroid } from './geo.service.js';

/** Without marked targets, seats either side can flip with a swing below this count as marginal. */
export const MARGINAL_SWING = 0.05;
export const NEAREST_LIMIT = 5;
export const SESSIONS_PER_SEAT = 3;
/** How long the list of marginal seats and each seat's sessions are reused between requests. */
const CACHE_MS = 15_000;

export interface MarginalSeat {
  code: string;
  name: string;
  /** The campaign's note on a marked target, or why it counts as marginal. */
  why: string;
}

export interface NearestSeat extends MarginalSeat {
  distanceKm: number;
  sessions: EventSummary[];
}

export type NearestAnswer =
  | { status: 'invalid' | 'unknown'; message: string; postcode?: string }
  | {
      status: 'found';
      postcode: string;
      ownSeat: { code: string; name: string; isTarget: boolean };
      /** Whether the seats below are the campaign's marked targets or the closest results. */
      basis: 'targets' | 'marginal';
      nearest: NearestSeat[];
    };

type Marginal = { basis: 'targets' | 'marginal'; seats: MarginalSeat[] };
interface Caches {
  marginal: TtlMap<Marginal>;
  sessions: TtlMap<Map<string, EventSummary[]>>;
}
/** Per database: a test process (or a tool) may hold several. */
const caches = new WeakMap<Db, Caches>();
/** Bumped by a change of plan or targets: cached lists of an older generation are not read. */
let generation = 0;
function cachesFor(db: Db): Caches {
  let c = caches.get(db);
  if (!c) {
    c = {
      marginal: new TtlMap<Marginal>(CACHE_MS, { max: 1 }),
      sessions: new TtlMap(CACHE_MS, { max: 1000 }),
    };
    caches.set(db, c);
  }
  return c;
}
onFieldChange(() => {
  generation += 1;
});

/** The marked target seats; when none are marked, the seats in play for the campaign's plan. */
export async function marginalSeats(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
): Promise<{ basis: 'targets' | 'marginal'; seats: MarginalSeat[] }> {
  const cache = cachesFor(ctx.db).marginal;
  const cached = cache.get(String(generation));
  if (cached) return cached;
  const targets = await listTargetSeats(ctx);
  let value: Marginal;
  if (targets.length > 0) {
    value = {
      basis: 'targets',
      seats: targets.map((t) => ({ code: t.code, name: t.name, why: t.note || 'A target seat' })),
    };
  } else {
    const ranking = await rankSeatsFor(ctx, await getFieldPlan(ctx));
    const inPlay = [...ranking.win, ...ranking.defend].filter((s) => s.swing < MARGINAL_SWING);
    value = {
      basis: 'marginal',
      seats: inPlay.map((s) => ({
        code: s.code,
        name: s.name,
        why: `${s.held ? 'Held' : 'Lost'} by ${s.majority.toLocaleString('en-GB')} votes in ${ranking.election}`,
      })),
    };
  }
  cache.set(String(generation), value);
  return value;
}

/** Postcode → the volunteer's own seat and the nearest target (or marginal) seats with their next sessions. */
export async function nearestMarginal(
  ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'>,
  postcode: string,
  limit = NEAREST_LIMIT,
): Promise<NearestAnswer> {
  const directory = await getConstituencyDirectory(ctx.db);
  const lookup = directory.lookupPostcode(postcode);
  if (lookup.status === 'invalid') return { status: 'invalid', message: lookup.message };
  if (lookup.status === 'unknown')
    return { status: 'unknown', message: lookup.message, postcode: lookup.postcode };
  const from = outcodeCentroid(lookup.outcode);
  const own = lookup.candidates[0];
  if (!from || !own)
    return {
      status: 'unknown',
      postcode: lookup.postcode,
      message: `We do not know where the postcode district ${lookup.outcode} is.`,
    };
  const { basis, seats } = await marginalSeats(ctx);
  const nearest = seats
    .map((s) => {
      const to = seatCentroid(s.code);
      return { ...s, distanceKm: to ? Math.round(distanceKm(from, to) * 10) / 10 : Infinity };
    })
    .filter((s) => Number.isFinite(s.distanceKm))
    .sort((a, b) => a.distanceKm - b.distanceKm || a.name.localeCompare(b.name, 'en-GB'))
    .slice(0, limit);
  const key = nearest.map((s) => s.code).join(',');
  const sessionsCache = cachesFor(ctx.db).sessions;
  let sessions = sessionsCache.get(key);
  if (!sessions) {
    sessions = await upcomingSessionsBySeat(
      ctx,
      nearest.map((s) => s.code),
      SESSIONS_PER_SEAT,
    );
    sessionsCache.set(key, sessions);
  }
  const found = sessions;
  return {
    status: 'found',
    postcode: lookup.postcode,
    ownSeat: { code: own.code, name: own.name, isTarget: seats.some((s) => s.code === own.code) },
    basis,
    nearest: nearest.map((s) => ({ ...s, sessions: found.get(s.code) ?? [] })),
  };
}
