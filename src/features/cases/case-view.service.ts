/** Reading cases: every opening of a case is logged, and a party to it cannot open it. */
import type { Actor } from '../../infra/service-context.js';
import { staffNamesByIds } from '../staff/staff.service.js';
import { type CaseContext, staffIdentity } from './case-context.js';
import * as repo from './cases.repository.js';
import { CaseError } from './cases.rules.js';
import type { CaseStatus } from './cases.tables.js';
import { type StaffIdentity, conflictOf } from './separation.js';

export const PAGE_SIZE = 50;
/** Views of a case shown on its page (newest first). */
export const VIEWS_SHOWN = 50;

export interface CaseView {
  c: repo.CaseRow;
  evidence: repo.EvidenceSummary[];
  events: repo.EventRow[];
  conflicts: { staff_id: number; note: string; created_at: string }[];
  views: { staff_id: number; what: string; created_at: string }[];
  names: Map<number, string>;
  me: StaffIdentity;
  /** Why the viewer may not act (a declared conflict), if so. */
  myConflict: string | undefined;
  participants: Set<number>;
}

/** Whether the case exists for this caseworker; a party to it is refused (403), nothing logged. */
export async function checkCaseAccess(
  ctx: CaseContext,
  caseId: number,
  actor: Actor,
): Promise<boolean> {
  const me = await staffIdentity(ctx, actor);
  const c = await repo.findCase(ctx.db.kysely, caseId);
  if (!c || c.status === 'unconfirmed') return false;
  const partyProblem = conflictOf(c, me, []);
  if (partyProblem) throw new CaseError(partyProblem, 403);
  return true;
}

export async function viewCase(
  ctx: CaseContext,
  caseId: number,
  actor: Actor,
): Promise<CaseView | undefined> {
  const me = await staffIdentity(ctx, actor);
  const db = ctx.db.kysely;
  const c = await repo.findCase(db, caseId);
  if (!c || c.status === 'unconfirmed') return undefined;
  // A party may not read the file about them; a declared conflict still may (to know why).
  const partyProblem = conflictOf(c, me, []);
  if (partyProblem) throw new CaseError(partyProblem, 403);
  await repo.logView(db, {
    case_id: c.id,
    staff_id: me.id,
    what: 'case',
    created_at: ctx.clock.now().toISOString(),
  });
  const [evidence, events, conflicts, views, participants] = await Promise.all([
    repo.listEvidence(db, c.id),
    repo.listEvents(db, c.id),
    repo.listConflicts(db, c.id),
    repo.listViews(db, c.id, VIEWS_SHOWN),
    repo.participants(db, c.id),
  ]);
  const ids = [
    ...events.map((e) => e.actor_id),
    ...views.map((v) => v.staff_id),
    ...conflicts.map((x) => x.staff_id),
    ...evidence.map((e) => e.added_by),
    c.handler_id,
    c.proposed_by,
    c.confirmed_by,
    c.appeal_reviewer_id,
  ].filter((id): id is number => id !== null);
  return {
    c,
    evidence,
    events,
    conflicts,
    views,
    names: await staffNamesByIds(ctx, ids),
    me,
    myConflict: conflictOf(
      c,
      me,
      conflicts.map((x) => x.staff_id),
    ),
    participants,
  };
}

export async function listCasesFor(
  ctx: CaseContext,
  filter: { status?: CaseStatus | undefined; late?: boolean },
  page: number,
) {
  return repo.listCases(
    ctx.db.kysely,
    { status: filter.status, lateAt: filter.late ? ctx.clock.now().toISOString() : undefined },
    (page - 1) * PAGE_SIZE,
    PAGE_SIZE,
  );
}
