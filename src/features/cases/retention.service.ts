/**
 * Retention: a closed case keeps its names and evidence for the configured period (the campaign
 * may need them to answer a claim), then is minimised: names, contacts, texts and files removed;
 * category, outcome and dates kept, so the transparency figures stay true.
 */
import type { ServiceContext } from '../../infra/service-context.js';
import { type CaseContext, type CaseTx, inCaseTransaction } from './case-context.js';
import * as repo from './cases.repository.js';
import { removeFiles } from './evidence-store.js';
import { DAY_MS, addDays } from './cases.rules.js';
import { getCaseSettings } from './cases.settings.js';

export const MINIMISE_JOB = 'cases.minimise';
export const REMOVED = '[removed after the retention period]';

export async function minimiseCase(
  tx: ServiceContext & { trx: NonNullable<ServiceContext['trx']> },
  caseId: number,
  at: string,
) {
  await repo.updateCase(tx.trx, caseId, {
    summary: REMOVED,
    complainant_name: null,
    complainant_email: null,
    complainant_person_id: null,
    confirm_token_hash: null,
    respondent_name: REMOVED,
    respondent_email: null,
    respondent_person_id: null,
    respondent_token_hash: null,
    source_ref: null,
    outcome_reasons: REMOVED,
    outcome_applied: null,
    appeal_grounds: null,
    appeal_reasons: null,
    minimised_at: at,
    updated_at: at,
  });
  const files = await repo.deleteEvidenceOf(tx.trx, caseId);
  await repo.clearEventNotes(tx.trx, caseId);
  return files;
}

/** A case just closed: the job that minimises it runs once its retention period has passed. */
export async function scheduleMinimising(tx: CaseTx, closedAt: string): Promise<void> {
  const { retentionDays } = await getCaseSettings(tx.db);
  // A minute's margin: the job then finds the case strictly past its cut-off.
  const runAt = new Date(Date.parse(closedAt) + retentionDays * DAY_MS + 60_000);
  await tx.jobs.enqueue(MINIMISE_JOB, null, { runAt, trx: tx.trx });
}

/** Minimises every closed case whose retention period has ended; returns how many. */
export async function minimiseDueCases(ctx: CaseContext): Promise<number> {
  const settings = await getCaseSettings(ctx.db);
  const now = ctx.clock.now().toISOString();
  const cutoff = addDays(now, -settings.retentionDays);
  const due = await repo.casesDueForMinimising(ctx.db.kysely, cutoff);
  for (const { id } of due) {
    const files = await inCaseTransaction(ctx, async (tx) => {
      const removed = await minimiseCase(tx, id, now);
      await tx.audit.record(
        {
          actorUserId: null,
          action: 'cases.minimised',
          subjectType: 'conduct_case',
          subjectId: id,
        },
        tx.trx,
      );
      return removed;
    });
    // Only once the rows are gone: a failed transaction must not lose the files it still names.
    await removeFiles(ctx.config.caseFilesDir, files);
  }
  return due.length;
}
