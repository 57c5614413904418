/**
 * Limits of the spreadsheet import. Per-field limits of the person record itself live in
 * ../person-input.ts (NAME_MAX_LENGTH, CUSTOM_FIELD_VALUE_MAX_LENGTH…) and are applied per row.
 */

/** Largest upload accepted; anything bigger is refused with a 413 before it is stored. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** Upload pieces stored per database row (see people_import_chunks). */
export const CHUNK_BYTES = 1024 * 1024;

/** Rows shown on the preview page. */
export const PREVIEW_ROWS = 10;

/** Rows written per transaction: big enough to amortise commits, small enough to stay flat. */
export const BATCH_ROWS = 1000;

/** A sheet wider than this is refused: no supporter list has more columns than that. */
export const MAX_COLUMNS = 200;

/** Header names are cut to this length (they become custom field names, see person-input.ts). */
export const MAX_HEADER_LENGTH = 64;

/**
 * The longest single row, in characters, the CSV parser will assemble. A row past it (say a
 * runaway unclosed quote) is rejected with a reason rather than exhausting memory; single cells
 * of a megabyte or two in an ignored notes column still import.
 */
export const MAX_ROW_CHARS = 4 * 1024 * 1024;

/** Rejected rows listed on the dry-run and result pages (all of them go into the CSV download). */
export const REJECTS_SHOWN = 100;

/** Longest piece of a cell quoted back in a rejection reason. */
export const REASON_QUOTE_CHARS = 60;

/** An upload never taken past the dry run is deleted (with its stored file) after this long. */
export const ABANDONED_UPLOAD_MS = 2 * 24 * 60 * 60 * 1000;
