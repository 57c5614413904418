/** Excel opens a CSV as UTF-8 only when it starts with a byte-order mark. */
export const CSV_BOM = '\ufeff';

export const REASON_HEADER = 'Rejected because';

/**
 * A cell as CSV. Values a spreadsheet would run as a formula (=, +, -, @ first) get a leading
 * apostrophe, which spreadsheet programs hide and the importer takes off again.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** The header of a rejected-rows file: the original columns, then the reason. */
export function rejectedHeaderLine(headers: readonly string[]): string {
  return CSV_BOM + csvLine([...headers, REASON_HEADER]);
}

/**
 * A rejected row under that header: short rows are padded so the reason stays in its column;
 * the extra values of a long row follow the reason.
 */
export function rejectedLine(width: number, cells: readonly string[], reason: string): string {
  const padded = [...cells.slice(0, width)];
  while (padded.length < width) padded.push('');
  return csvLine([...padded, reason, ...cells.slice(width)]);
}
