import { getSetting, setSetting } from '../../infra/db/settings.js';
import { nowIso } from '../../infra/db/database.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import {
  ELECTION_YEARS,
  type ElectionResult,
  electionResultsForYear,
  partyName,
} from '../constituencies/constituencies.service.js';
import {
  ELECTION_NAME_MAX_LENGTH,
  electionKey,
  electionNames,
  importedElectionResults,
} from './elections.service.js';
import { FieldInputError, forgetFieldCaches, onFieldChange } from './field-errors.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { type SeatRanking, type SeatStanding, rankSeats, resolveParty } from './seat-ranking.js';

export type { SeatRanking, SeatStanding };
export { SAFE_SWING, isSafe } from './seat-ranking.js';

export { FieldInputError, onFieldChange };

export const TARGET_NOTE_MAX_LENGTH = 500;
const PLAN_PARTY_KEY = 'field.party';
const PLAN_ELECTION_KEY = 'field.election';
export const DEFAULT_PARTY = 'Lab';
export const DEFAULT_ELECTION = '2019';

export interface FieldPlan {
  /** The campaign's party, as the results abbreviate it (Lab, Con, LD…). */
  party: string;
  /** A shipped election ("2017", "2019") or the name of an imported one. */
  election: string;
}

/** One election's results by seat: a shipped year, or one imported under that name. */
async function electionResults(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  election: string | number,
): Promise<{ name: string; results: Map<string, ElectionResult> }> {
  const name = electionKey(election);
  const year = ELECTION_YEARS.find((y) => String(y) === name);
  if (year !== undefined) return { name, results: await electionResultsForYear(ctx, year) };
  const imported = await importedElectionResults(ctx, name);
  if (imported) return { name, results: imported };
  const names = await electionNames(ctx);
  throw new FieldInputError(
    `There are no results for the election "${String(election).slice(0, ELECTION_NAME_MAX_LENGTH)}". Choose one of ${names.join(', ')}, or import its results on the seats page.`,
  );
}

/** Ranks every seat for a party at an election (shipped or imported): seats to win and to defend. */
export async function rankSeatsFor(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  input: { party: string; election: string | number },
): Promise<SeatRanking> {
  const [{ name, results }, directory] = await Promise.all([
    electionResults(ctx, input.election),
    getConstituencyDirectory(ctx.db),
  ]);
  if (results.size === 0)
    throw new FieldInputError(
      'No election results are loaded yet. Run `rally targets load uk-commons` first.',
      503,
    );
  const party = resolveParty(results.values(), input.party);
  if (!party)
    throw new FieldInputError(
      `No candidate of the party "${input.party}" stood in ${name}. Use the abbreviation of the results (lab, con, ld, snp, green…).`,
    );
  return rankSeats(results, (code) => directory.get(code), party, name);
}

export async function getFieldPlan(ctx: Pick<ServiceContext, 'db' | 'trx'>): Promise<FieldPlan> {
  const [party, election, names] = await Promise.all([
    getSetting(ctx.db, PLAN_PARTY_KEY),
    getSetting(ctx.db, PLAN_ELECTION_KEY),
    electionNames(ctx),
  ]);
  return {
    party: party ?? DEFAULT_PARTY,
    election: election !== undefined && names.includes(election) ? election : DEFAULT_ELECTION,
  };
}

/** The party and election the campaign plans against (checked against the results). */
export async function setFieldPlan(
  ctx: ServiceContext,
  input: { party: string; election: string },
  actor: Actor,
): Promise<FieldPlan> {
  const ranking = await rankSeatsFor(ctx, input);
  await setSetting(ctx.db, PLAN_PARTY_KEY, ranking.party);
  await setSetting(ctx.db, PLAN_ELECTION_KEY, ranking.election);
  await ctx.audit.record({
    actorUserId: actorId(actor),
    action: 'field.plan',
    details: { party: ranking.party, election: ranking.election },
  });
  forgetFieldCaches();
  return { party: ranking.party, election: ranking.election };
}

export interface TargetSeat {
  code: string;
  name: string;
  note: string;
  markedAt: string;
}

/** Every seat the campaign has marked as a target, by name. */
export async function listTargetSeats(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
): Promise<TargetSeat[]> {
  const [rows, directory] = await Promise.all([
    queries(ctx).selectFrom('field_target_seats').selectAll().execute(),
    getConstituencyDirectory(ctx.db),
  ]);
  return rows
    .map((r) => ({
      code: r.code,
      name: directory.get(r.code)?.name ?? r.code,
      note: r.note,
      markedAt: r.marked_at,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

/** Whether the campaign targets this seat: any feature may ask (e.g. to prioritise a sign-up). */
export async function isTargetSeat(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  code: string,
): Promise<boolean> {
  const row = await queries(ctx)
    .selectFrom('field_target_seats')
    .select('code')
    .where('code', '=', code.trim().toUpperCase())
    .executeTakeFirst();
  return row !== undefined;
}

async function knownSeat(ctx: Pick<ServiceContext, 'db'>, code: string) {
  const seat = (await getConstituencyDirectory(ctx.db)).get(code);
  if (!seat) throw new FieldInputError(`There is no constituency with the code "${code}".`, 404);
  return seat;
}

/** Marks (or re-notes) a target seat. */
export async function markTargetSeat(
  ctx: ServiceContext,
  input: { code: string; note: string },
  actor: Actor,
): Promise<void> {
  const seat = await knownSeat(ctx, input.code);
  const note = input.note.trim();
  if (note.length > TARGET_NOTE_MAX_LENGTH)
    throw new FieldInputError(
      `The note is too long (at most ${TARGET_NOTE_MAX_LENGTH} characters).`,
    );
  await inTransaction(ctx, async (tx) => {
    await tx.trx
      .insertInto('field_target_seats')
      .values({ code: seat.code, note, marked_by: actorId(actor), marked_at: nowIso() })
      .onConflict((oc) => oc.column('code').doUpdateSet({ note }))
      .execute();
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'field.target.mark',
        subjectType: 'seat',
        subjectId: seat.code,
        details: { note },
      },
      tx.trx,
    );
  });
  forgetFieldCaches();
}

export async function unmarkTargetSeat(
  ctx: ServiceContext,
  code: string,
  actor: Actor,
): Promise<void> {
  const seat = await knownSeat(ctx, code);
  await inTransaction(ctx, async (tx) => {
    await tx.trx.deleteFrom('field_target_seats').where('code', '=', seat.code).execute();
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'field.target.unmark',
        subjectType: 'seat',
        subjectId: seat.code,
      },
      tx.trx,
    );
  });
  forgetFieldCaches();
}

/** "Labour" for "Lab". */
export function partyLabel(abbreviation: string): string {
  return partyName(abbreviation);
}
