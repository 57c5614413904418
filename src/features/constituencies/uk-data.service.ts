import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Insertable } from 'kysely';
import type { Db } from '../../infra/db/database.js';
import type { ConstituencyTables } from './constituencies.tables.js';
import { invalidateConstituencyDirectory } from './constituency-directory.service.js';

/** data/uk/README.md says where each file comes from and under which licence. */
export const UK_DATA_DIR = fileURLToPath(new URL('../../../data/uk/', import.meta.url));
export const UK_DATA_FILES = {
  ge2017: 'HoC-GE2017-constituency-results.csv',
  ge2019: 'HoC-GE2019-results-by-constituency.csv',
  postcodeDistricts: 'postcode_outcode_to_constituency_2010_boundaries.csv',
} as const;

/** 2010–2019 boundaries: the files cover exactly these seats, so fewer means a damaged file. */
export const UK_CONSTITUENCY_COUNT = 650;
const CODE = /^[ENSW]\d{8}$/;
/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 400;

type Row = Record<string, string>;
type ConstituencyRow = Insertable<ConstituencyTables['constituencies']>;
type ResultRow = Insertable<ConstituencyTables['constituency_results']>;
type DistrictRow = Insertable<ConstituencyTables['postcode_districts']>;

/** Vote columns of each file, keyed by the abbreviation that file uses in first/second party. */
export const GE2017_VOTE_COLUMNS: Record<string, string> = {
  Con: 'con',
  Lab: 'lab',
  LD: 'ld',
  UKIP: 'ukip',
  Green: 'green',
  SNP: 'snp',
  PC: 'pc',
  DUP: 'dup',
  SF: 'sf',
  SDLP: 'sdlp',
  UUP: 'uup',
  Alliance: 'alliance',
  Other: 'other',
};
export const GE2019_VOTE_COLUMNS: Record<string, string> = {
  Con: 'Con',
  Lab: 'Lab',
  LD: 'LD',
  BRX: 'BRX',
  Green: 'Green',
  SNP: 'SNP',
  PC: 'PC',
  DUP: 'DUP',
  SF: 'SF',
  SDLP: 'SDLP',
  UUP: 'UUP',
  APNI: 'APNI',
  Other: 'All other candidates',
};

/** The columns of a results file in each shipped shape (more elections import in either). */
export interface ResultsCsvShape {
  id: 'ge2017' | 'ge2019';
  /** As organisers know it: which shipped file it matches. */
  label: string;
  code: string;
  electorate: string;
  validVotes: string;
  invalidVotes: string;
  majority: string;
  firstParty: string;
  secondParty: string;
  result: string;
  /** Party abbreviation (as first/second party write it) → column of its votes. */
  votes: Record<string, string>;
  /** Optional columns naming the winner. */
  winnerFirstName?: string;
  winnerSurname?: string;
}

export const RESULTS_CSV_SHAPES: readonly ResultsCsvShape[] = [
  {
    id: 'ge2017',
    label: 'the 2017 constituency-results shape',
    code: 'id',
    electorate: 'electorate',
    validVotes: 'valid_votes',
    invalidVotes: 'invalid_votes',
    majority: 'majority',
    firstParty: 'first_party',
    secondParty: 'second_party',
    result: 'result',
    votes: GE2017_VOTE_COLUMNS,
  },
  {
    id: 'ge2019',
    label: 'the 2019 results-by-constituency shape',
    code: 'ONS ID',
    electorate: 'Electorate',
    validVotes: 'Valid votes',
    invalidVotes: 'Invalid votes',
    majority: 'Majority',
    firstParty: 'First party',
    secondParty: 'Second party',
    result: 'Result',
    votes: GE2019_VOTE_COLUMNS,
    winnerFirstName: 'Member first name',
    winnerSurname: 'Member surname',
  },
];

async function readCsv(file: string): Promise<Row[]> {
  const text = await readFile(UK_DATA_DIR + file, 'utf8');
  return parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true });
}

function field(row: Row, column: string, file: string, line: number): string {
  const value = row[column];
  if (value === undefined) throw new Error(`${file} line ${line}: no column "${column}"`);
  return value;
}

function count(row: Row, column: string, file: string, line: number): number {
  const value = field(row, column, file, line);
  if (!/^\d+$/.test(value))
    throw new Error(`${file} line ${line}: "${column}" is not a whole number: "${value}"`);
  return Number(value);
}

function code(row: Row, column: string, file: string, line: number): string {
  const value = field(row, column, file, line);
  if (!CODE.test(value))
    throw new Error(`${file} line ${line}: "${value}" is not a constituency code`);
  return value;
}

function partyVotes(
  row: Row,
  columns: Record<string, string>,
  file: string,
  line: number,
): Record<string, number> {
  const votes: Record<string, number> = {};
  for (const [party, column] of Object.entries(columns)) {
    const n = count(row, column, file, line);
    if (n > 0) votes[party] = n;
  }
  return votes;
}

function resultRow(
  base: Omit<ResultRow, 'turnout' | 'party_votes'>,
  votes: Record<string, number>,
): ResultRow {
  const turnout =
    base.electorate > 0 ? (base.valid_votes + base.invalid_votes) / base.electorate : 0;
  return {
    ...base,
    turnout: Math.round(turnout * 10000) / 10000,
    party_votes: JSON.stringify(votes),
  };
}

interface UkData {
  constituencies: ConstituencyRow[];
  results: ResultRow[];
  districts: DistrictRow[];
}

/** Reads and checks every file before anything is written, so a bad file changes nothing. */
export async function readUkData(): Promise<UkData> {
  const constituencies = new Map<string, ConstituencyRow>();
  const results: ResultRow[] = [];

  const f17 = UK_DATA_FILES.ge2017;
  (await readCsv(f17)).forEach((row, i) => {
    const line = i + 2;
    const c = code(row, 'id', f17, line);
    constituencies.set(c, {
      code: c,
      name: field(row, 'constituency_name', f17, line),
      region: field(row, 'region_name', f17, line),
      country: field(row, 'country_name', f17, line),
      county: field(row, 'county_name', f17, line),
      type: field(row, 'constituency_type', f17, line),
    });
    results.push(
      resultRow(
        {
          code: c,
          year: 2017,
          electorate: count(row, 'electorate', f17, line),
          valid_votes: count(row, 'valid_votes', f17, line),
          invalid_votes: count(row, 'invalid_votes', f17, line),
          majority: count(row, 'majority', f17, line),
          first_party: field(row, 'first_party', f17, line),
          second_party: field(row, 'second_party', f17, line),
          result: field(row, 'result', f17, line),
          winner_name: null,
        },
        partyVotes(row, GE2017_VOTE_COLUMNS, f17, line),
      ),
    );
  });

  // The 2019 file spells names properly (Ynys Môn) and uses ONS region names, so it wins.
  const f19 = UK_DATA_FILES.ge2019;
  (await readCsv(f19)).forEach((row, i) => {
    const line = i + 2;
    const c = code(row, 'ONS ID', f19, line);
    constituencies.set(c, {
      code: c,
      name: field(row, 'Constituency name', f19, line),
      region: field(row, 'Region name', f19, line),
      country: field(row, 'Country name', f19, line),
      county: field(row, 'County name', f19, line),
      type: field(row, 'Constituency type', f19, line),
    });
    const winner = `${field(row, 'Member first name', f19, line)} ${field(row, 'Member surname', f19, line)}`;
    results.push(
      resultRow(
        {
          code: c,
          year: 2019,
          electorate: count(row, 'Electorate', f19, line),
          valid_votes: count(row, 'Valid votes', f19, line),
          invalid_votes: count(row, 'Invalid votes', f19, line),
          majority: count(row, 'Majority', f19, line),
          first_party: field(row, 'First party', f19, line),
          second_party: field(row, 'Second party', f19, line),
          result: field(row, 'Result', f19, line),
          winner_name: winner.trim() || null,
        },
        partyVotes(row, GE2019_VOTE_COLUMNS, f19, line),
      ),
    );
  });

  if (constituencies.size !== UK_CONSTITUENCY_COUNT)
    throw new Error(
      `Expected ${UK_CONSTITUENCY_COUNT} constituencies in ${f17} and ${f19}, found ${constituencies.size}`,
    );

  const fpc = UK_DATA_FILES.postcodeDistricts;
  const districts: DistrictRow[] = [];
  (await readCsv(fpc)).forEach((row, i) => {
    const line = i + 2;
    // Postcodes that fell outside every (generalised) boundary polygon have no constituency.
    if (field(row, 'pcon_code', fpc, line) === '') return;
    const c = code(row, 'pcon_code', fpc, line);
    if (!constituencies.has(c)) throw new Error(`${fpc} line ${line}: unknown constituency ${c}`);
    const share = Number(field(row, 'share_of_outcode_postcodes', fpc, line));
    if (!(share >= 0 && share <= 1))
      throw new Error(`${fpc} line ${line}: share must be between 0 and 1`);
    districts.push({ outcode: field(row, 'outcode', fpc, line).toUpperCase(), code: c, share });
  });

  return { constituencies: [...constituencies.values()], results, districts };
}

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await insert(rows.slice(i, i + INSERT_CHUNK));
}

/**
 * Loads the UK constituencies, their 2017 and 2019 results and the postcode-district lookup from
 * data/uk/. Re-running replaces the previous load in one transaction, so readers never see a
 * half-loaded set and nothing is duplicated. Returns how many constituencies, results (one per
 * constituency and year) and distinct postcode districts were loaded.
 */
export async function loadUkConstituencies(
  db: Db,
): Promise<{ constituencies: number; results: number; postcodeDistricts: number }> {
  const data = await readUkData();
  await db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('postcode_districts').execute();
    await trx.deleteFrom('constituency_results').execute();
    await trx.deleteFrom('constituencies').execute();
    await insertChunked(data.constituencies, (chunk) =>
      trx.insertInto('constituencies').values(chunk).execute(),
    );
    await insertChunked(data.results, (chunk) =>
      trx.insertInto('constituency_results').values(chunk).execute(),
    );
    await insertChunked(data.districts, (chunk) =>
      trx.insertInto('postcode_districts').values(chunk).execute(),
    );
  });
  invalidateConstituencyDirectory(db);
  return {
    constituencies: data.constituencies.length,
    results: data.results.length,
    postcodeDistricts: new Set(data.districts.map((d) => d.outcode)).size,
  };
}
