import { type ServiceContext, queries } from '../../infra/service-context.js';

/** A sign-up credited to a volunteer: through their share link or the invitation they emailed. */
export interface FriendCredit {
  rsvpId: number;
  name: string;
  /** pending (not confirmed by email yet), confirmed, waiting or cancelled */
  status: string;
  attended: boolean;
}

export interface InviterLine {
  rsvpId: number;
  name: string;
  invitationsSent: number;
  friends: FriendCredit[];
}

export interface FriendReport {
  /** Everyone who invited someone or brought someone, most friends signed up first. */
  inviters: InviterLine[];
  invitationsSent: number;
  /** Credited sign-ups holding a place or on the waiting list. */
  signUps: number;
  attended: number;
}

const holdsPlace = (status: string) => status === 'confirmed' || status === 'waiting';

/** "Bring a friend" for one event: who invited whom, and the sign-ups credited to each inviter. */
export async function bringAFriendReport(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  eventId: number,
): Promise<FriendReport> {
  const [rsvps, invitations] = await Promise.all([
    queries(ctx)
      .selectFrom('event_rsvps')
      .select(['id', 'name', 'status', 'referred_by', 'checked_in_at'])
      .where('event_id', '=', eventId)
      .orderBy('id')
      .execute(),
    queries(ctx)
      .selectFrom('event_invitations')
      .select(['inviter_rsvp_id', (eb) => eb.fn.countAll<number>().as('sent')])
      .where('event_id', '=', eventId)
      .groupBy('inviter_rsvp_id')
      .execute(),
  ]);
  const sent = new Map(invitations.map((i) => [i.inviter_rsvp_id, Number(i.sent)]));
  const byId = new Map(rsvps.map((r) => [r.id, r]));
  const lines = new Map<number, InviterLine>();
  const line = (id: number) => {
    let l = lines.get(id);
    if (!l) {
      l = { rsvpId: id, name: byId.get(id)?.name ?? 'Someone', invitationsSent: 0, friends: [] };
      lines.set(id, l);
    }
    return l;
  };
  for (const [id, n] of sent) line(id).invitationsSent = n;
  for (const r of rsvps)
    if (r.referred_by !== null)
      line(r.referred_by).friends.push({
        rsvpId: r.id,
        name: r.name,
        status: r.status,
        attended: r.checked_in_at !== null,
      });
  const inviters = [...lines.values()].sort(
    (a, b) =>
      b.friends.filter((f) => holdsPlace(f.status)).length -
        a.friends.filter((f) => holdsPlace(f.status)).length ||
      b.invitationsSent - a.invitationsSent ||
      a.rsvpId - b.rsvpId,
  );
  const credited = inviters.flatMap((l) => l.friends);
  return {
    inviters,
    invitationsSent: [...sent.values()].reduce((a, b) => a + b, 0),
    signUps: credited.filter((f) => holdsPlace(f.status)).length,
    attended: credited.filter((f) => f.attended).length,
  };
}

export interface FriendSummaryRow {
  eventId: number;
  title: string;
  startsAt: string;
  invitationsSent: number;
  /** People who invited or brought anyone. */
  inviters: number;
  /** Credited sign-ups holding a place or on the waiting list. */
  signUps: number;
  attended: number;
  /** Everyone holding a place or waiting, credited or not. */
  allSignUps: number;
}

/** Per event from `from` on: invitations sent and sign-ups credited to a friend, for organisers. */
export async function bringAFriendSummary(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  from: string,
): Promise<FriendSummaryRow[]> {
  const [events, invitations, rsvps] = await Promise.all([
    queries(ctx)
      .selectFrom('events')
      .select(['id', 'title', 'starts_at'])
      .where('starts_at', '>=', from)
      .orderBy('starts_at')
      .orderBy('id')
      .execute(),
    queries(ctx)
      .selectFrom('event_invitations')
      .innerJoin('events', 'events.id', 'event_invitations.event_id')
      .select([
        'event_invitations.event_id',
        'event_invitations.inviter_rsvp_id',
        (eb) => eb.fn.countAll<number>().as('sent'),
      ])
      .where('events.starts_at', '>=', from)
      .groupBy(['event_invitations.event_id', 'event_invitations.inviter_rsvp_id'])
      .execute(),
    queries(ctx)
      .selectFrom('event_rsvps')
      .innerJoin('events', 'events.id', 'event_rsvps.event_id')
      .select([
        'event_rsvps.event_id',
        'event_rsvps.referred_by',
        'event_rsvps.status',
        'event_rsvps.checked_in_at',
      ])
      .where('events.starts_at', '>=', from)
      .where('event_rsvps.status', 'in', ['confirmed', 'waiting'])
      .execute(),
  ]);
  const rows = new Map<number, FriendSummaryRow & { who: Set<number> }>(
    events.map((e) => [
      e.id,
      {
        eventId: e.id,
        title: e.title,
        startsAt: e.starts_at,
        invitationsSent: 0,
        inviters: 0,
        signUps: 0,
        attended: 0,
        allSignUps: 0,
        who: new Set<number>(),
      },
    ]),
  );
  for (const i of invitations) {
    const row = rows.get(i.event_id);
    if (!row) continue;
    row.invitationsSent += Number(i.sent);
    row.who.add(i.inviter_rsvp_id);
  }
  for (const r of rsvps) {
    const row = rows.get(r.event_id);
    if (!row) continue;
    row.allSignUps += 1;
    if (r.referred_by === null) continue;
    row.signUps += 1;
    row.who.add(r.referred_by);
    if (r.checked_in_at !== null) row.attended += 1;
  }
  return [...rows.values()]
    .filter((r) => r.who.size > 0)
    .map(({ who, ...r }) => ({ ...r, inviters: who.size }));
}
