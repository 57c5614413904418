/**
 * The campaign's field plan: which seats it targets (with the organiser's note) and who works
 * where (staff users or supporters, hours per week).
 */
export interface FieldTables {
  field_target_seats: {
    /** ONS/GSS constituency code, e.g. E14000886. */
    code: string;
    note: string;
    marked_by: number | null;
    marked_at: string;
  };
  field_allocations: {
    id: import('kysely').Generated<number>;
    seat_code: string;
    /** Exactly one of staff_user_id and person_id is set. */
    staff_user_id: number | null;
    person_id: number | null;
    /** The organiser's or volunteer's name as shown on the allocation page. */
    label: string;
    hours_per_week: number;
    created_at: string;
  };
  /** Elections imported from CSV (the shipped 2017 and 2019 live with the constituencies). */
  field_elections: {
    /** What organisers type and pick: "2015", "2024-notional". Lower case. */
    name: string;
    /** The CSV shape it came in: 'ge2017' (constituency-results) or 'ge2019' (by-constituency). */
    shape: string;
    /** The uploaded file's name. */
    source: string;
    seats: number;
    imported_by: number | null;
    imported_at: string;
  };
  /** One row per seat of an imported election, as constituency_results holds the shipped ones. */
  field_election_results: {
    election: string;
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
    /** JSON object: party abbreviation → votes, parties that stood only. */
    party_votes: string;
  };
}

declare module '../../infra/db/schema.js' {
  interface Database extends FieldTables {}
}
