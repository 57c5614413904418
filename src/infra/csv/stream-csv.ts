import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyReply } from 'fastify';

export type CsvCell = string | number | null | undefined;
export type CsvRecord = readonly CsvCell[];

export interface CsvDownload {
  /** Offered to the browser as the saved file's name. */
  filename: string;
  header: readonly string[];
  /** Produced while the reply is written: a large export never sits in memory as a whole. */
  rows: AsyncIterable<CsvRecord> | Iterable<CsvRecord>;
  /** Excel reads UTF-8 CSV as Windows-1252 without the byte-order mark, mangling names. */
  bom?: boolean;
}

/** The ASCII fallback name, and the exact one for browsers that read RFC 6266's filename*. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\w.-]+/g, '_');
  return ascii === filename
    ? `attachment; filename="${filename}"`
    : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Sends rows as a CSV download through csv-stringify's stream, so the socket's back-pressure
 * paces the row source (and its database queries). Cells a spreadsheet would run as a formula
 * (= + - @, or a tab or CR hiding one) get a leading apostrophe: anyone can type their name as
 * "=HYPERLINK(…)".
 */
export function streamCsv(reply: FastifyReply, download: CsvDownload): FastifyReply {
  const stringifier = stringify({ bom: download.bom ?? false, escape_formulas: true });
  stringifier.write([...download.header]);
  // pipeline (not pipe) so a failing query destroys the reply instead of leaving it hanging.
  pipeline(Readable.from(download.rows), stringifier, (err) => {
    if (err) reply.log.error({ err }, 'CSV export failed part-way');
  });
  return reply
    .header('cache-control', 'no-store')
    .header('content-disposition', contentDisposition(download.filename))
    .type('text/csv; charset=utf-8')
    .send(stringifier);
}
