/**
 * Decisions and appeals. A decision states its reasons; above a warning it is proposed by one
 * caseworker and confirmed by another; the respondent must have been told and had the chance to
 * reply first. Once issued, the outcome is applied, both sides are emailed, and the appeal window
 * opens; an appeal goes to a caseworker who took no part.
 */
import { hashLinkToken, newLinkToken } from '../../infra/crypto/tokens.js';
import type { Actor } from '../../infra/service-context.js';
import { parseDateInput } from '../../infra/validation/text-rules.js';
import { reinstateCommenter, suspendCommentingByEmail } from '../comments/moderation.service.js';
import {
  type CaseContext,
  inCaseTransaction,
  type CaseTx,
  caseEvent,
  onCase,
  requireHandler,
} from './case-context.js';
import { appealRulingMail, outcomeMail } from './cases.mail.js';
import * as repo from './cases.repository.js';
import {
  CaseError,
  DAY_MS,
  REASONS_MAX_LENGTH,
  addDays,
  caseMachine,
  needsSecondPerson,
  outOfOrder,
  requireText,
} from './cases.rules.js';
import { outcomeApplier } from './cases.service.js';
import { getCaseSettings } from './cases.settings.js';
import { OUTCOMES, type Outcome } from './cases.tables.js';
import { scheduleMinimising } from './retention.service.js';
import { appealReviewerProblem, confirmerProblem } from './separation.js';
import { caseForRespondent } from './workflow.service.js';

/** Longest suspension from commenting a case may impose (the comments feature's own limit). */
export const SUSPENSION_MAX_DAYS = 366;

export interface ProposalInput {
  caseId: number;
  outcome: string;
  reasons: string;
  /** YYYY-MM-DD, for a suspension. */
  until: string;
}

function checkUntil(outcome: Outcome, until: string, now: Date): string | null {
  if (outcome !== 'comment_suspension') return null;
  const day = parseDateInput(until, '00:00:00.000');
  if (!day || day.getTime() <= now.getTime())
    throw new CaseError('A suspension needs an end date after today.', 400);
  if (day.getTime() > now.getTime() + SUSPENSION_MAX_DAYS * DAY_MS)
    throw new CaseError(`A suspension lasts at most ${SUSPENSION_MAX_DAYS} days.`, 400);
  return day.toISOString().slice(0, 10);
}

export async function proposeDecision(
  ctx: CaseContext,
  input: ProposalInput,
  actor: Actor,
): Promise<{ issued: boolean }> {
  const outcome = OUTCOMES.find((o) => o === input.outcome);
  if (!outcome) throw new CaseError('Choose an outcome.', 400);
  const reasons = requireText(input.reasons, 'the reasons for the decision', REASONS_MAX_LENGTH);
  const until = checkUntil(outcome, input.until, ctx.clock.now());
  const settings = await getCaseSettings(ctx.db);
  return onCase(ctx, input.caseId, actor, async (tx, c, me) => {
    if (c.status === 'decision')
      throw new CaseError('A decision has already been proposed: it awaits confirmation.', 409);
    if (!caseMachine.ruleFor('propose', c.status)) throw outOfOrder('propose', c.status);
    requireHandler(c, me);
    const now = tx.clock.now().toISOString();
    if (c.respondent_email) {
      if (!c.respondent_notified_at)
        throw new CaseError('Tell the respondent what is alleged before any decision.', 409);
      if (!c.replied_at && c.reply_due_at && c.reply_due_at > now)
        throw new CaseError(
          `The respondent has until ${c.reply_due_at.slice(0, 10)} to reply: decide after their reply or that date.`,
          409,
        );
    }
    await repo.updateCase(
      tx.trx,
      c.id,
      {
        status: 'decision',
        outcome,
        outcome_reasons: reasons,
        outcome_until: until,
        proposed_by: me.id,
        proposed_at: now,
        updated_at: now,
      },
      c.status,
    );
    await caseEvent(tx, c.id, 'proposed', me.id, `${outcome}: ${reasons}`);
    if (needsSecondPerson(outcome)) return { issued: false };
    await issueDecision(tx, c.id, me.id, settings.appealDays);
    return { issued: true };
  });
}

/** The second person's confirmation of a decision above a warning. */
export async function confirmDecision(
  ctx: CaseContext,
  caseId: number,
  actor: Actor,
): Promise<void> {
  const settings = await getCaseSettings(ctx.db);
  await onCase(ctx, caseId, actor, async (tx, c, me) => {
    if (!caseMachine.ruleFor('confirm', c.status)) throw outOfOrder('confirm', c.status);
    const problem = confirmerProblem(c, me);
    if (problem) throw new CaseError(problem, 403);
    await issueDecision(tx, c.id, me.id, settings.appealDays);
  });
}

async function applyOutcome(tx: CaseTx, c: repo.CaseRow, actorId: number): Promise<string> {
  const actor = { id: actorId, role: 'viewer' as const };
  switch (c.outcome) {
    case 'comment_suspension': {
      if (!c.respondent_email) return 'No email address: no commenter account to suspend.';
      const done = await suspendCommentingByEmail(
        tx,
        {
          email: c.respondent_email,
          until: c.outcome_until ?? '',
          reason: c.outcome_reasons ?? '',
        },
        actor,
      );
      if (done.ok)
        return `Commenting suspended until ${c.outcome_until ?? ''} (commenter ${done.commenterId}).`;
      if (done.errors) throw new CaseError(done.message, 400);
      return done.message;
    }
    case 'role_removal': {
      const applier = outcomeApplier('role_removal');
      if (!applier) return 'Recorded: no event or volunteer feature is connected to apply it.';
      return applier(
        tx,
        {
          caseId: c.id,
          respondentName: c.respondent_name,
          respondentEmail: c.respondent_email,
          respondentPersonId: c.respondent_person_id,
          reasons: c.outcome_reasons ?? '',
        },
        actor,
      );
    }
    case 'referral':
      return 'Referral recorded.';
    default:
      return 'Nothing to apply.';
  }
}

async function issueDecision(tx: CaseTx, caseId: number, confirmerId: number, appealDays: number) {
  const c = await repo.findCase(tx.trx, caseId);
  if (!c) throw new CaseError('There is no such case.', 404);
  const now = tx.clock.now().toISOString();
  const applied = await applyOutcome(tx, c, confirmerId);
  const token = newLinkToken();
  const appealBy = addDays(now, appealDays);
  await repo.updateCase(
    tx.trx,
    c.id,
    {
      status: 'appeal_window',
      confirmed_by: confirmerId,
      decided_at: now,
      appeal_due_at: appealBy,
      outcome_applied: applied,
      respondent_token_hash: c.respondent_email ? hashLinkToken(token) : null,
      next_due_at: appealBy,
      next_due_what: 'close',
      updated_at: now,
    },
    'decision',
  );
  const issued = { ...c, appeal_due_at: appealBy };
  if (c.respondent_email)
    await tx.mailer.send(
      outcomeMail(
        c.respondent_email,
        issued,
        `${tx.config.baseUrl}/cases/appeal/${token}`,
        'respondent',
      ),
      tx.trx,
    );
  if (c.complainant_email)
    await tx.mailer.send(outcomeMail(c.complainant_email, issued, null, 'complainant'), tx.trx);
  await caseEvent(tx, c.id, 'decided', confirmerId, applied);
}

async function recordAppeal(tx: CaseTx, c: repo.CaseRow, grounds: string, actorId: number | null) {
  const now = tx.clock.now().toISOString();
  if (!caseMachine.ruleFor('appeal', c.status)) throw outOfOrder('appeal', c.status);
  if (c.appeal_due_at && c.appeal_due_at < now)
    throw new CaseError('The time to appeal has passed.', 409);
  const settings = await getCaseSettings(tx.db);
  await repo.updateCase(
    tx.trx,
    c.id,
    {
      status: 'appealed',
      appealed_at: now,
      appeal_grounds: grounds,
      next_due_at: addDays(now, settings.appealRulingDays),
      next_due_what: 'appeal ruling',
      updated_at: now,
    },
    c.status,
  );
  await caseEvent(tx, c.id, 'appealed', actorId, grounds);
}

/** The respondent appeals through the link in the outcome email. */
export async function appealByRespondent(
  ctx: CaseContext,
  input: { token: string; grounds: string },
): Promise<void> {
  const c = await caseForRespondent(ctx, input.token);
  if (!c || c.minimised_at) throw new CaseError('This link does not work any more.', 404);
  const grounds = requireText(input.grounds, 'your grounds for appeal', REASONS_MAX_LENGTH);
  await inCaseTransaction(ctx, (tx) => recordAppeal(tx, c, grounds, null));
}

/** A caseworker records an appeal received another way (a letter, the complainant's email). */
export async function recordAppealForParty(
  ctx: CaseContext,
  input: { caseId: number; grounds: string },
  actor: Actor,
): Promise<void> {
  const grounds = requireText(input.grounds, 'the grounds for appeal', REASONS_MAX_LENGTH);
  await onCase(ctx, input.caseId, actor, (tx, c, me) => recordAppeal(tx, c, grounds, me.id));
}

export async function ruleOnAppeal(
  ctx: CaseContext,
  input: { caseId: number; result: string; reasons: string },
  actor: Actor,
): Promise<void> {
  const result = ['upheld', 'overturned'].find((r) => r === input.result);
  if (!result) throw new CaseError('Choose whether the decision is upheld or overturned.', 400);
  const reasons = requireText(input.reasons, 'the reasons for the ruling', REASONS_MAX_LENGTH);
  await onCase(ctx, input.caseId, actor, async (tx, c, me) => {
    if (!caseMachine.ruleFor('ruleOnAppeal', c.status)) throw outOfOrder('ruleOnAppeal', c.status);
    const problem = appealReviewerProblem(me, await repo.participants(tx.trx, c.id));
    if (problem) throw new CaseError(problem, 403);
    const now = tx.clock.now().toISOString();
    const commenter = /commenter (\d+)/.exec(c.outcome_applied ?? '')?.[1];
    if (result === 'overturned' && c.outcome === 'comment_suspension' && commenter)
      await reinstateCommenter(
        tx,
        { commenterId: Number(commenter) },
        { id: me.id, role: 'viewer' },
      );
    await repo.updateCase(
      tx.trx,
      c.id,
      {
        status: 'closed',
        appeal_reviewer_id: me.id,
        appeal_result: result,
        appeal_reasons: reasons,
        appeal_decided_at: now,
        closed_at: now,
        next_due_at: null,
        next_due_what: null,
        updated_at: now,
      },
      c.status,
    );
    const ruled = { ...c, appeal_result: result, appeal_reasons: reasons };
    for (const to of [c.respondent_email, c.complainant_email])
      if (to) await tx.mailer.send(appealRulingMail(to, ruled), tx.trx);
    await caseEvent(tx, c.id, `appeal-${result}`, me.id, reasons);
    await scheduleMinimising(tx, now);
  });
}

/** After the appeal window with no appeal, the case closes (its retention clock starts). */
export async function closeCase(ctx: CaseContext, caseId: number, actor: Actor): Promise<void> {
  await onCase(ctx, caseId, actor, async (tx, c, me) => {
    if (!caseMachine.ruleFor('close', c.status)) throw outOfOrder('close', c.status);
    const now = tx.clock.now().toISOString();
    if (c.appeal_due_at && c.appeal_due_at > now)
      throw new CaseError(`The appeal window is open until ${c.appeal_due_at.slice(0, 10)}.`, 409);
    await repo.updateCase(
      tx.trx,
      c.id,
      { status: 'closed', closed_at: now, next_due_at: null, next_due_what: null, updated_at: now },
      c.status,
    );
    await caseEvent(tx, c.id, 'closed', me.id);
    await scheduleMinimising(tx, now);
  });
}
