import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CliCommand } from '../../infra/services.js';
import { ELECTION_CSV_MAX_BYTES, importElection } from './elections.service.js';
import { FieldInputError, rankSeatsFor } from './field.service.js';
import type { SeatStanding } from './seat-ranking.js';

export const CLI_LIMIT_MAX = 650;

/** Shares as percentages with two decimals: what a person compares by eye. */
export function seatLine(rank: number, list: 'win' | 'defend', s: SeatStanding) {
  const pct = (x: number) => Math.round(x * 10_000) / 100;
  return {
    rank,
    list,
    code: s.code,
    name: s.name,
    region: s.region,
    winner: s.winner,
    opponent: s.opponent,
    majority: s.majority,
    majorityPct: pct(s.majorityShare),
    swingPct: pct(s.swing),
    ourVotes: s.ourVotes,
    ourSharePct: pct(s.ourShare),
    turnoutPct: pct(s.turnout),
  };
}

/** `rally field seats --party lab --election 2017 --limit 50`: one JSON line per seat. */
export const fieldSeatsCommand: CliCommand = {
  summary: 'Rank seats to win (or --defend) for a party at an election, as JSON lines',
  usage: 'rally field seats --party lab --election 2017|<imported name> [--limit 50] [--defend]',
  options: {
    party: { type: 'string' },
    election: { type: 'string' },
    limit: { type: 'string' },
    defend: { type: 'boolean' },
  },
  run: async (values, _positionals, cli) => {
    const party = typeof values.party === 'string' ? values.party : '';
    const election = typeof values.election === 'string' ? values.election : '';
    if (!party || !election)
      throw new Error('give --party and --election, e.g. --party lab --election 2017');
    const limitText = typeof values.limit === 'string' ? values.limit : '50';
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > CLI_LIMIT_MAX)
      throw new Error(`--limit is a whole number from 1 to ${CLI_LIMIT_MAX}`);
    return cli.withServices(async (services) => {
      try {
        const ranking = await rankSeatsFor(services, { party, election });
        const list = values.defend === true ? 'defend' : 'win';
        ranking[list]
          .slice(0, limit)
          .forEach((s, i) => console.log(JSON.stringify(seatLine(i + 1, list, s))));
        return 0;
      } catch (err) {
        if (err instanceof FieldInputError) {
          console.error(err.message);
          return 1;
        }
        throw err;
      }
    });
  },
};

/**
 * `rally field elections import --election 2015 results.csv [--replace]`: results of another
 * election in the shape of either shipped file. Prints one JSON line; problems go to stderr.
 */
export const fieldElectionsImportCommand: CliCommand = {
  summary: 'Import an election from a CSV in the 2017 or 2019 results shape',
  usage: 'rally field elections import --election 2015 results.csv [--replace]',
  options: { election: { type: 'string' }, replace: { type: 'boolean' } },
  run: async (values, positionals, cli) => {
    const name = typeof values.election === 'string' ? values.election : '';
    const [file, ...extra] = positionals;
    if (!name || !file || extra.length > 0)
      throw new Error('give --election and one CSV file, e.g. --election 2015 results.csv');
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new Error(
        `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        {
          cause: err,
        },
      );
    }
    if (bytes.length > ELECTION_CSV_MAX_BYTES)
      throw new Error(`${file} is larger than ${ELECTION_CSV_MAX_BYTES / 1024 / 1024} MB`);
    return cli.withServices(async (services) => {
      try {
        const done = await importElection(
          services,
          { name, fileName: basename(file), bytes, replace: values.replace === true },
          null,
        );
        console.log(
          JSON.stringify({ election: done.name, seats: done.seats, replaced: done.replaced }),
        );
        return 0;
      } catch (err) {
        if (err instanceof FieldInputError) {
          console.error([err.message, ...err.problems].join('\n'));
          return 1;
        }
        throw err;
      }
    });
  },
};
