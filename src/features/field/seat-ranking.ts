import type { ElectionResult } from '../constituencies/constituencies.service.js';

/** One seat seen from one party at one election. Shares and swings are fractions (0.01 = 1%). */
export interface SeatStanding {
  code: string;
  name: string;
  region: string;
  held: boolean;
  winner: string;
  /** The party the seat is won from (not held) or must be defended against (held). */
  opponent: string;
  ourVotes: number;
  ourShare: number;
  /** Held: our lead over the runner-up. Not held: the winner's lead over us. In votes. */
  majority: number;
  majorityShare: number;
  /** Two-party (Butler) swing that flips the seat: half the gap as a share of votes cast. */
  swing: number;
  turnout: number;
  /** The winner's own majority over the runner-up, whoever they are: how marginal the seat is. */
  winnerMajorityShare: number;
}

export interface SeatRanking {
  party: string;
  /** "2017", "2019" or the name of an imported election. */
  election: string;
  /** Not held, smallest swing needed first. */
  win: SeatStanding[];
  /** Held, smallest majority first. */
  defend: SeatStanding[];
  /** Seats where the party had no candidate: on the map, in neither list. */
  uncontested: SeatStanding[];
}

/** A seat either side can flip with a swing below this is "in play"; above it, safe. */
export const SAFE_SWING = 0.1;

/** The abbreviation the results use for `party` typed any case ("lab" → "Lab"), or undefined. */
export function resolveParty(results: Iterable<ElectionResult>, party: string): string | undefined {
  const wanted = party.trim().toLowerCase();
  if (!wanted) return undefined;
  for (const r of results)
    for (const v of r.votes)
      if (v.party.toLowerCase() === wanted && v.party !== 'Other') return v.party;
  return undefined;
}

export function standingOf(
  r: ElectionResult,
  party: string,
  seat: { name: string; region: string },
): SeatStanding {
  const votes = (p: string) => r.votes.find((v) => v.party === p)?.votes ?? 0;
  const ours = votes(party);
  const held = r.firstParty === party;
  const opponent = held ? r.secondParty : r.firstParty;
  // Independents and the Speaker are in "Other" in the files: their votes are the runner-up's plus the majority.
  const winnerVotes = votes(r.firstParty) || votes(r.secondParty) + r.majority;
  const majority = held ? r.majority : winnerVotes - ours;
  const valid = r.validVotes || 1;
  return {
    code: r.code,
    name: seat.name,
    region: seat.region,
    held,
    winner: r.firstParty,
    opponent,
    ourVotes: ours,
    ourShare: ours / valid,
    majority,
    majorityShare: majority / valid,
    swing: majority / valid / 2,
    turnout: r.turnout,
    winnerMajorityShare: r.majority / valid,
  };
}

/** Every seat's standing for `party`, split into seats to win and seats to defend. */
export function rankSeats(
  results: Map<string, ElectionResult>,
  seats: (code: string) => { name: string; region: string } | undefined,
  party: string,
  election: string,
): SeatRanking {
  const win: SeatStanding[] = [];
  const defend: SeatStanding[] = [];
  const uncontested: SeatStanding[] = [];
  for (const r of results.values()) {
    const seat = seats(r.code);
    if (!seat) continue;
    const s = standingOf(r, party, seat);
    // A seat where the party had no candidate is not one it can be said to need a swing in.
    if (s.held) defend.push(s);
    else if (s.ourVotes > 0) win.push(s);
    else uncontested.push(s);
  }
  const order = (a: SeatStanding, b: SeatStanding) =>
    a.swing - b.swing || a.name.localeCompare(b.name, 'en-GB');
  return { party, election, win: win.sort(order), defend: defend.sort(order), uncontested };
}

/** Safe for whoever holds it: neither winning nor defending it is where effort counts. */
export function isSafe(s: SeatStanding): boolean {
  return s.swing >= SAFE_SWING;
}
