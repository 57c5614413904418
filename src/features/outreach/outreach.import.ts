import { type Actor, type ServiceContext, actorId } from '../../infra/service-context.js';
import { parseCasesCsv } from './outreach.csv.js';
import type { CaseStatus } from './outreach.tables.js';
import { recordCase } from './outreach.service.js';

export interface ImportReport {
  filename: string;
  /** Data rows read (empty rows not counted). */
  rows: number;
  recorded: { row: number; caseId: number; status: CaseStatus }[];
  /** Rows not recorded, each with every reason, numbered as in a spreadsheet (header = row 1). */
  rejected: { row: number; messages: string[] }[];
}

/**
 * Records every valid row of an uploaded file as a case (each on its own, so one bad row does
 * not cost the others) and reports the rest by row. A post already recorded (by its address) is
 * rejected, so uploading a corrected file again adds only the rows that were missing.
 */
export async function importCases(
  ctx: ServiceContext,
  input: { filename: string; bytes: Buffer },
  actor: Actor,
): Promise<{ ok: true; report: ImportReport } | { ok: false; status: number; message: string }> {
  const { filename } = input;
  const parsed = parseCasesCsv(input.bytes);
  if (!parsed.ok) return parsed;
  const report: ImportReport = { filename, rows: parsed.rows.length, recorded: [], rejected: [] };
  for (const { row, form } of parsed.rows) {
    const result = await recordCase(ctx, { form, source: 'csv' }, actor);
    if (result.ok) report.recorded.push({ row, caseId: result.caseId, status: result.status });
    else report.rejected.push({ row, messages: Object.values(result.errors) });
  }
  await ctx.audit.record({
    actorUserId: actorId(actor),
    action: 'outreach.import',
    subjectType: 'outreach_import',
    details: {
      filename,
      rows: report.rows,
      recorded: report.recorded.length,
      rejected: report.rejected.length,
      caseIds: report.recorded.map((r) => r.caseId),
    },
  });
  return { ok: true, report };
}
