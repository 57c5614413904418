/**
 * Separation of roles, enforced rather than promised: who may handle, confirm or review a case.
 * Each check answers with the reason a person is refused, or undefined when they may act.
 */
import type { CaseRow } from './cases.repository.js';

export interface StaffIdentity {
  id: number;
  email: string;
  name: string;
}

/** Why this staff member may not act on the case at all (complainant, respondent, conflict). */
export function conflictOf(
  c: Pick<CaseRow, 'complainant_email' | 'respondent_email'>,
  staff: StaffIdentity,
  declaredConflicts: readonly number[],
): string | undefined {
  const email = staff.email.toLowerCase();
  if (c.respondent_email?.toLowerCase() === email)
    return 'You cannot handle a case about yourself.';
  if (c.complainant_email?.toLowerCase() === email)
    return 'You cannot handle a case you complained in.';
  if (declaredConflicts.includes(staff.id))
    return 'You declared a conflict of interest in this case.';
  return undefined;
}

/** A confirmer must be free of conflict and not the one who proposed. */
export function confirmerProblem(
  c: Pick<CaseRow, 'proposed_by'>,
  staff: StaffIdentity,
): string | undefined {
  if (c.proposed_by === staff.id)
    return 'You proposed this decision: a different caseworker must confirm it.';
  return undefined;
}

/** An appeal goes to someone who took no part in the case. */
export function appealReviewerProblem(
  staff: StaffIdentity,
  participants: ReadonlySet<number>,
): string | undefined {
  if (participants.has(staff.id))
    return 'You took part in this case: the appeal must go to a caseworker who did not.';
  return undefined;
}
