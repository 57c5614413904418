/**
 * The steps before a decision: take the case, declare a conflict, acknowledge, investigate, tell
 * the respondent what is alleged (with a deadline to reply), and the respondent's reply.
 */
import { hashLinkToken, isLinkTokenShape, newLinkToken } from '../../infra/crypto/tokens.js';
import type { Actor } from '../../infra/service-context.js';
import {
  type CaseContext,
  inCaseTransaction,
  caseEvent,
  onCase,
  requireHandler,
  staffIdentity,
} from './case-context.js';
import { acknowledgedMail, allegationMail } from './cases.mail.js';
import * as repo from './cases.repository.js';
import {
  CaseError,
  REASONS_MAX_LENGTH,
  SUMMARY_MAX_LENGTH,
  addDays,
  caseMachine,
  outOfOrder,
  requireText,
} from './cases.rules.js';
import { getCaseSettings } from './cases.settings.js';
import { addQuotedText } from './evidence.service.js';

/** The caseworker becomes the case's one handler (refused when conflicted: see onCase). */
export async function takeCase(ctx: CaseContext, caseId: number, actor: Actor): Promise<void> {
  await onCase(ctx, caseId, actor, async (tx, c, me) => {
    if (c.status === 'closed') throw new CaseError('The case is closed.', 409);
    if (c.handler_id === me.id) return;
    if (c.proposed_by !== null)
      throw new CaseError('A decision has been proposed: the handler can no longer change.', 409);
    await repo.updateCase(tx.trx, c.id, {
      handler_id: me.id,
      updated_at: tx.clock.now().toISOString(),
    });
    await caseEvent(tx, c.id, 'handler', me.id, `${me.name} handles the case.`);
  });
}

/** A caseworker steps aside; if they were the handler, the case needs a new one. */
export async function declareConflict(
  ctx: CaseContext,
  input: { caseId: number; note: string },
  actor: Actor,
): Promise<void> {
  const me = await staffIdentity(ctx, actor);
  const note = requireText(input.note, 'why you have a conflict', REASONS_MAX_LENGTH);
  await inCaseTransaction(ctx, async (tx) => {
    const c = await repo.findCase(tx.trx, input.caseId);
    if (!c || c.status === 'unconfirmed') throw new CaseError('There is no such case.', 404);
    const now = tx.clock.now().toISOString();
    await repo.insertConflict(tx.trx, { case_id: c.id, staff_id: me.id, note, created_at: now });
    if (c.handler_id === me.id)
      await repo.updateCase(tx.trx, c.id, { handler_id: null, updated_at: now });
    await caseEvent(tx, c.id, 'conflict', me.id, note);
  });
}

export async function acknowledgeCase(
  ctx: CaseContext,
  caseId: number,
  actor: Actor,
): Promise<void> {
  const settings = await getCaseSettings(ctx.db);
  await onCase(ctx, caseId, actor, async (tx, c, me) => {
    if (!caseMachine.ruleFor('acknowledge', c.status)) throw outOfOrder('acknowledge', c.status);
    requireHandler(c, me);
    const now = tx.clock.now().toISOString();
    const decisionBy = addDays(now, settings.decisionDays);
    await repo.updateCase(
      tx.trx,
      c.id,
      {
        status: 'acknowledged',
        acknowledged_at: now,
        next_due_at: decisionBy,
        next_due_what: 'decision',
        updated_at: now,
      },
      c.status,
    );
    if (c.complainant_email)
      await tx.mailer.send(acknowledgedMail(c.complainant_email, c, decisionBy), tx.trx);
    await caseEvent(tx, c.id, 'acknowledged', me.id);
  });
}

export async function startInvestigating(
  ctx: CaseContext,
  caseId: number,
  actor: Actor,
): Promise<void> {
  await onCase(ctx, caseId, actor, async (tx, c, me) => {
    if (!caseMachine.ruleFor('investigate', c.status)) throw outOfOrder('investigate', c.status);
    requireHandler(c, me);
    await repo.updateCase(
      tx.trx,
      c.id,
      { status: 'investigating', updated_at: tx.clock.now().toISOString() },
      c.status,
    );
    await caseEvent(tx, c.id, 'investigating', me.id);
  });
}

/** Tells the respondent what is alleged, with a link to reply by the deadline. */
export async function notifyRespondent(
  ctx: CaseContext,
  caseId: number,
  actor: Actor,
): Promise<void> {
  const settings = await getCaseSettings(ctx.db);
  await onCase(ctx, caseId, actor, async (tx, c, me) => {
    if (c.status !== 'investigating')
      throw new CaseError('Tell the respondent once the case is being investigated.', 409);
    requireHandler(c, me);
    if (!c.respondent_email)
      throw new CaseError('We have no email address for the respondent.', 409);
    if (c.respondent_notified_at) throw new CaseError('The respondent has already been told.', 409);
    const token = newLinkToken();
    const now = tx.clock.now().toISOString();
    const replyBy = addDays(now, settings.replyDays);
    await repo.updateCase(tx.trx, c.id, {
      respondent_token_hash: hashLinkToken(token),
      respondent_notified_at: now,
      reply_due_at: replyBy,
      updated_at: now,
    });
    await tx.mailer.send(
      allegationMail(
        c.respondent_email,
        c,
        `${ctx.config.baseUrl}/cases/respond/${token}`,
        replyBy,
      ),
      tx.trx,
    );
    await caseEvent(tx, c.id, 'respondent-told', me.id, `Reply due by ${replyBy.slice(0, 10)}.`);
  });
}

/** The case as its respondent's link shows it: what is alleged, never who said it if anonymous. */
export async function caseForRespondent(ctx: CaseContext, token: string) {
  if (!isLinkTokenShape(token)) return undefined;
  return repo.findCaseByToken(ctx.db.kysely, 'respondent_token_hash', hashLinkToken(token));
}

/** The respondent's reply, part of the case; accepted until the deadline or a decision. */
export async function respondentReply(
  ctx: CaseContext,
  input: { token: string; text: string },
): Promise<number> {
  const c = await caseForRespondent(ctx, input.token);
  if (!c || c.minimised_at) throw new CaseError('This link does not work any more.', 404);
  const text = requireText(input.text, 'your reply', SUMMARY_MAX_LENGTH);
  const now = ctx.clock.now().toISOString();
  if (c.status !== 'investigating' || (c.reply_due_at && c.reply_due_at < now))
    throw new CaseError('The time to reply has passed: replies are no longer accepted.', 409);
  return inCaseTransaction(ctx, async (tx) => {
    await addQuotedText(tx, c.id, text, 'respondent', null, 'reply');
    await repo.updateCase(tx.trx, c.id, { replied_at: now, updated_at: now });
    await caseEvent(tx, c.id, 'respondent-replied', null);
    return c.id;
  });
}
