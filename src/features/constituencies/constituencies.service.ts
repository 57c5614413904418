import type { ServiceContext } from '../../infra/service-context.js';
import { findTargetsByDivision } from '../targets/targets.service.js';
import { type Constituency, getConstituencyDirectory } from './constituency-directory.service.js';
import {
  ELECTION_YEARS,
  type ElectionResult,
  type ElectionYear,
  findResults,
  findResultsForYear,
} from './constituencies.repository.js';
import { partyName } from './parties.js';

export { ELECTION_YEARS, partyName };
export type { ElectionResult, ElectionYear };

/** The target list `rally targets load uk-commons` fills with MPs, keyed by constituency code. */
export const UK_COMMONS_LIST = 'uk-commons';
export const NOT_LOADED_MESSAGE =
  'No constituency data is loaded yet. Run `rally targets load uk-commons` first.';

export interface MemberOfParliament {
  name: string;
  party: string | null;
  email: string | null;
  twitter: string | null;
  bluesky: string | null;
  mastodon: string | null;
  facebook: string | null;
  phone: string | null;
  /**
   * 'target-list': the campaign's uk-commons target list (current contact details);
   * 'ge2019': nobody on that list, so the winner of the 2019 election as a fallback.
   */
  source: 'target-list' | 'ge2019';
}

export interface ConstituencyProfile {
  constituency: Constituency;
  mp: MemberOfParliament | null;
  /** Oldest first: 2017, 2019. */
  results: ElectionResult[];
}

/** The MP for a constituency; `results`, when the caller has read them, saves reading them again. */
export async function findMp(
  { db }: Pick<ServiceContext, 'db'>,
  { code, results }: { code: string; results?: ElectionResult[] },
): Promise<MemberOfParliament | null> {
  const [target] = await findTargetsByDivision(db, UK_COMMONS_LIST, code);
  if (target) {
    return {
      name: target.name,
      party: target.party,
      email: target.email,
      twitter: target.twitter,
      bluesky: target.bluesky,
      mastodon: target.mastodon,
      facebook: target.facebook,
      phone: target.phone,
      source: 'target-list',
    };
  }
  const latest = (results ?? (await findResults(db, code))).find((r) => r.year === 2019);
  if (!latest?.winnerName) return null;
  return {
    name: latest.winnerName,
    party: partyName(latest.firstParty),
    email: null,
    twitter: null,
    bluesky: null,
    mastodon: null,
    facebook: null,
    phone: null,
    source: 'ge2019',
  };
}

export async function getConstituencyProfile(
  ctx: Pick<ServiceContext, 'db'>,
  code: string,
): Promise<ConstituencyProfile | undefined> {
  const constituency = (await getConstituencyDirectory(ctx.db)).get(code);
  if (!constituency) return undefined;
  const results = await findResults(ctx.db, constituency.code);
  const mp = await findMp(ctx, { code: constituency.code, results });
  return { constituency, mp, results };
}

/** e.g. "Conservative majority of 331 over Labour in 2017". */
export function majoritySentence(result: ElectionResult): string {
  return `${partyName(result.firstParty)} majority of ${result.majority.toLocaleString('en-GB')} over ${partyName(result.secondParty)} in ${result.year}`;
}

/** One election's results for every constituency, keyed by code (the field feature ranks them). */
export async function electionResultsForYear(
  { db }: Pick<ServiceContext, 'db'>,
  year: ElectionYear,
): Promise<Map<string, ElectionResult>> {
  return findResultsForYear(db, year);
}

/** Seats whose 2019 majority was under this share of valid votes count as marginal. */
export const MARGINAL_MAJORITY_SHARE = 0.1;

export interface SeatMarginality {
  /** 2019 majority as a share of valid votes, 0–1. */
  majorityShare: number;
  marginal: boolean;
  winner: string;
}

/** Every seat's 2019 marginality, keyed by constituency code (empty before data is loaded). */
export async function seatMarginalities(
  ctx: Pick<ServiceContext, 'db'>,
): Promise<Map<string, SeatMarginality>> {
  const out = new Map<string, SeatMarginality>();
  for (const [code, r] of await findResultsForYear(ctx.db, 2019)) {
    const share = r.validVotes > 0 ? r.majority / r.validVotes : 1;
    out.set(code, {
      majorityShare: share,
      marginal: share < MARGINAL_MAJORITY_SHARE,
      winner: partyName(r.firstParty),
    });
  }
  return out;
}
