/**
 * UK Westminster constituencies on the 2010–2019 boundaries (650 seats), their 2017 and 2019
 * general-election results, and which constituencies each postcode district falls in.
 * Loaded from data/uk/ by uk-data.loader.ts; read through constituency-directory.ts and
 * constituencies.repository.ts.
 */
export interface ConstituencyTables {
  constituencies: {
    /** ONS/GSS code, e.g. E14000886. */
    code: string;
    name: string;
    region: string;
    country: string;
    county: string;
    /** Borough, County or Burgh. */
    type: string;
  };
  constituency_results: {
    code: string;
    year: number;
    electorate: number;
    valid_votes: number;
    invalid_votes: number;
    /** (valid + invalid) / electorate, 0–1. */
    turnout: number;
    majority: number;
    /** Party abbreviations as the source file writes them (Con, Lab, LD, SNP, APNI…). */
    first_party: string;
    second_party: string;
    /** e.g. "Con hold", "Lab gain from Con". */
    result: string;
    /** Only the 2019 file names the winner. */
    winner_name: string | null;
    /** JSON object: party abbreviation → votes, parties that stood only. */
    party_votes: string;
  };
  postcode_districts: {
    /** Postcode district (outward code), e.g. LS28. */
    outcode: string;
    code: string;
    /** Share of the district's postcodes that lie in this constituency, 0–1. */
    share: number;
  };
}

declare module '../../infra/db/schema.js' {
  interface Database extends ConstituencyTables {}
}
