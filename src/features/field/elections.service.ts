import { nowIso } from '../../infra/db/database.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { ELECTION_YEARS, type ElectionResult } from '../constituencies/constituencies.service.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { parseElectionCsv } from './election-csv.js';
import { FieldInputError, forgetFieldCaches } from './field-errors.js';

export { ELECTION_CSV_MAX_BYTES } from './election-csv.js';

export const ELECTION_NAME_MAX_LENGTH = 40;
const ELECTION_NAME = /^[a-z0-9][a-z0-9_-]*$/;
/** Rows per INSERT: 12 columns each, well under either database's bound-parameter limit. */
const INSERT_CHUNK = 200;

/** The shipped elections, as names ("2017", "2019"). */
export const SHIPPED_ELECTIONS: readonly string[] = ELECTION_YEARS.map(String);

export interface ImportedElection {
  name: string;
  shape: 'ge2017' | 'ge2019';
  source: string;
  seats: number;
  importedAt: string;
}

/** "2015 " or "2024-Notional" as stored and compared: trimmed, lower case. */
export function electionKey(name: string | number): string {
  return String(name).trim().toLowerCase();
}

export async function listImportedElections(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
): Promise<ImportedElection[]> {
  const rows = await queries(ctx)
    .selectFrom('field_elections')
    .selectAll()
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    name: r.name,
    shape: r.shape === 'ge2017' ? 'ge2017' : 'ge2019',
    source: r.source,
    seats: r.seats,
    importedAt: r.imported_at,
  }));
}

/** Every election the ranking can use: the shipped ones, then the imported ones by name. */
export async function electionNames(ctx: Pick<ServiceContext, 'db' | 'trx'>): Promise<string[]> {
  return [...SHIPPED_ELECTIONS, ...(await listImportedElections(ctx)).map((e) => e.name)];
}

/** An imported election's results keyed by seat code, or undefined when none has that name. */
export async function importedElectionResults(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  name: string,
): Promise<Map<string, ElectionResult> | undefined> {
  const key = electionKey(name);
  const election = await queries(ctx)
    .selectFrom('field_elections')
    .select('name')
    .where('name', '=', key)
    .executeTakeFirst();
  if (!election) return undefined;
  const rows = await queries(ctx)
    .selectFrom('field_election_results')
    .selectAll()
    .where('election', '=', key)
    .execute();
  return new Map(
    rows.map((r) => [
      r.code,
      {
        code: r.code,
        year: 0,
        electorate: r.electorate,
        validVotes: r.valid_votes,
        invalidVotes: r.invalid_votes,
        turnout: r.turnout,
        majority: r.majority,
        firstParty: r.first_party,
        secondParty: r.second_party,
        result: r.result,
        winnerName: r.winner_name,
        votes: Object.entries(JSON.parse(r.party_votes) as Record<string, number>)
          .map(([party, votes]) => ({ party, votes }))
          .sort((a, b) => b.votes - a.votes),
      },
    ]),
  );
}

export interface ElectionImport {
  /** The name to rank by: "2015", "2024-notional". */
  name: string;
  /** The uploaded (or given) file's name, kept as the source. */
  fileName: string;
  bytes: Buffer;
  /** Replace an election already imported under this name (otherwise that is refused). */
  replace: boolean;
}

/**
 * Imports one election's results from a CSV in either shipped shape. Every row is checked first
 * and the file is refused whole when any is wrong (unknown seat codes listed, missing columns
 * named); the results are stored in one transaction, so nothing is half-saved.
 */
export async function importElection(
  ctx: ServiceContext,
  input: ElectionImport,
  actor: Actor,
): Promise<{ name: string; shape: string; seats: number; replaced: boolean }> {
  const name = electionKey(input.name);
  if (!name) throw new FieldInputError('Name the election, e.g. 2015 or 2024-notional.', 422);
  if (name.length > ELECTION_NAME_MAX_LENGTH || !ELECTION_NAME.test(name))
    throw new FieldInputError(
      `The election's name is up to ${ELECTION_NAME_MAX_LENGTH} letters, digits, hyphens or underscores, e.g. 2015 or 2024-notional.`,
      422,
    );
  if (SHIPPED_ELECTIONS.includes(name))
    throw new FieldInputError(
      `${SHIPPED_ELECTIONS.join(' and ')} are the shipped results and stay as they are: import under another name.`,
      409,
    );
  const directory = await getConstituencyDirectory(ctx.db);
  if (!directory.isLoaded())
    throw new FieldInputError(
      'No constituencies are loaded yet. Run `rally targets load uk-commons` first.',
      503,
    );
  const parsed = parseElectionCsv(input.bytes, (code) => directory.get(code) !== undefined);
  if (!parsed.ok) throw new FieldInputError(parsed.message, parsed.status, parsed.problems);
  const result = await inTransaction(ctx, async (tx) => {
    const existing = await tx.trx
      .selectFrom('field_elections')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (existing && !input.replace)
      throw new FieldInputError(
        `An election named "${name}" is already imported (${existing.seats} seats from ${existing.source}). Choose another name, or replace it explicitly.`,
        409,
      );
    if (existing) {
      await tx.trx.deleteFrom('field_election_results').where('election', '=', name).execute();
      await tx.trx.deleteFrom('field_elections').where('name', '=', name).execute();
    }
    await tx.trx
      .insertInto('field_elections')
      .values({
        name,
        shape: parsed.shape.id,
        source: input.fileName.slice(0, 200) || 'upload.csv',
        seats: parsed.rows.length,
        imported_by: actorId(actor),
        imported_at: nowIso(),
      })
      .execute();
    for (let i = 0; i < parsed.rows.length; i += INSERT_CHUNK)
      await tx.trx
        .insertInto('field_election_results')
        .values(parsed.rows.slice(i, i + INSERT_CHUNK).map((r) => ({ ...r, election: name })))
        .execute();
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'field.election.import',
        subjectType: 'election',
        subjectId: name,
        details: {
          shape: parsed.shape.id,
          seats: parsed.rows.length,
          source: input.fileName,
          replaced: existing !== undefined,
        },
      },
      tx.trx,
    );
    return {
      name,
      shape: parsed.shape.label,
      seats: parsed.rows.length,
      replaced: existing !== undefined,
    };
  });
  forgetFieldCaches();
  return result;
}

/** Removes an imported election and its results; false when none has that name. */
export async function deleteImportedElection(
  ctx: ServiceContext,
  name: string,
  actor: Actor,
): Promise<boolean> {
  const key = electionKey(name);
  const deleted = await inTransaction(ctx, async (tx) => {
    await tx.trx.deleteFrom('field_election_results').where('election', '=', key).execute();
    const r = await tx.trx.deleteFrom('field_elections').where('name', '=', key).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'field.election.delete',
        subjectType: 'election',
        subjectId: key,
      },
      tx.trx,
    );
    return true;
  });
  if (deleted) forgetFieldCaches();
  return deleted;
}
