import type { Transaction } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import { type Actor, type ServiceContext, inTransaction } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { getStaff } from '../staff/staff.service.js';
import * as repo from './cases.repository.js';
import { CaseError } from './cases.rules.js';
import { removeFiles } from './evidence-store.js';
import { type StaffIdentity, conflictOf } from './separation.js';

/** Cases send links in mail, so they need the site's address. */
export type CaseContext = ServiceContext & Pick<Services, 'config'>;
export type CaseTx = CaseContext & {
  trx: Transaction<Database>;
  /** Evidence files written in this transaction: removed again if it fails. */
  writtenFiles: string[];
};

/**
 * A transaction every nested call joins, including code that reads `ctx.db` directly (another
 * feature's service, settings): SQLite has one connection, so a read beside an open transaction
 * would wait for it forever.
 */
export async function inCaseTransaction<T>(
  ctx: CaseContext & { writtenFiles?: string[] },
  work: (tx: CaseTx) => Promise<T>,
): Promise<T> {
  // A joined transaction shares the outer one's list; only the outermost cleans up.
  const writtenFiles = ctx.writtenFiles ?? [];
  try {
    return await inTransaction(ctx, (tx) =>
      work({ ...ctx, ...tx, trx: tx.trx, db: { ...ctx.db, kysely: tx.trx }, writtenFiles }),
    );
  } catch (err) {
    if (!ctx.trx) await removeFiles(ctx.config.caseFilesDir, writtenFiles);
    throw err;
  }
}

export async function staffIdentity(ctx: ServiceContext, actor: Actor): Promise<StaffIdentity> {
  const staff = actor ? await getStaff(ctx, actor.id) : undefined;
  if (!staff || staff.disabled_at) throw new CaseError('Only a caseworker can do this.', 403);
  return { id: staff.id, email: staff.email, name: staff.name };
}

/** One step on a case: the case locked in its own transaction, the actor checked for conflicts. */
export async function onCase<T>(
  ctx: CaseContext,
  caseId: number,
  actor: Actor,
  work: (tx: CaseTx, c: repo.CaseRow, me: StaffIdentity) => Promise<T>,
): Promise<T> {
  const me = await staffIdentity(ctx, actor);
  return inCaseTransaction(ctx, async (tx) => {
    const c = await repo.findCase(tx.trx, caseId);
    if (!c || c.status === 'unconfirmed') throw new CaseError('There is no such case.', 404);
    const conflicts = (await repo.listConflicts(tx.trx, caseId)).map((x) => x.staff_id);
    const problem = conflictOf(c, me, conflicts);
    if (problem) throw new CaseError(problem, 403);
    return work(tx, c, me);
  });
}

export function requireHandler(c: repo.CaseRow, me: StaffIdentity): void {
  if (c.handler_id === null)
    throw new CaseError('Take the case first: a case has one handler.', 409);
  if (c.handler_id !== me.id) throw new CaseError('Only the case handler can do this.', 403);
}

export async function caseEvent(
  tx: CaseTx,
  caseId: number,
  kind: string,
  actor: number | null,
  note: string | null = null,
): Promise<void> {
  await repo.insertEvent(tx.trx, {
    case_id: caseId,
    kind,
    actor_id: actor,
    note,
    created_at: tx.clock.now().toISOString(),
  });
  await tx.audit.record(
    { actorUserId: actor, action: `cases.${kind}`, subjectType: 'conduct_case', subjectId: caseId },
    tx.trx,
  );
}
