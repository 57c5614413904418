import type { Selectable } from 'kysely';
import type { Db } from '../../infra/db/database.js';
import type { ConstituencyTables } from './constituencies.tables.js';

export const ELECTION_YEARS = [2017, 2019] as const;
export type ElectionYear = (typeof ELECTION_YEARS)[number];

export interface ElectionResult {
  code: string;
  year: number;
  electorate: number;
  validVotes: number;
  invalidVotes: number;
  turnout: number;
  majority: number;
  firstParty: string;
  secondParty: string;
  result: string;
  winnerName: string | null;
  /** Parties that stood, most votes first; "Other" sums every other candidate. */
  votes: { party: string; votes: number }[];
}

function toResult(row: Selectable<ConstituencyTables['constituency_results']>): ElectionResult {
  const votes = Object.entries(JSON.parse(row.party_votes) as Record<string, number>)
    .map(([party, n]) => ({ party, votes: n }))
    .sort((a, b) => b.votes - a.votes);
  return {
    code: row.code,
    year: row.year,
    electorate: row.electorate,
    validVotes: row.valid_votes,
    invalidVotes: row.invalid_votes,
    turnout: row.turnout,
    majority: row.majority,
    firstParty: row.first_party,
    secondParty: row.second_party,
    result: row.result,
    winnerName: row.winner_name,
    votes,
  };
}

/** Oldest election first. */
export async function findResults(db: Db, code: string): Promise<ElectionResult[]> {
  const rows = await db.kysely
    .selectFrom('constituency_results')
    .selectAll()
    .where('code', '=', code)
    .orderBy('year')
    .execute();
  return rows.map(toResult);
}

/** One election's results for every constituency, keyed by code. */
export async function findResultsForYear(
  db: Db,
  year: ElectionYear,
): Promise<Map<string, ElectionResult>> {
  const rows = await db.kysely
    .selectFrom('constituency_results')
    .selectAll()
    .where('year', '=', year)
    .execute();
  return new Map(rows.map((r) => [r.code, toResult(r)]));
}
