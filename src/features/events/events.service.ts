import type { OutcomeApplier } from '../cases/cases.service.js';
import { isoToLondonInput } from '../../infra/clock/london-time.js';
import { nowIso } from '../../infra/db/database.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { slugify } from '../../infra/validation/text-rules.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { getStaff, staffNamesByIds } from '../staff/staff.service.js';
import { eventCancelledMail } from './events.mail.js';
import * as repo from './events.repository.js';
import {
  type EventForm,
  type EventType,
  type EventValues,
  EVENT_TYPES,
  checkEventForm,
  weeklyStarts,
} from './events.rules.js';

export { EVENT_TYPES, EVENT_TYPE_LABELS } from './events.rules.js';
export type { EventForm, EventType };
export type EventRow = repo.EventRow;

const SLUG_MAX = 80;
/** How many events a listing returns at most (public page, feeds, open data). */
export const LISTING_LIMIT = 200;

export type SaveResult =
  { ok: true; ids: number[]; slugs: string[] } | { ok: false; errors: Record<string, string> };

/** What anyone may know of an event: no attendee, no host's staff id. */
export interface EventSummary {
  id: number;
  slug: string;
  type: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  venue: string | null;
  postcode: string | null;
  onlineUrl: string | null;
  seatCode: string | null;
  seatName: string | null;
  capacity: number | null;
  waitingList: boolean;
  confirmed: number;
  waiting: number;
  /** null: no limit. */
  spacesLeft: number | null;
  hostName: string | null;
  visibility: string;
  status: string;
  seriesId: number | null;
}

async function summaries(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  rows: repo.EventRow[],
): Promise<EventSummary[]> {
  const [counts, directory, hosts] = await Promise.all([
    repo.placeCounts(
      queries(ctx),
      rows.map((r) => r.id),
    ),
    getConstituencyDirectory(ctx.db),
    staffNamesByIds(
      ctx,
      rows.flatMap((r) => (r.host_staff_id === null ? [] : [r.host_staff_id])),
    ),
  ]);
  return rows.map((r) => {
    const c = counts.get(r.id) ?? { confirmed: 0, waiting: 0 };
    return {
      id: r.id,
      slug: r.slug,
      type: r.type,
      title: r.title,
      description: r.description,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      venue: r.venue,
      postcode: r.postcode,
      onlineUrl: r.online_url,
      seatCode: r.seat_code,
      seatName: r.seat_code ? (directory.get(r.seat_code)?.name ?? null) : null,
      capacity: r.capacity,
      waitingList: r.waiting_list === 1,
      confirmed: c.confirmed,
      waiting: c.waiting,
      spacesLeft: r.capacity === null ? null : Math.max(0, r.capacity - c.confirmed),
      hostName:
        r.host_name ?? (r.host_staff_id === null ? null : (hosts.get(r.host_staff_id) ?? null)),
      visibility: r.visibility,
      status: r.status,
      seriesId: r.series_id,
    };
  });
}

async function uniqueSlug(ctx: ServiceContext, title: string, startsAt: string): Promise<string> {
  const base = `${slugify(title, SLUG_MAX - 14) || 'event'}-${isoToLondonInput(startsAt).slice(0, 10)}`;
  let slug = base;
  for (let n = 2; await repo.slugTaken(queries(ctx), slug); n++) slug = `${base}-${n}`;
  return slug;
}

/** The seat an event serves: the constituency most of its postcode district lies in. */
async function seatOf(
  ctx: Pick<ServiceContext, 'db'>,
  v: EventValues,
): Promise<{ seat: string | null } | { error: string }> {
  if (!v.postcode) return { seat: null };
  const lookup = (await getConstituencyDirectory(ctx.db)).lookupPostcode(v.postcode);
  if (lookup.status !== 'found') return { error: lookup.message };
  return { seat: lookup.candidates[0]?.code ?? null };
}

async function checked(ctx: ServiceContext, form: EventForm) {
  const c = checkEventForm(form);
  if (!c.ok) return c;
  const seat = await seatOf(ctx, c.values);
  if ('error' in seat) return { ok: false as const, errors: { postcode: seat.error } };
  if (c.values.hostStaffId !== null && !(await getStaff(ctx, c.values.hostStaffId)))
    return { ok: false as const, errors: { hostStaffId: 'There is no staff user with that id.' } };
  return { ok: true as const, values: c.values, seat: seat.seat };
}

function eventRow(v: EventValues, seat: string | null, now: string) {
  return {
    type: v.type,
    title: v.title,
    description: v.description,
    starts_at: v.startsAt,
    ends_at: v.endsAt,
    venue: v.venue,
    postcode: v.postcode,
    online_url: v.onlineUrl,
    seat_code: seat,
    capacity: v.capacity,
    waiting_list: v.waitingList ? 1 : 0,
    host_staff_id: v.hostStaffId,
    host_name: v.hostName,
    visibility: v.visibility,
    updated_at: now,
  };
}

/** Creates one event, or a weekly series of separate occurrences (each editable on its own). */
export async function createEvent(
  ctx: ServiceContext,
  form: EventForm,
  actor: Actor,
): Promise<SaveResult> {
  const c = await checked(ctx, form);
  if (!c.ok) return c;
  const v = c.values;
  const duration = Date.parse(v.endsAt) - Date.parse(v.startsAt);
  const starts = v.repeatUntil
    ? weeklyStarts(v.startsAt, v.repeatUntil, isoToLondonInput)
    : [v.startsAt];
  if (typeof starts === 'string') return { ok: false, errors: { repeatUntil: starts } };
  return inTransaction(ctx, async (tx) => {
    const now = nowIso();
    let seriesId: number | null = null;
    if (v.repeatUntil) {
      const s = await tx.trx
        .insertInto('event_series')
        .values({ title: v.title, rule: `Every week until ${v.repeatUntil}`, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      seriesId = s.id;
    }
    const ids: number[] = [];
    const slugs: string[] = [];
    for (const start of starts) {
      const end = new Date(Date.parse(start) + duration).toISOString();
      const slug = await uniqueSlug(tx, v.title, start);
      const id = await repo.insertEvent(tx.trx, {
        ...eventRow({ ...v, startsAt: start, endsAt: end }, c.seat, now),
        slug,
        series_id: seriesId,
        status: 'scheduled',
        created_at: now,
      });
      ids.push(id);
      slugs.push(slug);
    }
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'events.create',
        subjectType: 'event',
        subjectId: ids[0],
        details: { occurrences: ids.length },
      },
      tx.trx,
    );
    return { ok: true as const, ids, slugs };
  });
}

export class EventNotFound extends Error {}

/** Edits one occurrence (a series' other sessions are left as they are). */
export async function updateEvent(
  ctx: ServiceContext,
  id: number,
  form: EventForm,
  actor: Actor,
): Promise<SaveResult> {
  const existing = await repo.findEvent(queries(ctx), id);
  if (!existing) throw new EventNotFound();
  const c = await checked(ctx, { ...form, repeat: '', repeatUntil: '' });
  if (!c.ok) return c;
  await inTransaction(ctx, async (tx) => {
    await tx.trx
      .updateTable('events')
      .set(eventRow(c.values, c.seat, nowIso()))
      .where('id', '=', id)
      .execute();
    await ctx.audit.record(
      { actorUserId: actorId(actor), action: 'events.update', subjectType: 'event', subjectId: id },
      tx.trx,
    );
  });
  return { ok: true, ids: [id], slugs: [existing.slug] };
}

/** Cancels one occurrence and emails everyone who holds or awaits a place. */
export async function cancelEvent(
  ctx: ServiceContext & { config: { baseUrl: string } },
  id: number,
  actor: Actor,
): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    const event = await repo.findEvent(tx.trx, id);
    if (!event) throw new EventNotFound();
    if (event.status === 'cancelled') return 0;
    await tx.trx
      .updateTable('events')
      .set({ status: 'cancelled', updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
    const rsvps = (await repo.rsvpsOfEvent(tx.trx, id)).filter(
      (r) => r.status === 'confirmed' || r.status === 'waiting',
    );
    for (const r of rsvps)
      await ctx.mailer.send(eventCancelledMail(event, r, ctx.config.baseUrl), tx.trx);
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'events.cancel',
        subjectType: 'event',
        subjectId: id,
        details: { emailed: rsvps.length },
      },
      tx.trx,
    );
    return rsvps.length;
  });
}

export async function getEvent(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  id: number,
): Promise<EventSummary | undefined> {
  const row = await repo.findEvent(queries(ctx), id);
  return row ? (await summaries(ctx, [row]))[0] : undefined;
}

export async function getEventBySlug(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  slug: string,
): Promise<EventSummary | undefined> {
  const row = await repo.findEventBySlug(queries(ctx), slug);
  return row ? (await summaries(ctx, [row]))[0] : undefined;
}

export interface ListingQuery {
  type?: string | undefined;
  seatCodes?: readonly string[] | undefined;
  /** The occurrences of one recurring series. */
  seriesId?: number | undefined;
  /** UTC instants; `from` defaults to now. */
  from?: string | undefined;
  to?: string | undefined;
  /** Organisers also see unlisted and cancelled events. */
  everything?: boolean;
  limit?: number;
}

/** Event listings for the public page, the feeds, open data and other features (OSDI). */
export async function listEventSummaries(
  ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'>,
  q: ListingQuery = {},
): Promise<EventSummary[]> {
  const rows = await repo.listEvents(queries(ctx), {
    from: q.from ?? ctx.clock.now().toISOString(),
    to: q.to,
    type: q.type && (EVENT_TYPES as readonly string[]).includes(q.type) ? q.type : undefined,
    seatCodes: q.seatCodes,
    seriesId: q.seriesId,
    publicOnly: !q.everything,
    includeCancelled: q.everything === true,
    limit: Math.min(q.limit ?? LISTING_LIMIT, LISTING_LIMIT),
  });
  return summaries(ctx, rows);
}

/** The next public sessions in each of these seats (nearest marginal), soonest first. */
export async function upcomingSessionsBySeat(
  ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'>,
  seatCodes: readonly string[],
  perSeat: number,
): Promise<Map<string, EventSummary[]>> {
  const all = await listEventSummaries(ctx, { seatCodes, limit: LISTING_LIMIT });
  const bySeat = new Map<string, EventSummary[]>();
  for (const e of all) {
    if (!e.seatCode) continue;
    const list = bySeat.get(e.seatCode) ?? [];
    if (list.length < perSeat) list.push(e);
    bySeat.set(e.seatCode, list);
  }
  return bySeat;
}

/** For the person page, export and the OSDI API: every RSVP and attendance of a person. */
export async function attendancesOfPerson(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  person: { id: number; email: string },
) {
  const rows = await repo.rsvpsOfPerson(queries(ctx), person.id, person.email.toLowerCase());
  return rows.map((r) => ({
    rsvpId: r.id,
    eventId: r.event_id,
    eventSlug: r.slug,
    eventTitle: r.title,
    eventType: r.type,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    seatCode: r.seat_code,
    status: r.status,
    walkIn: r.walk_in === 1,
    attended: r.checked_in_at !== null,
    checkedInAt: r.checked_in_at,
    createdAt: r.created_at,
  }));
}

/**
 * Complaints: stop someone hosting. Events they host by name (matched case-insensitively) lose
 * that host, and upcoming ones are audited; returns how many events changed.
 */
export async function removeFromHosting(
  ctx: ServiceContext,
  host: { staffUserId?: number; name?: string },
  actor: Actor,
): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    let changed = 0;
    if (host.staffUserId !== undefined) {
      const r = await tx.trx
        .updateTable('events')
        .set({ host_staff_id: null, updated_at: nowIso() })
        .where('host_staff_id', '=', host.staffUserId)
        .executeTakeFirst();
      changed += Number(r.numUpdatedRows);
    }
    const name = host.name?.trim();
    if (name) {
      const rows = await tx.trx
        .selectFrom('events')
        .select(['id', 'host_name'])
        .where('host_name', 'is not', null)
        .execute();
      const ids = rows
        .filter((r) => r.host_name?.toLowerCase() === name.toLowerCase())
        .map((r) => r.id);
      if (ids.length > 0) {
        await tx.trx
          .updateTable('events')
          .set({ host_name: null, updated_at: nowIso() })
          .where('id', 'in', ids)
          .execute();
        changed += ids.length;
      }
    }
    await ctx.audit.record(
      { actorUserId: actorId(actor), action: 'events.host.remove', details: { changed } },
      tx.trx,
    );
    return changed;
  });
}

/** The conduct-case outcome "removal from event hosting": off every event the respondent hosts. */
export const removeHostApplier: OutcomeApplier = async (ctx, target, actor) => {
  const changed = await removeFromHosting(ctx, { name: target.respondentName }, actor);
  return changed === 0
    ? `${target.respondentName} hosted no events.`
    : `${target.respondentName} was removed as host of ${changed} event${changed === 1 ? '' : 's'}.`;
};

/** Complaints: what a complaint opened from a check-in needs to know about it. */
export async function checkInRecord(ctx: Pick<ServiceContext, 'db' | 'trx'>, rsvpId: number) {
  const r = await repo.findRsvp(queries(ctx), rsvpId);
  if (!r) return undefined;
  const event = await repo.findEvent(queries(ctx), r.event_id);
  if (!event) return undefined;
  return {
    rsvpId: r.id,
    personId: r.person_id,
    name: r.name,
    email: r.email,
    checkedInAt: r.checked_in_at,
    event: {
      id: event.id,
      slug: event.slug,
      title: event.title,
      startsAt: event.starts_at,
      seatCode: event.seat_code,
    },
  };
}

/** What another feature needs to link to an event (a mailing's `{{event_url}}`). */
export interface EventLink {
  id: number;
  slug: string;
  title: string;
  status: string;
  starts_at: string;
}

/** Events still to come, soonest first (a mailing invites people to one). */
export function listEventLinks(
  ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'>,
): Promise<EventLink[]> {
  return queries(ctx)
    .selectFrom('events')
    .select(['id', 'slug', 'title', 'status', 'starts_at'])
    .where('ends_at', '>=', ctx.clock.now().toISOString())
    .orderBy('starts_at')
    .limit(LISTING_LIMIT)
    .execute();
}

export function getEventLink(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  id: number,
): Promise<EventLink | undefined> {
  return queries(ctx)
    .selectFrom('events')
    .select(['id', 'slug', 'title', 'status', 'starts_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}
