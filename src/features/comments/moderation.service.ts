/**
 * What moderators do: approve and reject comments (one or many), suspend, ban and reinstate
 * commenters, and set a thread's mode. Each is one transaction that also writes the moderation
 * log (shown to staff) and the audit log.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
} from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import { parseDateInput } from '../../infra/validation/text-rules.js';
import { recordModeratorDecision } from '../civility/civility-learning.service.js';
import { staffNamesByIds } from '../staff/staff.service.js';
import { BULK_MAX, SANCTION_REASON_MAX_LENGTH } from './comments.limits.js';
import * as repo from './comments.repository.js';
import { MODERATION_MODES, type ModerationMode } from './comments.tables.js';
import { formatDay, sanctionMessage } from './posting.service.js';

export const SANCTION_MAIL_CATEGORY = 'comments.sanction';
/** Longest suspension; beyond it a moderator bans instead. */
export const SUSPENSION_MAX_DAYS = 366;

type InTransaction = ServiceContext & { trx: Transaction<Database> };

export const MODERATION_ACTIONS = ['approve', 'reject'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** Who acted, as the log shows them: their name then, since the log outlives staff accounts. */
async function moderatorOf(ctx: ServiceContext, actor: Actor) {
  const id = actorId(actor);
  const name = id === null ? undefined : (await staffNamesByIds(ctx, [id])).get(id);
  return { id, name: name ?? (id === null ? 'Rally' : `Staff member ${id}`) };
}

async function log(
  tx: InTransaction,
  actor: { id: number | null; name: string },
  entry: {
    action: string;
    details: string;
    commentId?: number;
    commenterId?: number;
    threadId?: number;
  },
  at: string,
) {
  await repo.insertLog(tx.trx, {
    actor_user_id: actor.id,
    actor_name: actor.name,
    action: entry.action,
    comment_id: entry.commentId ?? null,
    commenter_id: entry.commenterId ?? null,
    thread_id: entry.threadId ?? null,
    details: entry.details,
    created_at: at,
  });
  const subject =
    entry.commentId !== undefined
      ? { subjectType: 'comment', subjectId: entry.commentId }
      : entry.commenterId !== undefined
        ? { subjectType: 'commenter', subjectId: entry.commenterId }
        : { subjectType: 'comment_thread', subjectId: entry.threadId ?? '' };
  await tx.audit.record(
    { actorUserId: actor.id, action: `comments.${entry.action}`, ...subject },
    tx.trx,
  );
}

const STATUS_WORDS: Record<string, string> = {
  held: 'held by the guard',
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
};

export type ModerateResult =
  { ok: true; changed: number; skipped: number } | { ok: false; error: string };

/**
 * Approves (shows) or rejects (removes) the comments; either way their open reports are
 * resolved. Comments already in that state with no open report, and unconfirmed ones, are
 * skipped.
 */
export async function moderateComments(
  ctx: ServiceContext,
  { ids, action }: { ids: number[]; action: ModerationAction },
  actor: Actor,
): Promise<ModerateResult> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { ok: false, error: 'Tick at least one comment first.' };
  if (unique.length > BULK_MAX)
    return { ok: false, error: `At most ${BULK_MAX} comments can be changed at once.` };
  const at = ctx.clock.now().toISOString();
  const target = action === 'approve' ? 'approved' : 'rejected';
  const moderator = await moderatorOf(ctx, actor);
  return inTransaction(ctx, async (tx) => {
    const { trx } = tx;
    const rows = await repo.findComments(trx, unique);
    const open = new Set(
      (await repo.reportsFor(trx, unique)).filter((r) => !r.resolved_at).map((r) => r.comment_id),
    );
    let changed = 0;
    for (const c of rows) {
      if (c.status === 'unconfirmed' || (c.status === target && !open.has(c.id))) continue;
      await repo.updateComment(trx, c.id, {
        status: target,
        moderated_at: at,
        moderated_by: moderator.id,
        updated_at: at,
        ...(target === 'approved' ? { published_at: c.published_at ?? at } : {}),
      });
      await repo.resolveReports(trx, c.id, moderator.id, at);
      if (c.guard_decision === 'review' || open.has(c.id)) {
        // Held or reported text, decided by a person: an example the guard can learn from.
        const writer = await repo.findCommenter(trx, c.commenter_id);
        await recordModeratorDecision(trx, {
          source: 'comment',
          sourceId: String(c.id),
          text: c.body,
          guardScore: c.guard_score,
          guardDecision: c.guard_decision,
          decision: action,
          personId: writer?.person_id ?? null,
          personEmail: writer?.email ?? null,
          moderatorUserId: moderator.id,
          at,
        });
      }
      const was = STATUS_WORDS[c.status] ?? c.status;
      const details =
        c.status === target
          ? `Reports resolved; the comment stays ${target}.`
          : `Was ${was}${open.has(c.id) ? ' and reported' : ''}; now ${target}.`;
      await log(
        tx,
        moderator,
        { action, details, commentId: c.id, commenterId: c.commenter_id, threadId: c.thread_id },
        at,
      );
      changed += 1;
    }
    return { ok: true as const, changed, skipped: unique.length - changed };
  });
}

export type SanctionInput = { commenterId: number } & (
  | { kind: 'suspend'; until: string; reason: string }
  | { kind: 'ban'; reason: string; removeComments: boolean }
);

export type SanctionResult = { ok: true } | { ok: false; errors: Record<string, string> };

function sanctionMail(
  baseUrl: string,
  name: string,
  what: string,
  reason: string,
): { subject: string; text: string } {
  return {
    subject: `You can no longer comment: ${what}`,
    text: [
      `Hello ${name},`,
      '',
      `A moderator has ${what}.`,
      '',
      `Reason: ${reason}`,
      '',
      `Our moderation policy: ${baseUrl}/moderation-policy`,
      'If you think this is a mistake, reply to this email to appeal. A different moderator will look at it.',
    ].join('\n'),
  };
}

/**
 * Suspends a commenter until a date (YYYY-MM-DD, from midnight UTC) or bans them, and tells them
 * why by email, linking the moderation policy (hence `config`: the site's address). A ban may
 * also remove everything they have posted.
 */
export async function sanctionCommenter(
  ctx: ServiceContext & Pick<Services, 'config'>,
  input: SanctionInput,
  actor: Actor,
): Promise<SanctionResult | { ok: false; notFound: true }> {
  const now = ctx.clock.now();
  const reason = input.reason.replace(/\s+/g, ' ').trim();
  const errors: Record<string, string> = {};
  if (!reason) errors.reason = 'Give the reason: it is sent to the commenter.';
  else if (reason.length > SANCTION_REASON_MAX_LENGTH)
    errors.reason = `The reason can be at most ${SANCTION_REASON_MAX_LENGTH.toLocaleString('en-GB')} characters.`;
  let until: string | undefined;
  if (input.kind === 'suspend') {
    const day = parseDateInput(input.until, '00:00:00.000');
    const latest = now.getTime() + SUSPENSION_MAX_DAYS * 86_400_000;
    if (!day || day.getTime() <= now.getTime()) errors.until = 'Choose a date after today.';
    else if (day.getTime() > latest)
      errors.until = `A suspension lasts at most ${SUSPENSION_MAX_DAYS} days; ban the commenter instead.`;
    else until = day.toISOString();
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const at = now.toISOString();
  const moderator = await moderatorOf(ctx, actor);
  return inTransaction(ctx, async (tx) => {
    const { trx } = tx;
    const commenter = await repo.findCommenter(trx, input.commenterId);
    if (!commenter || commenter.erased_at) return { ok: false as const, notFound: true as const };
    const what =
      input.kind === 'ban'
        ? 'banned you from commenting'
        : `suspended your commenting until ${formatDay(until as string)}`;
    await repo.updateCommenter(trx, commenter.id, {
      ...(input.kind === 'ban'
        ? { banned_at: at, suspended_until: null }
        : { suspended_until: until }),
      sanction_reason: reason,
      updated_at: at,
    });
    let removed = 0;
    if (input.kind === 'ban' && input.removeComments) {
      for (const c of await repo.commentsOfCommenter(trx, commenter.id)) {
        if (c.status === 'rejected') continue;
        await repo.updateComment(trx, c.id, {
          status: 'rejected',
          confirm_token_hash: null,
          moderated_at: at,
          moderated_by: moderator.id,
          updated_at: at,
        });
        await repo.resolveReports(trx, c.id, moderator.id, at);
        removed += 1;
      }
    }
    const details =
      input.kind === 'ban'
        ? `Banned${input.removeComments ? `, ${removed} comment${removed === 1 ? '' : 's'} removed` : ''}: ${reason}`
        : `Suspended until ${(until as string).slice(0, 10)}: ${reason}`;
    await log(tx, moderator, { action: input.kind, details, commenterId: commenter.id }, at);
    await tx.mailer.send(
      {
        to: commenter.email,
        ...sanctionMail(ctx.config.baseUrl, commenter.display_name, what, reason),
        category: SANCTION_MAIL_CATEGORY,
      },
      trx,
    );
    return { ok: true as const };
  });
}

/**
 * A time-limited suspension decided elsewhere (a conduct case): the commenter with this email, if
 * there is one, is suspended until `until` (YYYY-MM-DD) through the same rules and notice email.
 */
export async function suspendCommentingByEmail(
  ctx: ServiceContext & Pick<Services, 'config'>,
  input: { email: string; until: string; reason: string },
  actor: Actor,
): Promise<
  | { ok: true; commenterId: number }
  | { ok: false; message: string; errors?: Record<string, string> }
> {
  const commenter = await repo.findCommenterByEmail(
    ctx.trx ?? ctx.db.kysely,
    normaliseEmail(input.email) ?? input.email,
  );
  if (!commenter || commenter.erased_at)
    return { ok: false, message: 'They have no commenter account: nothing to suspend.' };
  const result = await sanctionCommenter(
    ctx,
    { commenterId: commenter.id, kind: 'suspend', until: input.until, reason: input.reason },
    actor,
  );
  if (result.ok) return { ok: true, commenterId: commenter.id };
  return 'errors' in result
    ? { ok: false, message: Object.values(result.errors).join(' '), errors: result.errors }
    : { ok: false, message: 'They have no commenter account: nothing to suspend.' };
}

/** Lifts a suspension or ban (e.g. after an appeal). */
export async function reinstateCommenter(
  ctx: ServiceContext,
  { commenterId }: { commenterId: number },
  actor: Actor,
): Promise<boolean> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const moderator = await moderatorOf(ctx, actor);
  return inTransaction(ctx, async (tx) => {
    const { trx } = tx;
    const commenter = await repo.findCommenter(trx, commenterId);
    if (!commenter || commenter.erased_at || !sanctionMessage(commenter, now)) return false;
    await repo.updateCommenter(trx, commenter.id, {
      banned_at: null,
      suspended_until: null,
      sanction_reason: null,
      updated_at: at,
    });
    await log(
      tx,
      moderator,
      { action: 'reinstate', details: 'May comment again.', commenterId: commenter.id },
      at,
    );
    return true;
  });
}

export function isModerationMode(value: string): value is ModerationMode {
  return (MODERATION_MODES as readonly string[]).includes(value);
}

/** Post- or pre-moderation, open or closed: organisers decide per page. */
export async function changeThreadSettings(
  ctx: ServiceContext,
  { threadId, ...settings }: { threadId: number; mode: ModerationMode; open: boolean },
  actor: Actor,
): Promise<boolean> {
  const at = ctx.clock.now().toISOString();
  const moderator = await moderatorOf(ctx, actor);
  return inTransaction(ctx, async (tx) => {
    const { trx } = tx;
    const thread = await repo.findThread(trx, threadId);
    if (!thread) return false;
    const open = settings.open ? 1 : 0;
    if (thread.mode === settings.mode && thread.open === open) return true;
    await repo.updateThreadSettings(trx, threadId, { mode: settings.mode, open }, at);
    const details = `${settings.mode === 'pre' ? 'Pre-moderation' : 'Post-moderation'}, ${settings.open ? 'open' : 'comments closed'}.`;
    await log(tx, moderator, { action: 'thread-settings', details, threadId }, at);
    return true;
  });
}
