/**
 * Writing comments: the double opt-in of a new commenter, posting as a recognised one, editing
 * within the window, and reporting. Every text goes through the campaign's civility guard.
 */
import { emitDomainEvent } from '../../infra/events/domain-events.js';
import type { Transaction } from 'kysely';
import { hashLinkToken, newLinkToken } from '../../infra/crypto/tokens.js';
import type { Database } from '../../infra/db/schema.js';
import { type ServiceContext, inTransaction, queries } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import type { CivilityAssessment } from '../civility/civility.service.js';
import { recordActivity, recordConsent, upsertPerson } from '../people/people.service.js';
import {
  type FormErrors,
  cleanCommentText,
  cleanDisplayName,
  commentTextError,
  displayNameError,
  emailOrError,
} from './comment-input.js';
import {
  COMMENTS_PER_COMMENTER_PER_HOUR,
  COMMENTS_PER_IP_PER_HOUR,
  CONFIRM_LINK_MAX_AGE_MS,
  EDIT_WINDOW_MS,
  MAX_REPLY_DEPTH,
  RATE_WINDOW_MS,
  REPORTS_PER_IP_PER_HOUR,
  REPORT_NOTE_MAX_LENGTH,
} from './comments.limits.js';
import * as repo from './comments.repository.js';
import type { CommentRow, CommenterRow } from './comments.repository.js';
import { type CommentThread, toThread } from './comment-thread.js';
import {
  type CommentStatus,
  type ModerationMode,
  REPORT_REASONS,
  type ReportReason,
} from './comments.tables.js';

export const CONFIRM_MAIL_CATEGORY = 'comments.confirm';
export const CONSENT_WORDING =
  'Keep me updated by email about this campaign. I can unsubscribe at any time.';

/** Where an allowed or reviewed comment goes: the guard's review holds it in every mode. */
export function statusFor(decision: 'allow' | 'review', mode: ModerationMode): CommentStatus {
  if (decision === 'review') return 'held';
  return mode === 'post' ? 'approved' : 'pending';
}

export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** Why this commenter may not post now, or undefined when they may. */
export function sanctionMessage(c: CommenterRow, now: Date): string | undefined {
  if (c.banned_at)
    return 'You have been banned from commenting on this site. The moderation policy explains how to appeal.';
  if (c.suspended_until && c.suspended_until > now.toISOString())
    return `Your commenting is suspended until ${formatDay(c.suspended_until)}. The moderation policy explains how to appeal.`;
  return undefined;
}

/** The commenter a (signed) cookie names, if they may still be recognised. */
export async function recognisedCommenter(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  commenterId: number | null,
): Promise<CommenterRow | undefined> {
  if (commenterId === null) return undefined;
  const row = await repo.findCommenter(queries(ctx), commenterId);
  return row && row.confirmed_at && !row.erased_at ? row : undefined;
}

export function canEdit(comment: CommentRow, commenterId: number | undefined, now: Date): boolean {
  return (
    commenterId !== undefined &&
    comment.commenter_id === commenterId &&
    ['approved', 'pending', 'held'].includes(comment.status) &&
    now.getTime() - new Date(comment.created_at).getTime() <= EDIT_WINDOW_MS
  );
}

function guardFields(a: CivilityAssessment) {
  return {
    guard_decision: a.decision === 'review' ? ('review' as const) : ('allow' as const),
    guard_score: a.score,
    guard_labels: JSON.stringify(a.labels),
    guard_spans: JSON.stringify(a.spans),
  };
}

function confirmationMail(thread: CommentThread, name: string, link: string) {
  return {
    subject: `Confirm your comment on "${thread.title}"`,
    text: [
      `Hello ${name},`,
      '',
      `Thank you for joining the discussion "${thread.title}".`,
      'Before your comment can appear, please confirm your email address by opening this link:',
      '',
      link,
      '',
      'The link works once, for 7 days. Once confirmed, this browser remembers you and your next comments need no email.',
      'If you did not write a comment, ignore this message and nothing more will happen.',
    ].join('\n'),
  };
}

export interface CommentSubmission {
  threadId: number;
  parentId: number | null;
  body: string;
  /** Name and email are asked only of someone not yet recognised by their cookie. */
  name: string;
  email: string;
  consent: boolean;
  ip: string;
  commenter: CommenterRow | undefined;
}

export type Refusal = { status: 403 | 429; title: string; message: string };

export type SubmitResult =
  | { kind: 'not-found' }
  | { kind: 'closed'; thread: CommentThread }
  | { kind: 'invalid'; thread: CommentThread; errors: FormErrors }
  | { kind: 'blocked'; thread: CommentThread; assessment: CivilityAssessment }
  | ({ kind: 'refused'; thread: CommentThread } & Refusal)
  | { kind: 'check-email'; thread: CommentThread; email: string }
  | { kind: 'posted'; thread: CommentThread; comment: CommentRow };

async function rateRefusal(
  ctx: ServiceContext,
  commenterId: number | undefined,
  ip: string,
): Promise<Refusal | undefined> {
  const since = new Date(ctx.clock.now().getTime() - RATE_WINDOW_MS).toISOString();
  const db = queries(ctx);
  if (
    commenterId !== undefined &&
    (await repo.countCommentsByCommenterSince(db, commenterId, since)) >=
      COMMENTS_PER_COMMENTER_PER_HOUR
  )
    return {
      status: 429,
      title: 'Too many comments',
      message: `You can post at most ${COMMENTS_PER_COMMENTER_PER_HOUR} comments an hour. Please wait a while and try again.`,
    };
  if ((await repo.countCommentsByIpSince(db, ip, since)) >= COMMENTS_PER_IP_PER_HOUR)
    return {
      status: 429,
      title: 'Too many comments',
      message: `At most ${COMMENTS_PER_IP_PER_HOUR} comments an hour can come from one network. Please try again later.`,
    };
  return undefined;
}

async function recordCommentActivity(
  tx: ServiceContext & { trx: Transaction<Database> },
  personId: number,
  thread: CommentThread,
  commentId: number,
) {
  await recordActivity(
    tx.db,
    personId,
    {
      kind: 'comment',
      summary: `Commented on "${thread.title}"`,
      refType: 'comment',
      refId: commentId,
    },
    { trx: tx.trx },
  );
}

/**
 * A comment from the thread page. A recognised commenter's comment is stored straight away with
 * the status the guard and the thread's mode give it; anyone else's waits, unconfirmed, for the
 * link mailed to them (hence `config`: the link's address). Text the guard blocks is never stored.
 */
/** Moderators' tools (webhooks) hear of a comment waiting for review. */
function emitCommentHeld(
  trx: Parameters<typeof emitDomainEvent>[0],
  commentId: number,
  thread: CommentThread,
  at: string,
) {
  return emitDomainEvent(
    trx,
    'comment.held',
    { comment_id: commentId, thread_id: thread.id, thread_title: thread.title },
    at,
  );
}

export async function submitComment(
  ctx: ServiceContext & Pick<Services, 'config'>,
  sub: CommentSubmission,
): Promise<SubmitResult> {
  const db = queries(ctx);
  const now = ctx.clock.now();
  const row = await repo.findThread(db, sub.threadId);
  if (!row) return { kind: 'not-found' };
  const thread = toThread(row);
  if (!thread.open) return { kind: 'closed', thread };

  const errors: FormErrors = {};
  const text = cleanCommentText(sub.body);
  const textError = commentTextError(text);
  if (textError) errors.body = textError;
  let identity: { email: string; name: string } | undefined;
  if (!sub.commenter) {
    const name = cleanDisplayName(sub.name);
    const nameError = displayNameError(name);
    if (nameError) errors.name = nameError;
    const email = emailOrError(sub.email);
    if ('error' in email) errors.email = email.error;
    else identity = { email: email.email, name };
  }
  const parent = sub.parentId === null ? undefined : await repo.findComment(db, sub.parentId);
  if (
    sub.parentId !== null &&
    (!parent || parent.thread_id !== thread.id || parent.status !== 'approved')
  )
    errors.parent = 'The comment you are replying to is not available any more.';
  if (Object.keys(errors).length > 0 || (!sub.commenter && !identity))
    return { kind: 'invalid', thread, errors };

  const known = sub.commenter ?? (await repo.findCommenterByEmail(db, identity?.email ?? ''));
  const sanction = known ? sanctionMessage(known, now) : undefined;
  if (sanction)
    return { kind: 'refused', thread, status: 403, title: 'You cannot comment', message: sanction };
  const limited = await rateRefusal(ctx, known?.id, sub.ip);
  if (limited) return { kind: 'refused', thread, ...limited };

  const assessment = (await campaignGuard(ctx.db)).assess(text);
  if (assessment.decision === 'block') return { kind: 'blocked', thread, assessment };

  const at = now.toISOString();
  const placement = parent
    ? {
        parent_id: parent.id,
        root_id: parent.root_id ?? parent.id,
        depth: Math.min(parent.depth + 1, MAX_REPLY_DEPTH),
      }
    : { parent_id: null, root_id: null, depth: 0 };
  const base = {
    thread_id: thread.id,
    ...placement,
    body: text,
    ...guardFields(assessment),
    ip: sub.ip,
    created_at: at,
    updated_at: at,
    edited_at: null,
    moderated_at: null,
    moderated_by: null,
  };

  if (sub.commenter) {
    const commenter = sub.commenter;
    const status = statusFor(base.guard_decision, thread.mode);
    const comment = await inTransaction(ctx, async (tx) => {
      const inserted = await repo.insertComment(tx.trx, {
        ...base,
        commenter_id: commenter.id,
        author_name: commenter.display_name,
        status,
        confirm_token_hash: null,
        consent_wording: null,
        published_at: status === 'approved' ? at : null,
      });
      if (commenter.person_id !== null)
        await recordCommentActivity(tx, commenter.person_id, thread, inserted.id);
      if (status === 'held') await emitCommentHeld(tx.trx, inserted.id, thread, at);
      return inserted;
    });
    return { kind: 'posted', thread, comment };
  }

  const who = identity as { email: string; name: string };
  const token = newLinkToken();
  await inTransaction(ctx, async (tx) => {
    const commenter = await repo.ensureCommenter(tx.trx, who.email, who.name, at);
    await repo.insertComment(tx.trx, {
      ...base,
      commenter_id: commenter.id,
      author_name: who.name,
      status: 'unconfirmed',
      confirm_token_hash: hashLinkToken(token),
      consent_wording: sub.consent ? CONSENT_WORDING : null,
      published_at: null,
    });
    const link = `${ctx.config.baseUrl}/comments/confirm/${token}`;
    await tx.mailer.send(
      {
        to: who.email,
        ...confirmationMail(thread, who.name, link),
        category: CONFIRM_MAIL_CATEGORY,
      },
      tx.trx,
    );
  });
  return { kind: 'check-email', thread, email: who.email };
}

type Confirmable =
  | Exclude<ConfirmResult, { kind: 'confirmed' }>
  | { kind: 'confirmable'; thread: CommentThread; comment: CommentRow; commenter: CommenterRow };

async function findConfirmable(
  ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'>,
  token: string,
): Promise<Confirmable> {
  const db = queries(ctx);
  const now = ctx.clock.now();
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return { kind: 'invalid' };
  const comment = await repo.findCommentByTokenHash(db, hashLinkToken(token));
  if (!comment || comment.status !== 'unconfirmed') return { kind: 'invalid' };
  const threadRow = await repo.findThread(db, comment.thread_id);
  const commenter = await repo.findCommenter(db, comment.commenter_id);
  if (!threadRow || !commenter || commenter.erased_at) return { kind: 'invalid' };
  const thread = toThread(threadRow);
  if (now.getTime() - new Date(comment.created_at).getTime() > CONFIRM_LINK_MAX_AGE_MS)
    return { kind: 'expired', thread };
  const sanction = sanctionMessage(commenter, now);
  if (sanction) return { kind: 'refused', thread, message: sanction };
  return { kind: 'confirmable', thread, comment, commenter };
}

/**
 * What the mailed link would do, changing nothing: mail scanners open links with nobody
 * clicking, so the link's page only shows the button that confirms.
 */
export async function checkConfirmLink(ctx: ServiceContext, token: string): Promise<Confirmable> {
  return findConfirmable(ctx, token);
}

export type ConfirmResult =
  | { kind: 'invalid' }
  | { kind: 'expired'; thread: CommentThread }
  | { kind: 'refused'; thread: CommentThread; message: string }
  | { kind: 'confirmed'; thread: CommentThread; comment: CommentRow; commenterId: number };

/**
 * The mailed link: confirms the commenter (their double opt-in), files them as a supporter with
 * the comment on their timeline (and their consent, if they ticked the box), and sends the
 * comment on to moderation. The token works once.
 */
export async function confirmComment(ctx: ServiceContext, token: string): Promise<ConfirmResult> {
  return inTransaction(ctx, async (tx): Promise<ConfirmResult> => {
    const { trx } = tx;
    const link = await findConfirmable(tx, token);
    if (link.kind !== 'confirmable') return link;
    const { comment, commenter, thread } = link;

    const at = tx.clock.now().toISOString();
    const source = `comments:${thread.key}`;
    const personId = (await upsertPerson(tx.db, { email: commenter.email, source }, { trx })).id;
    const status = statusFor(comment.guard_decision, thread.mode);
    // Shown from now: the time it appears, and the edit window starts when the author can see it.
    const patch = {
      status,
      confirm_token_hash: null,
      consent_wording: null,
      created_at: at,
      updated_at: at,
      published_at: status === 'approved' ? at : null,
    };
    if (!(await repo.updateComment(trx, comment.id, patch, ['unconfirmed'])))
      return { kind: 'invalid' };
    await repo.updateCommenter(trx, commenter.id, {
      confirmed_at: commenter.confirmed_at ?? at,
      display_name: comment.author_name,
      person_id: personId,
      updated_at: at,
    });
    await recordCommentActivity(tx, personId, thread, comment.id);
    if (status === 'held') await emitCommentHeld(trx, comment.id, thread, at);
    // Double opt-in: the tick becomes consent only now that the address's owner has confirmed.
    if (comment.consent_wording)
      await recordConsent(
        tx.db,
        personId,
        {
          channel: 'email',
          status: 'granted',
          method: 'form',
          wording: comment.consent_wording,
          source,
        },
        { trx },
      );
    return {
      kind: 'confirmed',
      thread,
      comment: { ...comment, ...patch },
      commenterId: commenter.id,
    };
  });
}

export type EditResult =
  | { kind: 'not-found' }
  | { kind: 'forbidden'; thread: CommentThread; message: string }
  | { kind: 'invalid'; thread: CommentThread; comment: CommentRow; error: string }
  | {
      kind: 'blocked';
      thread: CommentThread;
      comment: CommentRow;
      assessment: CivilityAssessment;
    }
  | { kind: 'edited'; thread: CommentThread; comment: CommentRow };

/** The author's own edit, within EDIT_WINDOW_MS; the new text is assessed like a new comment. */
export async function editComment(
  ctx: ServiceContext,
  edit: { threadId: number; commentId: number; commenter: CommenterRow | undefined; body: string },
): Promise<EditResult> {
  const db = queries(ctx);
  const now = ctx.clock.now();
  const comment = await repo.findComment(db, edit.commentId);
  const threadRow = await repo.findThread(db, edit.threadId);
  if (!comment || !threadRow || comment.thread_id !== threadRow.id) return { kind: 'not-found' };
  const thread = toThread(threadRow);
  const forbidden = (message: string) => ({ kind: 'forbidden' as const, thread, message });
  if (!edit.commenter || comment.commenter_id !== edit.commenter.id)
    return forbidden('Only the author can edit a comment, from the browser they confirmed it in.');
  if (!thread.open) return forbidden('Comments are closed on this page.');
  const sanction = sanctionMessage(edit.commenter, now);
  if (sanction) return forbidden(sanction);
  if (!canEdit(comment, edit.commenter.id, now))
    return forbidden(
      `Comments can be edited for ${EDIT_WINDOW_MS / 60_000} minutes after they are posted, and not once a moderator has removed them.`,
    );
  const text = cleanCommentText(edit.body);
  const error = commentTextError(text);
  if (error) return { kind: 'invalid', thread, comment: { ...comment, body: text }, error };
  const assessment = (await campaignGuard(ctx.db)).assess(text);
  if (assessment.decision === 'block')
    return { kind: 'blocked', thread, comment: { ...comment, body: text }, assessment };
  const at = now.toISOString();
  const fields = guardFields(assessment);
  const status = statusFor(fields.guard_decision, thread.mode);
  const patch = {
    body: text,
    ...fields,
    status,
    edited_at: at,
    updated_at: at,
    published_at: status === 'approved' ? (comment.published_at ?? at) : null,
  };
  if (!(await repo.updateComment(db, comment.id, patch, ['approved', 'pending', 'held'])))
    return forbidden('A moderator has just removed this comment.');
  return { kind: 'edited', thread, comment: { ...comment, ...patch } };
}

export type ReportResult =
  | { kind: 'not-found' }
  | { kind: 'invalid'; thread: CommentThread; comment: CommentRow; error: string }
  | { kind: 'rate-limited'; thread: CommentThread; message: string }
  | { kind: 'reported'; thread: CommentThread; comment: CommentRow };

export function isReportReason(value: string): value is ReportReason {
  return (REPORT_REASONS as readonly string[]).includes(value);
}

/** Anyone may report a visible comment; the same address reporting it again adds nothing. */
export async function reportComment(
  ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'>,
  report: { threadId: number; commentId: number; reason: string; note: string; ip: string },
): Promise<ReportResult> {
  const db = queries(ctx);
  const now = ctx.clock.now();
  const comment = await repo.findComment(db, report.commentId);
  const threadRow = await repo.findThread(db, report.threadId);
  if (!comment || !threadRow || comment.thread_id !== threadRow.id || comment.status !== 'approved')
    return { kind: 'not-found' };
  const thread = toThread(threadRow);
  if (!isReportReason(report.reason))
    return {
      kind: 'invalid',
      thread,
      comment,
      error: 'Choose why you are reporting this comment.',
    };
  const note = report.note.replace(/\r\n?/g, '\n').trim();
  if (note.length > REPORT_NOTE_MAX_LENGTH)
    return {
      kind: 'invalid',
      thread,
      comment,
      error: `The note can be at most ${REPORT_NOTE_MAX_LENGTH.toLocaleString('en-GB')} characters.`,
    };
  const since = new Date(now.getTime() - RATE_WINDOW_MS).toISOString();
  if ((await repo.countReportsByIpSince(db, report.ip, since)) >= REPORTS_PER_IP_PER_HOUR)
    return {
      kind: 'rate-limited',
      thread,
      message: `At most ${REPORTS_PER_IP_PER_HOUR} reports an hour can come from one network. Please try again later.`,
    };
  if (!(await repo.hasOpenReportFrom(db, comment.id, report.ip)))
    await repo.insertReport(
      db,
      { commentId: comment.id, reason: report.reason, note: note || null, ip: report.ip },
      now.toISOString(),
    );
  return { kind: 'reported', thread, comment };
}
