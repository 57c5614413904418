import type { Generated } from 'kysely';

export const IMPORT_STATUSES = ['uploaded', 'queued', 'running', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const SPREADSHEET_KINDS = ['csv', 'xlsx'] as const;
export type SpreadsheetKind = (typeof SPREADSHEET_KINDS)[number];

export const REJECT_PHASES = ['dry-run', 'import'] as const;
export type RejectPhase = (typeof REJECT_PHASES)[number];

export interface PeopleImportTables {
  /** One spreadsheet upload, from upload through dry run to the finished import. */
  people_imports: {
    id: Generated<number>;
    filename: string;
    kind: SpreadsheetKind;
    size_bytes: number;
    status: ImportStatus;
    /** JSON text: string[], the header row as read */
    headers: string;
    /** JSON text: ColumnTarget[] (one per header), null until the organiser maps columns */
    mapping: string | null;
    /** JSON text: ImportCounts of the last dry run, or null */
    dry_run_counts: string | null;
    /** JSON text: ImportCounts of the import, or null until it finished */
    counts: string | null;
    error: string | null;
    /** staff_users.id */
    created_by: number | null;
    job_id: number | null;
    created_at: string;
    updated_at: string;
    finished_at: string | null;
  };
  /**
   * The uploaded file in pieces, so neither the upload nor the worker (perhaps another process
   * or machine) ever holds the whole file; deleted when the import finishes.
   */
  people_import_chunks: {
    import_id: number;
    seq: number;
    data: Buffer;
  };
  /** Rows not imported, with their original cells, for the page and the CSV download. */
  people_import_rejects: {
    id: Generated<number>;
    import_id: number;
    phase: RejectPhase;
    row_number: number;
    reason: string;
    /** JSON text: string[], the row's cells as read */
    cells: string;
  };
}

declare module '../../../infra/db/schema.js' {
  interface Database extends PeopleImportTables {}
}
