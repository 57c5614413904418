import { type ServiceContext, inTransaction, queries } from '../../infra/service-context.js';
import { normalisePostcode } from '../../infra/validation/postcode.js';
import { tooLong } from '../../infra/validation/text-rules.js';
import { findRsvpByManageToken } from './rsvp.service.js';

export const LIFT_KINDS = ['offer', 'request'] as const;
export type LiftKind = (typeof LIFT_KINDS)[number];
export const LIFT_SEATS_MAX = 8;
export const LIFT_NOTE_MAX = 200;

export class LiftError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 422,
  ) {
    super(message);
  }
}

/** What the other side sees before both agree: no name, no email, no phone, a district only. */
export interface LiftCandidate {
  liftId: number;
  kind: LiftKind;
  seats: number;
  fromOutcode: string | null;
  note: string;
}

export interface LiftMatchView {
  matchId: number;
  myLiftId: number;
  other: LiftCandidate;
  iConfirmed: boolean;
  theyConfirmed: boolean;
  /** Only when both have confirmed. */
  contact: { name: string; email: string; phone: string | null } | null;
}

export interface LiftBoard {
  mine: LiftCandidate[];
  /** Open lifts of the other kind for the same session (and so the same seat). */
  candidates: LiftCandidate[];
  matches: LiftMatchView[];
}

async function holder(ctx: Pick<ServiceContext, 'db' | 'trx'>, token: string) {
  const found = await findRsvpByManageToken(ctx, token);
  if (!found || found.rsvp.status !== 'confirmed')
    throw new LiftError('Only people with a confirmed place can share lifts.', 404);
  return found;
}

const other = (kind: string): LiftKind => (kind === 'offer' ? 'request' : 'offer');

/** Offers a lift or asks for one for this session. */
export async function postLift(
  ctx: ServiceContext,
  token: string,
  input: { kind: string; seats: string; note: string },
): Promise<number> {
  const { rsvp, event } = await holder(ctx, token);
  const kind = LIFT_KINDS.find((k) => k === input.kind);
  if (!kind) throw new LiftError('Choose to offer a lift or ask for one.', 422);
  const seats = Number(input.seats);
  if (!/^\d+$/.test(input.seats.trim()) || seats < 1 || seats > LIFT_SEATS_MAX)
    throw new LiftError(`Seats are a whole number from 1 to ${LIFT_SEATS_MAX}.`, 422);
  const note = input.note.trim();
  const long = tooLong('The note', note, LIFT_NOTE_MAX);
  if (long) throw new LiftError(long, 422);
  if (event.status !== 'scheduled' || Date.parse(event.starts_at) <= ctx.clock.now().getTime())
    throw new LiftError('This event is not open for lifts any more.', 409);
  const outcode = rsvp.postcode ? (normalisePostcode(rsvp.postcode)?.outcode ?? null) : null;
  return inTransaction(ctx, async (tx) => {
    const existing = await tx.trx
      .selectFrom('event_lifts')
      .select('id')
      .where('rsvp_id', '=', rsvp.id)
      .where('kind', '=', kind)
      .executeTakeFirst();
    if (existing) {
      await tx.trx
        .updateTable('event_lifts')
        .set({ seats, note, status: 'open' })
        .where('id', '=', existing.id)
        .execute();
      return existing.id;
    }
    const row = await tx.trx
      .insertInto('event_lifts')
      .values({
        event_id: event.id,
        rsvp_id: rsvp.id,
        kind,
        seats,
        from_outcode: outcode,
        note,
        status: 'open',
        created_at: ctx.clock.now().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

/** Everything the person may see about lifts for their session. */
export async function liftBoard(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  token: string,
): Promise<LiftBoard> {
  const { rsvp, event } = await holder(ctx, token);
  const q = queries(ctx);
  const lifts = await q
    .selectFrom('event_lifts')
    .selectAll()
    .where('event_id', '=', event.id)
    .where('status', '=', 'open')
    .orderBy('id')
    .execute();
  const view = (l: (typeof lifts)[number]): LiftCandidate => ({
    liftId: l.id,
    kind: l.kind === 'offer' ? 'offer' : 'request',
    seats: l.seats,
    fromOutcode: l.from_outcode,
    note: l.note,
  });
  const mine = lifts.filter((l) => l.rsvp_id === rsvp.id);
  const myKinds = new Set(mine.map((l) => l.kind));
  const candidates = lifts.filter(
    (l) => l.rsvp_id !== rsvp.id && [...myKinds].some((k) => l.kind === other(k)),
  );
  const myIds = mine.map((l) => l.id);
  const rows = myIds.length
    ? await q
        .selectFrom('event_lift_matches')
        .selectAll()
        .where((eb) => eb.or([eb('offer_id', 'in', myIds), eb('request_id', 'in', myIds)]))
        .orderBy('id')
        .execute()
    : [];
  const byId = new Map(lifts.map((l) => [l.id, l]));
  const matches: LiftMatchView[] = [];
  for (const m of rows) {
    const iOffer = myIds.includes(m.offer_id);
    const theirs = byId.get(iOffer ? m.request_id : m.offer_id);
    if (!theirs) continue;
    const iConfirmed = (iOffer ? m.offer_confirmed : m.request_confirmed) === 1;
    const theyConfirmed = (iOffer ? m.request_confirmed : m.offer_confirmed) === 1;
    let contact: LiftMatchView['contact'] = null;
    if (iConfirmed && theyConfirmed) {
      const r = await q
        .selectFrom('event_rsvps')
        .select(['name', 'email', 'phone'])
        .where('id', '=', theirs.rsvp_id)
        .executeTakeFirst();
      if (r) contact = { name: r.name, email: r.email, phone: r.phone };
    }
    matches.push({
      matchId: m.id,
      myLiftId: iOffer ? m.offer_id : m.request_id,
      other: view(theirs),
      iConfirmed,
      theyConfirmed,
      contact,
    });
  }
  const matched = new Set(matches.map((m) => m.other.liftId));
  return {
    mine: mine.map(view),
    candidates: candidates.filter((c) => !matched.has(c.id)).map(view),
    matches,
  };
}

/** Proposes (or, if the other side proposed, confirms) sharing with another person's lift. */
export async function agreeToLift(
  ctx: ServiceContext & { config: { baseUrl: string } },
  token: string,
  otherLiftId: number,
): Promise<{ bothConfirmed: boolean }> {
  const { rsvp, event } = await holder(ctx, token);
  return inTransaction(ctx, async (tx) => {
    const theirs = await tx.trx
      .selectFrom('event_lifts')
      .selectAll()
      .where('id', '=', otherLiftId)
      .executeTakeFirst();
    if (
      !theirs ||
      theirs.event_id !== event.id ||
      theirs.status !== 'open' ||
      theirs.rsvp_id === rsvp.id
    )
      throw new LiftError('That lift is not available.', 404);
    const mine = await tx.trx
      .selectFrom('event_lifts')
      .selectAll()
      .where('rsvp_id', '=', rsvp.id)
      .where('kind', '=', other(theirs.kind))
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (!mine)
      throw new LiftError(
        `First ${theirs.kind === 'offer' ? 'ask for' : 'offer'} a lift yourself.`,
        409,
      );
    const iOffer = mine.kind === 'offer';
    const pair = {
      offer_id: iOffer ? mine.id : theirs.id,
      request_id: iOffer ? theirs.id : mine.id,
    };
    const existing = await tx.trx
      .selectFrom('event_lift_matches')
      .selectAll()
      .where('offer_id', '=', pair.offer_id)
      .where('request_id', '=', pair.request_id)
      .executeTakeFirst();
    const mineSide = iOffer ? 'offer_confirmed' : 'request_confirmed';
    if (existing) {
      await tx.trx
        .updateTable('event_lift_matches')
        .set({ [mineSide]: 1 })
        .where('id', '=', existing.id)
        .execute();
      const theyConfirmed = (iOffer ? existing.request_confirmed : existing.offer_confirmed) === 1;
      const iHadConfirmed = existing[mineSide] === 1;
      if (theyConfirmed && !iHadConfirmed) {
        // Agreed by both just now: each learns the other's contact details, and only now.
        const them = await tx.trx
          .selectFrom('event_rsvps')
          .select(['name', 'email', 'phone'])
          .where('id', '=', theirs.rsvp_id)
          .executeTakeFirst();
        if (them) {
          const me = { name: rsvp.name, email: rsvp.email, phone: rsvp.phone };
          const driver = iOffer ? me : them;
          const passenger = iOffer ? them : me;
          const offer = iOffer ? mine : theirs;
          for (const [to, partner, drives] of [
            [driver, passenger, true],
            [passenger, driver, false],
          ] as const)
            if (to.email)
              await ctx.mailer.send(
                liftAgreedMail(event, { to, partner, drives, offer }, ctx.config.baseUrl),
                tx.trx,
              );
        }
      }
      return { bothConfirmed: theyConfirmed };
    }
    await tx.trx
      .insertInto('event_lift_matches')
      .values({
        ...pair,
        offer_confirmed: iOffer ? 1 : 0,
        request_confirmed: iOffer ? 0 : 1,
        created_at: ctx.clock.now().toISOString(),
      })
      .execute();
    const them = await tx.trx
      .selectFrom('event_rsvps')
      .select(['email', 'name'])
      .where('id', '=', theirs.rsvp_id)
      .executeTakeFirst();
    if (them?.email)
      await ctx.mailer.send(
        {
          to: them.email,
          subject: `Car share for ${event.title}`,
          category: 'events.lift',
          text: `Hello ${them.name},\n\nSomeone going to ${event.title} would like to share a lift with you (${iOffer ? 'they can drive' : 'they need a lift'}). Open the "Manage or cancel" link in your confirmation email to say yes. Neither of you sees the other's name or contact details until you both have.`,
        },
        tx.trx,
      );
    return { bothConfirmed: false };
  });
}

interface LiftPerson {
  name: string;
  email: string;
  phone: string | null;
}

/** Sent to each side once both have agreed: the other's name, email and phone, and no sooner. */
function liftAgreedMail(
  event: { title: string; slug: string; starts_at: string },
  o: {
    to: LiftPerson;
    partner: LiftPerson;
    drives: boolean;
    offer: { seats: number; from_outcode: string | null };
  },
  baseUrl: string,
) {
  const contact = [
    `${o.partner.name}`,
    `Email: ${o.partner.email}`,
    ...(o.partner.phone ? [`Phone: ${o.partner.phone}`] : []),
  ].join('\n');
  const role = o.drives
    ? `${o.partner.name} is coming in your car`
    : `${o.partner.name} will drive you${o.offer.from_outcode ? ` (from ${o.offer.from_outcode})` : ''}`;
  return {
    to: o.to.email,
    subject: `Lift agreed: ${event.title}`,
    category: 'events.lift-agreed',
    text: `Hello ${o.to.name},\n\nYou have both agreed to share a lift to ${event.title} (${baseUrl}/events/${event.slug}): ${role}.\n\nGet in touch to arrange where and when to meet:\n${contact}\n\nThey have your contact details too. If plans change, please tell them directly.`,
  };
}
