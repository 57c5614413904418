import { type ServiceContext, queries } from '../../infra/service-context.js';
import { checkEmail } from '../../infra/validation/email.js';
import * as repo from './events.repository.js';
import { submitRsvp } from './rsvp.service.js';

export type EventRow = repo.EventRow;
export type AttendanceRow = repo.RsvpRow;

/** Events and their sign-ups as a feed for machines (the OSDI API): every event, any status. */
export interface FeedPage {
  modifiedAfter?: string;
  modifiedBefore?: string;
  limit: number;
  offset: number;
}

export async function listEventsFeed(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  q: FeedPage,
): Promise<{ events: EventRow[]; total: number }> {
  const base = queries(ctx)
    .selectFrom('events')
    .$if(q.modifiedAfter !== undefined, (b) => b.where('updated_at', '>', q.modifiedAfter ?? ''))
    .$if(q.modifiedBefore !== undefined, (b) => b.where('updated_at', '<', q.modifiedBefore ?? ''));
  const [events, count] = await Promise.all([
    base.selectAll().orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { events, total: Number(count.n) };
}

export function getEventForFeed(ctx: Pick<ServiceContext, 'db' | 'trx'>, id: number) {
  return repo.findEvent(queries(ctx), id);
}

/** Places confirmed and waiting, per event (the OSDI `total_accepted`). */
export function placeCountsForFeed(ctx: Pick<ServiceContext, 'db' | 'trx'>, ids: number[]) {
  return repo.placeCounts(queries(ctx), ids);
}

/** When a sign-up last changed: made, confirmed, promoted, cancelled, checked in or erased. */
export function attendanceModifiedAt(r: AttendanceRow): string {
  return r.updated_at ?? r.created_at;
}

/** Sign-ups of one event, or of one person (by person id, or the email they signed up with). */
export async function listAttendancesFeed(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  q: FeedPage & { eventId?: number; person?: { id: number; email: string } },
): Promise<{ attendances: AttendanceRow[]; total: number }> {
  const base = queries(ctx)
    .selectFrom('event_rsvps')
    .$if(q.eventId !== undefined, (b) => b.where('event_id', '=', q.eventId ?? 0))
    .$if(q.person !== undefined, (b) =>
      b.where((eb) =>
        eb.or([
          eb('person_id', '=', q.person?.id ?? 0),
          eb('email_key', '=', (q.person?.email ?? '').toLowerCase()),
        ]),
      ),
    )
    .$if(q.modifiedAfter !== undefined, (b) =>
      b.where((eb) => eb(eb.fn.coalesce('updated_at', 'created_at'), '>', q.modifiedAfter ?? '')),
    )
    .$if(q.modifiedBefore !== undefined, (b) =>
      b.where((eb) => eb(eb.fn.coalesce('updated_at', 'created_at'), '<', q.modifiedBefore ?? '')),
    );
  const [attendances, count] = await Promise.all([
    base.selectAll().orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { attendances, total: Number(count.n) };
}

export async function getAttendanceForFeed(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  eventId: number,
  id: number,
): Promise<AttendanceRow | undefined> {
  const r = await repo.findRsvp(queries(ctx), id);
  return r && r.event_id === eventId ? r : undefined;
}

export interface ApiRsvpInput {
  eventId: number;
  name: string;
  email: string;
  postcode: string;
  phone: string;
  /** The consent wording the person was shown, when they ticked it; it counts once they confirm. */
  consentWording: string | null;
  /** Where the sign-up came from (e.g. "stall:pudsey"); null: `api:event:<slug>`. */
  source: string | null;
}

export type ApiRsvpResult =
  | { ok: true; outcome: 'created' | 'unchanged'; attendance: AttendanceRow }
  | { ok: false; status: 404 | 409 | 422; message: string };

/**
 * A sign-up sent by an API client, through the same path as the event's page: the same checks
 * (closed, full, one place per email), pending until the person confirms by email, when the
 * person, consent and timeline are recorded. Signing up again with the same email changes
 * nothing (a pending one gets its confirmation link again).
 */
export async function rsvpThroughApi(
  ctx: ServiceContext & { config: { baseUrl: string } },
  input: ApiRsvpInput,
): Promise<ApiRsvpResult> {
  const event = await getEventForFeed(ctx, input.eventId);
  if (!event) return { ok: false, status: 404, message: 'There is no event with that id.' };
  const email = checkEmail(input.email);
  const existing = email.ok
    ? await repo.findRsvpByEmail(queries(ctx), event.id, email.email)
    : undefined;
  const outcome = await submitRsvp(ctx, event.slug, {
    name: input.name,
    email: input.email,
    postcode: input.postcode,
    phone: input.phone,
    consent: input.consentWording !== null,
    consentWording: input.consentWording,
    ref: '',
    source: input.source ?? `api:event:${event.slug}`,
    via: 'api',
  });
  if (existing && existing.status !== 'cancelled') {
    const attendance = (await repo.findRsvp(queries(ctx), existing.id)) ?? existing;
    return { ok: true, outcome: 'unchanged', attendance };
  }
  if (!outcome.ok)
    return {
      ok: false,
      status: outcome.status,
      message: outcome.errors
        ? Object.entries(outcome.errors)
            .map(([field, message]) => `${field}: ${message}`)
            .join(' ')
        : outcome.message,
    };
  const attendance = await repo.findRsvp(queries(ctx), outcome.rsvpId);
  if (!attendance) return { ok: false, status: 404, message: 'The sign-up vanished.' };
  return { ok: true, outcome: 'created', attendance };
}
