import { CsvError, parse } from 'csv-parse/sync';
import type { EligibilityMode } from './petitions.tables.js';

/** Header names recognised as the column to read, per mode (compared lower-cased, spaces removed). */
const COLUMN_NAMES: Record<Exclude<EligibilityMode, 'none'>, RegExp> = {
  email: /^(e-?mail|emailaddress|e-mailaddress)$/,
  membership_number: /^(membership(number|no|id)?|member(number|no|id)?|number)$/,
};

const normaliseHeader = (cell: string) =>
  cell
    .trim()
    .toLowerCase()
    .replace(/[\s_.#]+/g, '');

/**
 * The entries of an uploaded list (a membership export, usually): one entry per line, or a CSV
 * whose first row names the column to use. Returned as one entry per line for the list parser.
 */
export function eligibilityEntriesFromFile(
  mode: Exclude<EligibilityMode, 'none'>,
  content: string,
): { ok: true; text: string } | { ok: false; error: string } {
  let rows: string[][];
  try {
    rows = parse(content, {
      bom: true,
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (err) {
    if (err instanceof CsvError)
      return { ok: false, error: `The file could not be read as CSV: ${err.message}` };
    throw err;
  }
  if (rows.length === 0) return { ok: false, error: 'The file is empty.' };
  const header = rows[0]!.map(normaliseHeader);
  const column = header.findIndex((cell) => COLUMN_NAMES[mode].test(cell));
  if (column >= 0)
    return {
      ok: true,
      text: rows
        .slice(1)
        .map((r) => r[column] ?? '')
        .join('\n'),
    };
  if (rows.every((r) => r.length <= 1))
    return { ok: true, text: rows.map((r) => r[0] ?? '').join('\n') };
  const wanted = mode === 'email' ? '"email"' : '"membership number"';
  return {
    ok: false,
    error: `The file has several columns: name the one to use ${wanted} in its first row.`,
  };
}
