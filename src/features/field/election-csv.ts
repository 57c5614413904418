import { headerKey, readCsv } from '../../infra/csv/read-csv.js';
import {
  RESULTS_CSV_SHAPES,
  type ResultsCsvShape,
  UK_CONSTITUENCY_COUNT,
} from '../constituencies/uk-data.service.js';

/** Largest results file accepted: the shipped ones are about 130 KB for all 650 seats. */
export const ELECTION_CSV_MAX_BYTES = 1024 * 1024;
/** Problems listed one by one; beyond these the answer says how many more there are. */
export const PROBLEMS_SHOWN_MAX = 20;
export const UNKNOWN_CODES_SHOWN_MAX = 30;

/** One seat's result as field_election_results stores it (without the election's name). */
export interface ElectionRow {
  code: string;
  electorate: number;
  valid_votes: number;
  invalid_votes: number;
  turnout: number;
  majority: number;
  first_party: string;
  second_party: string;
  result: string;
  winner_name: string | null;
  party_votes: string;
}

export type ElectionCsv =
  | { ok: true; shape: ResultsCsvShape; rows: ElectionRow[] }
  | { ok: false; status: 400 | 413 | 422; message: string; problems: string[] };

const CODE = /^[ENSW]\d{8}$/;
const COUNT = /^\d+$/;

function capped(problems: string[]): string[] {
  if (problems.length <= PROBLEMS_SHOWN_MAX) return problems;
  const more = problems.length - PROBLEMS_SHOWN_MAX;
  return [
    ...problems.slice(0, PROBLEMS_SHOWN_MAX),
    `…and ${more} more problem${more === 1 ? '' : 's'}.`,
  ];
}

/**
 * Reads a results file in either shipped shape (the 2017 constituency-results file or the 2019
 * results-by-constituency file) and checks every row before anything is stored: all columns of
 * the shape present, every code a seat on the 2010–2019 boundaries (unknown ones listed), one row
 * per seat, counts whole numbers of 0 or more, and party votes adding up to the valid votes.
 */
export function parseElectionCsv(
  bytes: Buffer,
  isKnownSeat: (code: string) => boolean,
): ElectionCsv {
  const read = readCsv(bytes, {
    maxBytes: ELECTION_CSV_MAX_BYTES,
    maxRows: UK_CONSTITUENCY_COUNT,
    tooLargeMessage: `The file is larger than ${ELECTION_CSV_MAX_BYTES / 1024 / 1024} MB: a results file for all ${UK_CONSTITUENCY_COUNT} seats is about 130 KB.`,
  });
  if (!read.ok) {
    const message =
      read.status === 413 && /more than/.test(read.message)
        ? `The file has more than ${UK_CONSTITUENCY_COUNT} rows: there is one row per seat.`
        : read.message;
    return { ok: false, status: read.status, message, problems: [] };
  }
  const index = new Map<string, number>();
  read.header.forEach((h, i) => {
    const key = headerKey(h);
    if (key && !index.has(key)) index.set(key, i);
  });
  const shape = RESULTS_CSV_SHAPES.find((s) => index.has(headerKey(s.code)));
  if (!shape)
    return {
      ok: false,
      status: 422,
      message: `The file has no constituency code column: ${RESULTS_CSV_SHAPES.map((s) => `"${s.code}" in ${s.label}`).join(', ')}.`,
      problems: [],
    };
  const counts = [shape.electorate, shape.validVotes, shape.invalidVotes, shape.majority];
  const voteColumns = Object.entries(shape.votes);
  const required = [
    shape.code,
    ...counts,
    shape.firstParty,
    shape.secondParty,
    shape.result,
    ...voteColumns.map(([, column]) => column),
  ];
  const missing = required.filter((c) => !index.has(headerKey(c)));
  if (missing.length > 0)
    return {
      ok: false,
      status: 422,
      message: `The file is missing ${missing.length === 1 ? 'a column' : `${missing.length} columns`} of ${shape.label}: ${missing.map((c) => `"${c}"`).join(', ')}.`,
      problems: [],
    };
  if (read.rows.length === 0)
    return { ok: false, status: 422, message: 'The file has no rows of results.', problems: [] };

  const problems: string[] = [];
  const unknown: string[] = [];
  const seen = new Map<string, number>();
  const rows: ElectionRow[] = [];
  const optional = (cells: string[], column: string | undefined) => {
    const i = column === undefined ? undefined : index.get(headerKey(column));
    return i === undefined ? '' : (cells[i] ?? '');
  };
  for (const { cells, line } of read.rows) {
    const cell = (column: string) => cells[index.get(headerKey(column))!] ?? '';
    const before = problems.length;
    const code = cell(shape.code).toUpperCase();
    if (!CODE.test(code) || !isKnownSeat(code)) unknown.push(`${code || '(blank)'} (line ${line})`);
    else if (seen.has(code))
      problems.push(`Line ${line}: ${code} is already on line ${seen.get(code)}.`);
    else seen.set(code, line);
    const number = (column: string, blankIsZero: boolean) => {
      const value = cell(column);
      if (blankIsZero && value === '') return 0;
      if (!COUNT.test(value)) {
        problems.push(
          `Line ${line}: "${column}" must be a whole number, 0 or more, not "${value}".`,
        );
        return 0;
      }
      return Number(value);
    };
    const [electorate, valid, invalid, majority] = counts.map((c) => number(c, false)) as [
      number,
      number,
      number,
      number,
    ];
    const votes: Record<string, number> = {};
    let sum = 0;
    for (const [party, column] of voteColumns) {
      const n = number(column, true);
      sum += n;
      if (n > 0) votes[party] = n;
    }
    const first = cell(shape.firstParty);
    const second = cell(shape.secondParty);
    if (!first || !second)
      problems.push(
        `Line ${line}: "${shape.firstParty}" and "${shape.secondParty}" must name the winner and the runner-up.`,
      );
    if (problems.length > before) continue;
    if (sum !== valid)
      problems.push(
        `Line ${line}: the party votes add up to ${sum}, but "${shape.validVotes}" is ${valid}.`,
      );
    if (majority > valid)
      problems.push(
        `Line ${line}: the majority (${majority}) is larger than the valid votes (${valid}).`,
      );
    if (valid + invalid > electorate)
      problems.push(`Line ${line}: more votes were cast than the electorate (${electorate}).`);
    if (problems.length > before) continue;
    const winner = `${optional(cells, shape.winnerFirstName)} ${optional(cells, shape.winnerSurname)}`;
    rows.push({
      code,
      electorate,
      valid_votes: valid,
      invalid_votes: invalid,
      turnout: electorate > 0 ? Math.round(((valid + invalid) / electorate) * 10000) / 10000 : 0,
      majority,
      first_party: first,
      second_party: second,
      result: cell(shape.result),
      winner_name: winner.trim() || null,
      party_votes: JSON.stringify(votes),
    });
  }
  if (unknown.length > 0)
    problems.unshift(
      `Unknown constituency code${unknown.length === 1 ? '' : 's'} (not one of the ${UK_CONSTITUENCY_COUNT} seats on the 2010–2019 boundaries): ${unknown.slice(0, UNKNOWN_CODES_SHOWN_MAX).join(', ')}${unknown.length > UNKNOWN_CODES_SHOWN_MAX ? ` and ${unknown.length - UNKNOWN_CODES_SHOWN_MAX} more` : ''}.`,
    );
  if (problems.length > 0)
    return {
      ok: false,
      status: 422,
      message: `Nothing was imported: ${problems.length === 1 ? 'one problem' : `${problems.length} problems`} to fix in the file.`,
      problems: capped(problems),
    };
  return { ok: true, shape, rows };
}
