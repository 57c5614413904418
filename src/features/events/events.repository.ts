import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type { EventTables } from './events.tables.js';

export type EventRow = Selectable<EventTables['events']>;
export type RsvpRow = Selectable<EventTables['event_rsvps']>;
type Q = Kysely<Database>;

/** RSVP statuses that hold (or wait for) a place. */
export const ACTIVE_STATUSES = ['pending', 'confirmed', 'waiting'] as const;

export async function insertEvent(q: Q, row: Insertable<EventTables['events']>): Promise<number> {
  const r = await q.insertInto('events').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function slugTaken(q: Q, slug: string): Promise<boolean> {
  return (
    (await q.selectFrom('events').select('id').where('slug', '=', slug).executeTakeFirst()) !==
    undefined
  );
}

export function findEvent(q: Q, id: number): Promise<EventRow | undefined> {
  return q.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findEventBySlug(q: Q, slug: string): Promise<EventRow | undefined> {
  return q.selectFrom('events').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export interface EventFilter {
  from: string;
  to?: string | undefined;
  type?: string | undefined;
  seatCodes?: readonly string[] | undefined;
  seriesId?: number | undefined;
  publicOnly: boolean;
  includeCancelled?: boolean;
  limit: number;
}

export function listEvents(q: Q, f: EventFilter): Promise<EventRow[]> {
  let query = q.selectFrom('events').selectAll().where('ends_at', '>=', f.from);
  if (f.to) query = query.where('starts_at', '<', f.to);
  if (f.type) query = query.where('type', '=', f.type);
  if (f.seatCodes) {
    if (f.seatCodes.length === 0) return Promise.resolve([]);
    query = query.where('seat_code', 'in', f.seatCodes);
  }
  if (f.seriesId !== undefined) query = query.where('series_id', '=', f.seriesId);
  if (f.publicOnly) query = query.where('visibility', '=', 'public');
  if (!f.includeCancelled) query = query.where('status', '=', 'scheduled');
  return query.orderBy('starts_at').orderBy('id').limit(f.limit).execute();
}

/** Confirmed and waiting RSVPs per event. */
export async function placeCounts(
  q: Q,
  eventIds: readonly number[],
): Promise<Map<number, { confirmed: number; waiting: number }>> {
  const counts = new Map<number, { confirmed: number; waiting: number }>();
  if (eventIds.length === 0) return counts;
  const rows = await q
    .selectFrom('event_rsvps')
    .select(['event_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('event_id', 'in', eventIds)
    .where('status', 'in', ['confirmed', 'waiting'])
    .groupBy(['event_id', 'status'])
    .execute();
  for (const r of rows) {
    const c = counts.get(r.event_id) ?? { confirmed: 0, waiting: 0 };
    if (r.status === 'confirmed') c.confirmed = Number(r.n);
    else c.waiting = Number(r.n);
    counts.set(r.event_id, c);
  }
  return counts;
}

export function rsvpsOfEvent(q: Q, eventId: number): Promise<RsvpRow[]> {
  return q
    .selectFrom('event_rsvps')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findRsvpByEmail(
  q: Q,
  eventId: number,
  emailKey: string,
): Promise<RsvpRow | undefined> {
  return q
    .selectFrom('event_rsvps')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('email_key', '=', emailKey)
    .executeTakeFirst();
}

export function findRsvpByToken(
  q: Q,
  column: 'confirm_token_hash' | 'manage_token_hash',
  hash: string,
): Promise<RsvpRow | undefined> {
  return q.selectFrom('event_rsvps').selectAll().where(column, '=', hash).executeTakeFirst();
}

export function findRsvp(q: Q, id: number): Promise<RsvpRow | undefined> {
  return q.selectFrom('event_rsvps').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findRsvpByShareCode(q: Q, code: string): Promise<RsvpRow | undefined> {
  return q.selectFrom('event_rsvps').selectAll().where('share_code', '=', code).executeTakeFirst();
}

/** The longest-waiting person on the list, locked against a second promotion. */
export function firstWaiting(q: Q, eventId: number): Promise<RsvpRow | undefined> {
  return q
    .selectFrom('event_rsvps')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('status', '=', 'waiting')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

export async function countConfirmed(q: Q, eventId: number): Promise<number> {
  const r = await q
    .selectFrom('event_rsvps')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event_id', '=', eventId)
    .where('status', '=', 'confirmed')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function rsvpsOfPerson(q: Q, personId: number, emailKey: string) {
  return q
    .selectFrom('event_rsvps')
    .innerJoin('events', 'events.id', 'event_rsvps.event_id')
    .select([
      'event_rsvps.id',
      'event_rsvps.status',
      'event_rsvps.name',
      'event_rsvps.email',
      'event_rsvps.postcode',
      'event_rsvps.phone',
      'event_rsvps.walk_in',
      'event_rsvps.checked_in_at',
      'event_rsvps.created_at',
      'event_rsvps.confirmed_at',
      'event_rsvps.cancelled_at',
      'events.id as event_id',
      'events.slug',
      'events.title',
      'events.type',
      'events.starts_at',
      'events.ends_at',
      'events.seat_code',
    ])
    .where((eb) =>
      eb.or([
        eb('event_rsvps.person_id', '=', personId),
        eb('event_rsvps.email_key', '=', emailKey),
      ]),
    )
    .orderBy('events.starts_at')
    .execute();
}
