import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { hashLinkToken, isLinkTokenShape, newLinkToken } from '../../infra/crypto/tokens.js';
import { emitDomainEvent } from '../../infra/events/domain-events.js';
import type { Database } from '../../infra/db/schema.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { checkEmail } from '../../infra/validation/email.js';
import { actionSourcesOf } from '../../infra/http/attribution.js';
import { normalisePostcode } from '../../infra/validation/postcode.js';
import { firstErrorSetter, requiredText, tooLong } from '../../infra/validation/text-rules.js';
import { recordActivity, recordConsent, upsertPerson } from '../people/people.service.js';
import { confirmRsvpMail, inviteMail, placeMail, reminderMail } from './events.mail.js';
import * as repo from './events.repository.js';

export const NAME_MAX = 100;
export const PHONE_MAX = 30;
export const REMIND_JOB = 'events.remind';
export const REMINDERS = [
  { which: '24h', beforeMs: 24 * 60 * 60 * 1000 },
  { which: '2h', beforeMs: 2 * 60 * 60 * 1000 },
] as const;
/** A reminder found early by less than this is sent (a worker's poll interval, clock skew). */
const REMINDER_SLACK_MS = 60_000;
export const CONSENT_WORDING =
  'Email me about other events and campaign news. I can unsubscribe at any time.';

type Ctx = ServiceContext & { config: { baseUrl: string } };
type Tx = Ctx & { trx: Transaction<Database> };

export interface RsvpInput {
  name: string;
  email: string;
  postcode: string;
  phone: string;
  consent: boolean;
  /** A "bring a friend" share code. */
  ref: string;
  /** Where the sign-up came from: the link's `?source=`/`ref:<domain>`, or an API client's. */
  source?: string | null;
  /** The event's page (default) or the API: the consent method recorded on confirmation. */
  via?: 'form' | 'api';
  /** The consent wording the person was shown, when not CONSENT_WORDING (an API client's). */
  consentWording?: string | null;
}

export type RsvpOutcome =
  | { ok: true; status: 'pending'; rsvpId: number }
  | { ok: false; status: 404 | 409 | 422; message: string; errors?: Record<string, string> };

function rsvpErrors(input: RsvpInput): {
  errors: Record<string, string>;
  email: string;
  postcode: string | null;
} {
  const errors: Record<string, string> = {};
  const set = firstErrorSetter(errors);
  set('name', requiredText(input.name.trim(), 'Give your name.', 'Your name', NAME_MAX));
  const email = checkEmail(input.email);
  if (!email.ok) set('email', 'Give an email address like name@example.org.');
  let postcode: string | null = null;
  if (!input.postcode.trim()) set('postcode', 'Give your postcode.');
  else {
    const p = normalisePostcode(input.postcode);
    if (!p) set('postcode', 'That does not look like a UK postcode (e.g. LS28 5AB).');
    else postcode = p.formatted;
  }
  set('phone', tooLong('The phone number', input.phone.trim(), PHONE_MAX));
  return { errors, email: email.ok ? email.email : '', postcode };
}

/** Why nobody can sign up to this event now, or undefined when they can. */
function closedReason(ctx: ServiceContext, e: repo.EventRow): string | undefined {
  if (e.status === 'cancelled') return 'This event has been cancelled.';
  if (Date.parse(e.starts_at) <= ctx.clock.now().getTime())
    return 'This event has already started or is over.';
  return undefined;
}

async function isFull(q: Tx['trx'], e: repo.EventRow): Promise<boolean> {
  return e.capacity !== null && (await repo.countConfirmed(q, e.id)) >= e.capacity;
}

/** Locks the event row on PostgreSQL so two confirmations cannot both take the last place. */
async function lockedEvent(tx: Tx, id: number): Promise<repo.EventRow | undefined> {
  let q = tx.trx.selectFrom('events').selectAll().where('id', '=', id);
  if (tx.db.dialect === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** A public sign-up: stored as pending until the person confirms by email (double opt-in). */
export async function submitRsvp(ctx: Ctx, slug: string, input: RsvpInput): Promise<RsvpOutcome> {
  const { errors, email, postcode } = rsvpErrors(input);
  if (Object.keys(errors).length > 0)
    return { ok: false, status: 422, message: 'Please correct the form.', errors };
  return inTransaction(ctx, async (tx) => {
    const found = await repo.findEventBySlug(tx.trx, slug);
    const event = found && (await lockedEvent({ ...tx, config: ctx.config }, found.id));
    if (!event)
      return { ok: false as const, status: 404 as const, message: 'There is no such event.' };
    const closed = closedReason(ctx, event);
    if (closed) return { ok: false as const, status: 409 as const, message: closed };
    if (event.waiting_list !== 1 && (await isFull(tx.trx, event)))
      return { ok: false as const, status: 409 as const, message: 'Sorry, this event is full.' };
    const confirmToken = newLinkToken();
    const existing = await repo.findRsvpByEmail(tx.trx, event.id, email);
    if (existing && existing.status !== 'cancelled') {
      if (existing.status === 'pending') {
        await tx.trx
          .updateTable('event_rsvps')
          .set({ confirm_token_hash: hashLinkToken(confirmToken) })
          .where('id', '=', existing.id)
          .execute();
        await ctx.mailer.send(
          confirmRsvpMail(event, existing, ctx.config.baseUrl, confirmToken),
          tx.trx,
        );
      }
      return {
        ok: false as const,
        status: 409 as const,
        message:
          existing.status === 'pending'
            ? 'This email is already signed up and waiting to be confirmed: we have sent the confirmation link again.'
            : 'This email is already signed up to this event (one place per person). Your confirmation email has a link to manage it.',
      };
    }
    const shared = input.ref ? await repo.findRsvpByShareCode(tx.trx, input.ref) : undefined;
    // Without a share link, an emailed invitation to this address credits the first inviter.
    const invitedBy =
      shared && shared.event_id === event.id
        ? undefined
        : await tx.trx
            .selectFrom('event_invitations')
            .select('inviter_rsvp_id')
            .where('event_id', '=', event.id)
            .where('friend_hash', '=', friendHash(email))
            .orderBy('id')
            .executeTakeFirst();
    const referrer =
      shared && shared.event_id === event.id
        ? shared
        : invitedBy
          ? await tx.trx
              .selectFrom('event_rsvps')
              .selectAll()
              .where('id', '=', invitedBy.inviter_rsvp_id)
              .executeTakeFirst()
          : undefined;
    const fields = {
      name: input.name.trim(),
      email,
      email_key: email,
      postcode,
      phone: input.phone.trim() || null,
      status: 'pending',
      confirm_token_hash: hashLinkToken(confirmToken),
      manage_token_hash: hashLinkToken(newLinkToken()),
      consent: input.consent ? 1 : 0,
      source: input.source ?? null,
      signed_up_via: input.via ?? 'form',
      consent_wording: input.consent ? (input.consentWording ?? null) : null,
      referred_by:
        referrer && referrer.event_id === event.id && referrer.email_key !== email
          ? referrer.id
          : null,
      created_at: ctx.clock.now().toISOString(),
      updated_at: ctx.clock.now().toISOString(),
      confirmed_at: null,
      cancelled_at: null,
    };
    let rsvpId: number;
    if (existing) {
      await tx.trx.updateTable('event_rsvps').set(fields).where('id', '=', existing.id).execute();
      rsvpId = existing.id;
    } else {
      const row = await tx.trx
        .insertInto('event_rsvps')
        .values({ ...fields, event_id: event.id, share_code: randomBytes(9).toString('base64url') })
        .returning('id')
        .executeTakeFirstOrThrow();
      rsvpId = row.id;
    }
    await ctx.mailer.send(confirmRsvpMail(event, fields, ctx.config.baseUrl, confirmToken), tx.trx);
    return { ok: true as const, status: 'pending' as const, rsvpId };
  });
}

export type ConfirmOutcome =
  | {
      ok: true;
      status: 'confirmed' | 'waiting';
      event: repo.EventRow;
      shareCode: string;
      manageToken: string;
    }
  | { ok: false; status: 404 | 409; message: string };

async function scheduleReminders(tx: Tx, event: repo.EventRow, rsvpId: number): Promise<void> {
  const now = tx.clock.now().getTime();
  for (const r of REMINDERS) {
    const at = Date.parse(event.starts_at) - r.beforeMs;
    if (at > now)
      await tx.jobs.enqueue(
        REMIND_JOB,
        { rsvpId, which: r.which },
        { runAt: new Date(at), trx: tx.trx },
      );
  }
}

/** The person as the people feature keeps them, with this sign-up on their timeline. */
async function recordPerson(tx: Tx, event: repo.EventRow, r: repo.RsvpRow): Promise<number> {
  const [firstName, ...rest] = r.name.split(/\s+/);
  // The person's source names how they joined; the RSVP's own source is the campaign's attribution.
  const source = r.signed_up_via === 'api' ? (r.source ?? 'api') : `event:${event.slug}`;
  const { id } = await upsertPerson(
    tx.db,
    {
      email: r.email,
      firstName: firstName ?? null,
      lastName: rest.join(' ') || null,
      postcode: r.postcode,
      phone: r.phone,
      source,
    },
    { trx: tx.trx },
  );
  if (r.consent === 1)
    await recordConsent(
      tx.db,
      id,
      {
        channel: 'email',
        status: 'granted',
        method: r.signed_up_via,
        wording: r.consent_wording ?? CONSENT_WORDING,
        source,
      },
      { trx: tx.trx },
    );
  await recordActivity(
    tx.db,
    id,
    {
      kind: 'event.rsvp',
      summary: `Signed up to ${event.title}`,
      refType: 'event',
      refId: event.id,
    },
    { trx: tx.trx },
  );
  return id;
}

/** The confirmation link's button: a place if there is one, else the waiting list. */
export async function confirmRsvp(ctx: Ctx, token: string): Promise<ConfirmOutcome> {
  const notFound = {
    ok: false as const,
    status: 404 as const,
    message: 'This confirmation link is not valid. Check that you copied all of it from the email.',
  };
  if (!isLinkTokenShape(token)) return notFound;
  return inTransaction(ctx, async (t) => {
    const tx = { ...t, config: ctx.config };
    const r = await repo.findRsvpByToken(tx.trx, 'confirm_token_hash', hashLinkToken(token));
    if (!r) return notFound;
    const event = await lockedEvent(tx, r.event_id);
    if (!event) return notFound;
    if (r.status === 'cancelled')
      return { ok: false as const, status: 409 as const, message: 'This sign-up was cancelled.' };
    const manageToken = newLinkToken();
    const manage = { manage_token_hash: hashLinkToken(manageToken) };
    if (r.status === 'confirmed' || r.status === 'waiting') {
      await tx.trx.updateTable('event_rsvps').set(manage).where('id', '=', r.id).execute();
      return { ok: true as const, status: r.status, event, shareCode: r.share_code, manageToken };
    }
    const closed = closedReason(ctx, event);
    if (closed) return { ok: false as const, status: 409 as const, message: closed };
    const full = await isFull(tx.trx, event);
    if (full && event.waiting_list !== 1)
      return {
        ok: false as const,
        status: 409 as const,
        message:
          'Sorry, the last place went before you confirmed, and this event has no waiting list.',
      };
    const status = full ? ('waiting' as const) : ('confirmed' as const);
    const personId = await recordPerson(tx, event, r);
    await tx.trx
      .updateTable('event_rsvps')
      .set({
        ...manage,
        status,
        person_id: personId,
        confirmed_at: ctx.clock.now().toISOString(),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', r.id)
      .execute();
    if (status === 'confirmed') await scheduleReminders(tx, event, r.id);
    // Webhooks hear of the sign-up once it is real (confirmed, or on the waiting list).
    await emitDomainEvent(
      tx.trx,
      'rsvp.created',
      { attendance_id: r.id, event_id: event.id, person_id: personId },
      ctx.clock.now().toISOString(),
    );
    await ctx.mailer.send(placeMail(event, r, ctx.config.baseUrl, manageToken, status), tx.trx);
    return { ok: true as const, status, event, shareCode: r.share_code, manageToken };
  });
}

/** Gives the freed place to the longest-waiting person, with an email. */
async function promoteWaiting(tx: Tx, event: repo.EventRow): Promise<number | undefined> {
  if (event.status !== 'scheduled' || (await isFull(tx.trx, event))) return undefined;
  const next = await repo.firstWaiting(tx.trx, event.id);
  if (!next) return undefined;
  const manageToken = newLinkToken();
  await tx.trx
    .updateTable('event_rsvps')
    .set({
      status: 'confirmed',
      manage_token_hash: hashLinkToken(manageToken),
      updated_at: tx.clock.now().toISOString(),
    })
    .where('id', '=', next.id)
    .where('status', '=', 'waiting')
    .execute();
  await scheduleReminders(tx, event, next.id);
  await tx.mailer.send(placeMail(event, next, tx.config.baseUrl, manageToken, 'promoted'), tx.trx);
  if (next.person_id !== null)
    await recordActivity(
      tx.db,
      next.person_id,
      {
        kind: 'event.promoted',
        summary: `Given a place at ${event.title} from the waiting list`,
        refType: 'event',
        refId: event.id,
      },
      { trx: tx.trx },
    );
  return next.id;
}

export async function findRsvpByManageToken(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  token: string,
) {
  if (!isLinkTokenShape(token)) return undefined;
  const r = await repo.findRsvpByToken(queries(ctx), 'manage_token_hash', hashLinkToken(token));
  if (!r) return undefined;
  const event = await repo.findEvent(queries(ctx), r.event_id);
  return event ? { rsvp: r, event } : undefined;
}

/** The self-service cancel link's button. Returns the promoted RSVP's id, if one was. */
export async function cancelRsvp(
  ctx: Ctx,
  token: string,
): Promise<{ ok: boolean; promoted?: number }> {
  return inTransaction(ctx, async (t) => {
    const tx = { ...t, config: ctx.config };
    const found = await findRsvpByManageToken(tx, token);
    if (!found) return { ok: false };
    const event = await lockedEvent(tx, found.event.id);
    if (!event) return { ok: false };
    if (found.rsvp.status === 'cancelled') return { ok: true };
    await tx.trx
      .updateTable('event_rsvps')
      .set({
        status: 'cancelled',
        cancelled_at: ctx.clock.now().toISOString(),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', found.rsvp.id)
      .execute();
    // Lifts offered or asked for with the place go with it.
    await tx.trx
      .updateTable('event_lifts')
      .set({ status: 'withdrawn' })
      .where('rsvp_id', '=', found.rsvp.id)
      .execute();
    if (found.rsvp.person_id !== null)
      await recordActivity(
        tx.db,
        found.rsvp.person_id,
        {
          kind: 'event.cancelled',
          summary: `Cancelled their place at ${event.title}`,
          refType: 'event',
          refId: event.id,
        },
        { trx: tx.trx },
      );
    const promoted =
      found.rsvp.status === 'confirmed' ? await promoteWaiting(tx, event) : undefined;
    return promoted === undefined ? { ok: true } : { ok: true, promoted };
  });
}

/** Emails one volunteer may send through "bring a friend" for one event. */
export const INVITES_PER_RSVP_MAX = 10;

/** What is kept of an invited friend's address: enough to credit the inviter and stop repeats. */
export function friendHash(email: string): string {
  return hashLinkToken(`event-invite:${email.trim().toLowerCase()}`);
}

/**
 * "Bring a friend": one email to someone the volunteer names, carrying their share code. The
 * invitation is recorded (with a hash of the friend's address) so the host's report can credit the
 * inviter, and the same friend is not emailed twice by the same volunteer.
 */
export async function inviteFriend(
  ctx: Ctx,
  token: string,
  friendEmail: string,
): Promise<{ ok: true } | { ok: false; status: 404 | 409 | 422; message: string }> {
  const found = await findRsvpByManageToken(ctx, token);
  if (!found || found.rsvp.status === 'cancelled' || found.rsvp.status === 'pending')
    return { ok: false, status: 404, message: 'This link is not valid any more.' };
  const email = checkEmail(friendEmail);
  if (!email.ok)
    return {
      ok: false,
      status: 422,
      message: "Give your friend's email address, like name@example.org.",
    };
  if (email.email === found.rsvp.email_key)
    return { ok: false, status: 422, message: 'That is your own address.' };
  const closed = closedReason(ctx, found.event);
  if (closed) return { ok: false, status: 409, message: closed };
  const hash = friendHash(email.email);
  return inTransaction(ctx, async (tx) => {
    const sent = await tx.trx
      .selectFrom('event_invitations')
      .select('friend_hash')
      .where('inviter_rsvp_id', '=', found.rsvp.id)
      .execute();
    if (sent.some((i) => i.friend_hash === hash))
      return {
        ok: false as const,
        status: 409 as const,
        message: 'You have already invited that friend to this event.',
      };
    if (sent.length >= INVITES_PER_RSVP_MAX)
      return {
        ok: false as const,
        status: 409 as const,
        message: `You have sent ${INVITES_PER_RSVP_MAX} invitations, the most for one event: share your link instead.`,
      };
    await tx.trx
      .insertInto('event_invitations')
      .values({
        event_id: found.event.id,
        inviter_rsvp_id: found.rsvp.id,
        friend_hash: hash,
        sent_at: ctx.clock.now().toISOString(),
      })
      .execute();
    await ctx.mailer.send(
      inviteMail(
        found.event,
        found.rsvp.name,
        email.email,
        ctx.config.baseUrl,
        found.rsvp.share_code,
      ),
      tx.trx,
    );
    return { ok: true as const };
  });
}

/** The reminder job: only for a place still held at an event still on, and only once. */
export function remindHandler(ctx: Ctx) {
  return async (payload: unknown) => {
    const p = payload as { rsvpId?: unknown; which?: unknown };
    const which = REMINDERS.find((r) => r.which === p.which)?.which;
    if (typeof p.rsvpId !== 'number' || !which) throw new Error('events.remind: bad payload');
    const flag = which === '24h' ? 'reminded_24h' : 'reminded_2h';
    await inTransaction(ctx, async (tx) => {
      const r = await repo.findRsvp(tx.trx, p.rsvpId as number);
      if (!r || r.status !== 'confirmed' || r[flag] === 1) return;
      const event = await repo.findEvent(tx.trx, r.event_id);
      if (
        !event ||
        event.status !== 'scheduled' ||
        Date.parse(event.starts_at) <= ctx.clock.now().getTime()
      )
        return;
      // The event was moved later after this reminder was queued: wait for its new time.
      const due =
        Date.parse(event.starts_at) - (which === '24h' ? REMINDERS[0] : REMINDERS[1]).beforeMs;
      if (ctx.clock.now().getTime() < due - REMINDER_SLACK_MS) {
        await ctx.jobs.enqueue(
          REMIND_JOB,
          { rsvpId: r.id, which },
          { runAt: new Date(due), trx: tx.trx },
        );
        return;
      }
      await tx.trx
        .updateTable('event_rsvps')
        .set({ [flag]: 1 })
        .where('id', '=', r.id)
        .execute();
      await ctx.mailer.send(reminderMail(event, r, ctx.config.baseUrl, which), tx.trx);
    });
  };
}

// ---- host tools --------------------------------------------------------------------------------

export interface Attendee {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  status: string;
  walkIn: boolean;
  checkedInAt: string | null;
  referredBy: number | null;
}

export async function attendeesOf(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  eventId: number,
): Promise<Attendee[]> {
  return (await repo.rsvpsOfEvent(queries(ctx), eventId)).map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    status: r.status,
    walkIn: r.walk_in === 1,
    checkedInAt: r.checked_in_at,
    referredBy: r.referred_by,
  }));
}

/** Marks someone present and puts the attendance on their timeline. */
export async function checkIn(
  ctx: ServiceContext,
  eventId: number,
  rsvpId: number,
  actor: Actor,
): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const r = await repo.findRsvp(tx.trx, rsvpId);
    const event = await repo.findEvent(tx.trx, eventId);
    if (!r || !event || r.event_id !== eventId || r.status === 'cancelled') return false;
    if (r.checked_in_at !== null) return true;
    await tx.trx
      .updateTable('event_rsvps')
      .set({
        checked_in_at: ctx.clock.now().toISOString(),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', r.id)
      .execute();
    if (r.person_id !== null)
      await recordActivity(
        tx.db,
        r.person_id,
        {
          kind: 'event.attended',
          summary: `Attended ${event.title}`,
          refType: 'event',
          refId: event.id,
        },
        { trx: tx.trx },
      );
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'events.check-in',
        subjectType: 'rsvp',
        subjectId: r.id,
      },
      tx.trx,
    );
    return true;
  });
}

export type WalkInOutcome =
  { ok: true; rsvpId: number } | { ok: false; errors: Record<string, string> };

/** Someone who turned up without signing up: present at once, on the timeline if they gave an email. */
export async function addWalkIn(
  ctx: ServiceContext,
  eventId: number,
  input: { name: string; email: string; postcode: string; phone: string },
  actor: Actor,
): Promise<WalkInOutcome> {
  const errors: Record<string, string> = {};
  const set = firstErrorSetter(errors);
  set('name', requiredText(input.name.trim(), 'Give their name.', 'The name', NAME_MAX));
  const email = input.email.trim() ? checkEmail(input.email) : undefined;
  if (email && !email.ok)
    set('email', 'That email address does not look right (or leave it empty).');
  const postcode = input.postcode.trim() ? normalisePostcode(input.postcode) : null;
  if (input.postcode.trim() && !postcode)
    set('postcode', 'That does not look like a UK postcode (or leave it empty).');
  set('phone', tooLong('The phone number', input.phone.trim(), PHONE_MAX));
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return inTransaction(ctx, async (tx) => {
    const event = await repo.findEvent(tx.trx, eventId);
    if (!event) return { ok: false as const, errors: { name: 'There is no such event.' } };
    const address = email?.ok ? email.email : '';
    const now = ctx.clock.now().toISOString();
    if (address) {
      const existing = await repo.findRsvpByEmail(tx.trx, eventId, address);
      if (existing) {
        if (existing.status !== 'confirmed')
          await tx.trx
            .updateTable('event_rsvps')
            .set({ status: 'confirmed', updated_at: now })
            .where('id', '=', existing.id)
            .execute();
        await checkIn(tx, eventId, existing.id, actor);
        return { ok: true as const, rsvpId: existing.id };
      }
    }
    let personId: number | null = null;
    if (address) {
      const [firstName, ...rest] = input.name.trim().split(/\s+/);
      personId = (
        await upsertPerson(
          tx.db,
          {
            email: address,
            firstName: firstName ?? null,
            lastName: rest.join(' ') || null,
            postcode: postcode?.formatted ?? null,
            phone: input.phone.trim() || null,
            source: `event:${event.slug}`,
          },
          { trx: tx.trx },
        )
      ).id;
    }
    const row = await tx.trx
      .insertInto('event_rsvps')
      .values({
        event_id: eventId,
        name: input.name.trim(),
        email: address,
        // Walk-ins without an email still need a key of their own under the one-per-email rule.
        email_key: address || `walk-in:${randomBytes(9).toString('base64url')}`,
        postcode: postcode?.formatted ?? null,
        phone: input.phone.trim() || null,
        person_id: personId,
        status: 'confirmed',
        confirm_token_hash: hashLinkToken(newLinkToken()),
        manage_token_hash: hashLinkToken(newLinkToken()),
        share_code: randomBytes(9).toString('base64url'),
        referred_by: null,
        consent: 0,
        source: null,
        consent_wording: null,
        walk_in: 1,
        checked_in_at: now,
        updated_at: now,
        created_at: now,
        confirmed_at: now,
        cancelled_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (personId !== null)
      await recordActivity(
        tx.db,
        personId,
        {
          kind: 'event.attended',
          summary: `Attended ${event.title} (walk-in)`,
          refType: 'event',
          refId: event.id,
        },
        { trx: tx.trx },
      );
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'events.walk-in',
        subjectType: 'rsvp',
        subjectId: row.id,
      },
      tx.trx,
    );
    return { ok: true as const, rsvpId: row.id };
  });
}

/** Per seat over a window: events held, RSVPs confirmed, attended (for the allocation page). */
export async function fieldActivityBySeat(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  from: string,
  to: string,
) {
  const rows = await queries(ctx)
    .selectFrom('events')
    .leftJoin('event_rsvps', 'event_rsvps.event_id', 'events.id')
    .select([
      'events.seat_code',
      (eb) => eb.fn.count<number>('events.id').distinct().as('events'),
      (eb) =>
        eb.fn
          .count<number>('event_rsvps.id')
          .filterWhere('event_rsvps.status', '=', 'confirmed')
          .as('rsvps'),
      (eb) => eb.fn.count<number>('event_rsvps.checked_in_at').as('attended'),
    ])
    .where('events.status', '=', 'scheduled')
    .where('events.starts_at', '>=', from)
    .where('events.starts_at', '<', to)
    .where('events.seat_code', 'is not', null)
    .groupBy('events.seat_code')
    .execute();
  return new Map(
    rows.map((r) => [
      r.seat_code ?? '',
      { events: Number(r.events), rsvps: Number(r.rsvps), attended: Number(r.attended) },
    ]),
  );
}

/**
 * Events' part of `Feature.actionSources`: RSVPs by the `source` they came with, in any status
 * (the sign-up was made).
 */
export const rsvpSources = actionSourcesOf({ kind: 'rsvp', label: 'RSVPs', table: 'event_rsvps' });
