import { nowIso } from '../../infra/db/database.js';
import type { Services } from '../../infra/services.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { fieldActivityBySeat } from '../events/rsvp.service.js';
import { findPersonByEmail } from '../people/people.service.js';
import { getStaff, listStaff } from '../staff/staff.service.js';
import {
  FieldInputError,
  getFieldPlan,
  listTargetSeats,
  partyLabel,
  rankSeatsFor,
} from './field.service.js';
import { type SeatStanding, isSafe } from './seat-ranking.js';

export const HOURS_MIN = 0.5;
export const HOURS_MAX = 80;
/** The allocation page compares effort with what happened over this window. */
export const ACTIVITY_WINDOW_DAYS = 28;
export const WEEKLY_SUMMARY_JOB = 'field.weekly-summary';
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export interface Allocation {
  id: number;
  seatCode: string;
  seatName: string;
  label: string;
  kind: 'staff' | 'volunteer';
  staffUserId: number | null;
  personId: number | null;
  hoursPerWeek: number;
}

export async function listAllocations(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
): Promise<Allocation[]> {
  const [rows, directory] = await Promise.all([
    queries(ctx)
      .selectFrom('field_allocations')
      .selectAll()
      .orderBy('seat_code')
      .orderBy('id')
      .execute(),
    getConstituencyDirectory(ctx.db),
  ]);
  return rows.map((r) => ({
    id: r.id,
    seatCode: r.seat_code,
    seatName: directory.get(r.seat_code)?.name ?? r.seat_code,
    label: r.label,
    kind: r.staff_user_id !== null ? 'staff' : 'volunteer',
    staffUserId: r.staff_user_id,
    personId: r.person_id,
    hoursPerWeek: r.hours_per_week,
  }));
}

/** Puts a staff user (by id) or a supporter (by email) on a seat for so many hours a week. */
export async function assignToSeat(
  ctx: ServiceContext,
  input: { seatCode: string; staffUserId: string; personEmail: string; hours: string },
  actor: Actor,
): Promise<number> {
  const seat = (await getConstituencyDirectory(ctx.db)).get(input.seatCode);
  if (!seat) throw new FieldInputError('Choose a seat from the list.', 404);
  const hours = Number(input.hours);
  if (!input.hours.trim() || !Number.isFinite(hours) || hours < HOURS_MIN || hours > HOURS_MAX)
    throw new FieldInputError(
      `Hours per week are a number from ${HOURS_MIN} to ${HOURS_MAX}.`,
      422,
    );
  let who: { staff_user_id: number | null; person_id: number | null; label: string };
  if (input.staffUserId.trim() && input.personEmail.trim())
    throw new FieldInputError('Choose a staff user or give a supporter’s email, not both.', 422);
  if (input.staffUserId.trim()) {
    const staff = /^[1-9]\d{0,8}$/.test(input.staffUserId.trim())
      ? await getStaff(ctx, Number(input.staffUserId))
      : undefined;
    if (!staff) throw new FieldInputError('There is no such staff user.', 404);
    who = { staff_user_id: staff.id, person_id: null, label: staff.name };
  } else if (input.personEmail.trim()) {
    const person = await findPersonByEmail(ctx.db, input.personEmail);
    if (!person)
      throw new FieldInputError(
        'No supporter has that email address: add them to People first.',
        404,
      );
    const name = [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email;
    who = { staff_user_id: null, person_id: person.id, label: name };
  } else throw new FieldInputError('Choose a staff user or give a supporter’s email.', 422);
  return inTransaction(ctx, async (tx) => {
    const row = await tx.trx
      .insertInto('field_allocations')
      .values({ ...who, seat_code: seat.code, hours_per_week: hours, created_at: nowIso() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'field.allocate',
        subjectType: 'seat',
        subjectId: seat.code,
        details: { ...who, hours },
      },
      tx.trx,
    );
    await ensureWeeklySummary(tx);
    return row.id;
  });
}

export async function removeAllocation(
  ctx: ServiceContext,
  id: number,
  actor: Actor,
): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const r = await tx.trx.deleteFrom('field_allocations').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'field.unallocate',
        subjectType: 'allocation',
        subjectId: id,
      },
      tx.trx,
    );
    return true;
  });
}

export interface SeatEffort {
  code: string;
  name: string;
  standing: SeatStanding | undefined;
  list: 'win' | 'defend' | undefined;
  /** 1-based, in its list. */
  rank: number | undefined;
  target: boolean;
  people: Allocation[];
  hours: number;
  events: number;
  rsvps: number;
  attended: number;
}

export interface Warning {
  kind: 'safe-seat-effort' | 'target-without-anyone';
  seatCode: string;
  message: string;
}

export interface AllocationReport {
  party: string;
  election: string;
  seats: SeatEffort[];
  warnings: Warning[];
}

/** Effort (people, hours, events, RSVPs, attendance over four weeks) against need (rank). */
export async function allocationReport(
  ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'>,
): Promise<AllocationReport> {
  const plan = await getFieldPlan(ctx);
  const ranking = await rankSeatsFor(ctx, plan);
  const [targets, allocations] = await Promise.all([listTargetSeats(ctx), listAllocations(ctx)]);
  const now = ctx.clock.now();
  const activity = await fieldActivityBySeat(
    ctx,
    new Date(now.getTime() - ACTIVITY_WINDOW_DAYS * 86_400_000).toISOString(),
    now.toISOString(),
  );
  const where = new Map<string, { standing: SeatStanding; list: 'win' | 'defend'; rank: number }>();
  ranking.win.forEach((s, i) => where.set(s.code, { standing: s, list: 'win', rank: i + 1 }));
  ranking.defend.forEach((s, i) => where.set(s.code, { standing: s, list: 'defend', rank: i + 1 }));
  const targetCodes = new Set(targets.map((t) => t.code));
  const codes = [...new Set([...targetCodes, ...allocations.map((a) => a.seatCode)])];
  const directory = await getConstituencyDirectory(ctx.db);
  const seats: SeatEffort[] = codes.map((code) => {
    const w = where.get(code);
    const people = allocations.filter((a) => a.seatCode === code);
    const act = activity.get(code) ?? { events: 0, rsvps: 0, attended: 0 };
    return {
      code,
      name: directory.get(code)?.name ?? code,
      standing: w?.standing,
      list: w?.list,
      rank: w?.rank,
      target: targetCodes.has(code),
      people,
      hours: people.reduce((n, p) => n + p.hoursPerWeek, 0),
      ...act,
    };
  });
  seats.sort(
    (a, b) =>
      Number(b.target) - Number(a.target) || (a.standing?.swing ?? 1) - (b.standing?.swing ?? 1),
  );
  const warnings: Warning[] = [];
  for (const s of seats) {
    if (s.hours > 0 && s.standing && isSafe(s.standing) && !s.target) {
      const holder = partyLabel(s.standing.winner);
      warnings.push({
        kind: 'safe-seat-effort',
        seatCode: s.code,
        message: `${s.hours} hours a week go to ${s.name}, a safe seat (${holder} majority of ${s.standing.held ? s.standing.majority.toLocaleString('en-GB') : (s.standing.winnerMajorityShare * 100).toFixed(1) + '%'} in ${ranking.election}).`,
      });
    }
    if (s.target && s.people.length === 0)
      warnings.push({
        kind: 'target-without-anyone',
        seatCode: s.code,
        message: `Nobody is assigned to ${s.name}, a target seat${s.rank ? ` (number ${s.rank} to ${s.list})` : ''}.`,
      });
  }
  return { party: ranking.party, election: ranking.election, seats, warnings };
}

/** Keeps one weekly summary job in the queue (each run schedules the next). */
export async function ensureWeeklySummary(
  ctx: Pick<ServiceContext, 'db' | 'jobs' | 'clock' | 'trx'>,
): Promise<void> {
  // Read in the caller's transaction: SQLite has one connection, and a read beside it would wait forever.
  const queued = await queries(ctx)
    .selectFrom('jobs')
    .select('id')
    .where('type', '=', WEEKLY_SUMMARY_JOB)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  if (queued) return;
  await ctx.jobs.enqueue(
    WEEKLY_SUMMARY_JOB,
    {},
    { runAt: new Date(ctx.clock.now().getTime() + WEEK_MS), ...(ctx.trx ? { trx: ctx.trx } : {}) },
  );
}

/** The weekly email to every owner (the job's work): the same warnings as the allocation page. */
export async function sendWeeklySummary(ctx: Services): Promise<number> {
  const report = await allocationReport(ctx);
  const owners = (await listStaff(ctx)).filter((s) => s.role === 'owner' && !s.disabled_at);
  const lines = report.warnings.length
    ? report.warnings.map((w) => `- ${w.message}`).join('\n')
    : 'No warnings: every target seat has someone, and no effort goes to safe seats.';
  const targets = report.seats.filter((s) => s.target);
  const table = targets
    .map(
      (s) =>
        `${s.name}: ${s.people.length} people, ${s.hours} h/week, ${s.events} events, ${s.rsvps} RSVPs, ${s.attended} attended`,
    )
    .join('\n');
  await inTransaction(ctx, async (tx) => {
    for (const o of owners)
      await ctx.mailer.send(
        {
          to: o.email,
          subject: `Field summary: ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}`,
          category: 'field.weekly-summary',
          text: `Hello ${o.name},\n\nWhere the effort went (last ${ACTIVITY_WINDOW_DAYS} days), planning on ${partyLabel(report.party)} ${report.election}:\n\n${lines}\n\nTarget seats:\n${table || '(none marked yet)'}\n\n${ctx.config.baseUrl}/admin/field/allocation`,
        },
        tx.trx,
      );
    // This run is itself still "running", so the next one is queued directly.
    await ctx.jobs.enqueue(
      WEEKLY_SUMMARY_JOB,
      {},
      { runAt: new Date(ctx.clock.now().getTime() + WEEK_MS), trx: tx.trx },
    );
  });
  return owners.length;
}
