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
}

declare module '../../infra/db/schema.js' {
  interface Database extends FieldTables {}
}
