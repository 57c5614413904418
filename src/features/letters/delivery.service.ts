/**
 * Getting confirmed letters to their targets without swamping an office: each letter gets a
 * delivery slot (at most `hourly_limit` in any hour per target, or the next daily digest), a
 * job sends it at that slot through the mail outbox, and a tracking job copies the outbox's
 * verdict (sent, or failed after SMTP retries) onto the letter. Two weeks after delivery a
 * follow-up job may ask the sender whether they had a reply.
 */
import { emitDomainEvent } from '../../infra/events/domain-events.js';
import { hashLinkToken, newLinkToken } from '../../infra/crypto/tokens.js';
import type { Transaction } from 'kysely';
import { type Db, nowIso } from '../../infra/db/database.js';
import type { Database } from '../../infra/db/schema.js';
import type { JobQueue } from '../../infra/jobs/job-queue.js';
import { OutboxRepository } from '../../infra/mail/outbox.repository.js';
import { type ServiceContext, inTransaction } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { getTarget } from '../targets/targets.service.js';
import * as repo from './letters.repository.js';
import type { CampaignRow, LetterRow } from './letters.repository.js';
import {
  digestCopyMail,
  digestText,
  followUpMail,
  formatAddress,
  letterText,
} from './letters.mail.js';

export const DELIVER_JOB = 'letters.deliver';
export const DIGEST_JOB = 'letters.digest';
export const TRACK_JOB = 'letters.track';
export const FOLLOW_UP_JOB = 'letters.follow-up';

export const THROTTLE_WINDOW_MS = 60 * 60 * 1000;
/** Digests go out once a day at this hour (UTC), when offices open their mail. */
export const DIGEST_HOUR_UTC = 8;
/** Letters bundled in one digest email; a busier day sends several. */
export const DIGEST_MAX_LETTERS = 50;
export const FOLLOW_UP_DELAY_MS = 14 * 24 * 60 * 60 * 1000;
/**
 * When the tracking job looks at the outbox again: the outbox retries a refused message for
 * about an hour (see infra/jobs/worker.ts backoff), so the verdict is known well within these.
 */
export const TRACK_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000];

type Trx = Transaction<Database>;
/** A context inside a transaction, as `inTransaction` hands it on. */
export type InTransaction = ServiceContext & { trx: Trx };

/**
 * The earliest moment at or after `now` that keeps every hour at most `limit` letters, given
 * the slots already given out (newest first). Slots never go backwards, so a letter confirmed
 * later never overtakes an earlier one.
 */
export function nextThrottleSlot(slotsNewestFirst: string[], limit: number, now: Date): Date {
  let at = now.getTime();
  const latest = slotsNewestFirst[0];
  if (latest) at = Math.max(at, Date.parse(latest));
  const limiting = slotsNewestFirst[limit - 1];
  if (limiting) at = Math.max(at, Date.parse(limiting) + THROTTLE_WINDOW_MS);
  return new Date(at);
}

/** The next daily digest time after `now`. */
export function nextDigestSlot(now: Date): Date {
  const slot = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), DIGEST_HOUR_UTC),
  );
  if (slot.getTime() <= now.getTime()) slot.setUTCDate(slot.getUTCDate() + 1);
  return slot;
}

/**
 * Gives a confirmed (or approved) letter its slot and enqueues the job that sends it, in the
 * caller's transaction. The caller holds the campaign's lock (repo.lockCampaign), so two letters
 * never take the same slot. Returns the slot.
 */
export async function scheduleDelivery(
  tx: InTransaction,
  { campaign, letter, now }: { campaign: CampaignRow; letter: LetterRow; now: Date },
): Promise<string> {
  const { trx, jobs } = tx;
  if (letter.delivery === 'digest') {
    const slot = nextDigestSlot(now).toISOString();
    if (!(await repo.digestScheduled(trx, campaign.id, letter.target_id, slot)))
      await jobs.enqueue(
        DIGEST_JOB,
        { campaignId: campaign.id, targetId: letter.target_id, slot },
        { runAt: new Date(slot), trx },
      );
    return slot;
  }
  const slots = await repo.latestSlots(trx, campaign.id, letter.target_id, campaign.hourly_limit);
  const slot = nextThrottleSlot(slots, campaign.hourly_limit, now);
  await jobs.enqueue(DELIVER_JOB, { letterId: letter.id }, { runAt: slot, trx });
  return slot.toISOString();
}

/** Follow-up for a letter that has just gone out, if the campaign and the sender want one. */
export async function scheduleFollowUp(
  { trx, jobs }: InTransaction,
  input: {
    campaign: Pick<CampaignRow, 'follow_up'>;
    letter: Pick<LetterRow, 'id' | 'follow_up_wanted'>;
    deliveredAt: Date;
  },
): Promise<void> {
  const { campaign, letter, deliveredAt } = input;
  if (campaign.follow_up !== 1 || letter.follow_up_wanted !== 1) return;
  await jobs.enqueue(
    FOLLOW_UP_JOB,
    { letterId: letter.id },
    { runAt: new Date(deliveredAt.getTime() + FOLLOW_UP_DELAY_MS), trx },
  );
}

function positiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new Error(`letters job payload has no valid ${name}`);
  return value;
}

async function currentTargetEmail(db: Db, campaign: CampaignRow, targetId: number) {
  const target = await getTarget(db, campaign.target_list_id, targetId);
  return target?.email ?? null;
}

function noEmailError(name: string): string {
  return `${name} has no email address in the targets list. Add one on the Targets page, then send the letter again.`;
}

/** letters.deliver: one queued letter, to the target with Reply-To and a copy to the sender. */
export function deliverHandler(services: Services) {
  const { db, mailer, jobs } = services;
  return async (payload: unknown) => {
    const letterId = positiveInt((payload as { letterId?: unknown } | null)?.letterId, 'letterId');
    const letter = await repo.findLetter(db.kysely, letterId);
    if (!letter || letter.status !== 'queued') return;
    const campaign = await repo.findCampaign(db.kysely, letter.campaign_id);
    if (!campaign) return;
    // Read before the transaction: on SQLite a read outside it would wait for it to end.
    const email = await currentTargetEmail(db, campaign, letter.target_id);
    await db.kysely.transaction().execute(async (trx) => {
      if (!email) {
        await repo.transition(trx, letter.id, ['queued'], {
          status: 'failed',
          delivery_error: noEmailError(letter.target_name),
        });
        return;
      }
      if (!(await repo.transition(trx, letter.id, ['queued'], { status: 'sending' }))) return;
      const sender = formatAddress(letter.sender_name, letter.sender_email);
      const outboxId = await mailer.send(
        {
          to: formatAddress(letter.target_name, email),
          replyTo: sender,
          cc: sender,
          subject: letter.subject,
          text: letterText(campaign, letter),
          category: 'letters.letter',
        },
        trx,
      );
      await repo.updateLetter(trx, letter.id, { outbox_id: outboxId, target_email: email });
      await enqueueTracking(trx, jobs, outboxId, 0);
    });
  };
}

/** letters.digest: every queued letter to one target due at the slot, bundled. */
export function digestHandler(services: Services) {
  const { db, mailer, jobs } = services;
  return async (payload: unknown) => {
    const p = payload as { campaignId?: unknown; targetId?: unknown; slot?: unknown } | null;
    const campaignId = positiveInt(p?.campaignId, 'campaignId');
    const targetId = positiveInt(p?.targetId, 'targetId');
    if (typeof p?.slot !== 'string' || Number.isNaN(Date.parse(p.slot)))
      throw new Error('letters.digest payload has no valid slot');
    const slot = p.slot;
    const campaign = await repo.findCampaign(db.kysely, campaignId);
    if (!campaign) return;
    const email = await currentTargetEmail(db, campaign, targetId);
    const due = await repo.dueDigestLetters(db.kysely, campaignId, targetId, slot);
    for (let i = 0; i < due.length; i += DIGEST_MAX_LETTERS) {
      const chunk = due.slice(i, i + DIGEST_MAX_LETTERS);
      await db.kysely.transaction().execute(async (trx) => {
        const letters: LetterRow[] = [];
        for (const letter of chunk) {
          const patch = email
            ? { status: 'sending' as const }
            : { status: 'failed' as const, delivery_error: noEmailError(letter.target_name) };
          if (await repo.transition(trx, letter.id, ['queued'], patch)) letters.push(letter);
        }
        if (!email || letters.length === 0) return;
        const targetName = letters[0]?.target_name ?? '';
        const only = letters.length === 1 ? letters[0] : undefined;
        const outboxId = await mailer.send(
          {
            to: formatAddress(targetName, email),
            ...(only ? { replyTo: formatAddress(only.sender_name, only.sender_email) } : {}),
            subject: `${letters.length === 1 ? 'A letter' : `${letters.length} letters`} from constituents: ${campaign.title}`,
            text: digestText(campaign, targetName, letters),
            category: 'letters.digest',
          },
          trx,
        );
        for (const letter of letters) {
          await repo.updateLetter(trx, letter.id, { outbox_id: outboxId, target_email: email });
          await mailer.send(
            {
              to: formatAddress(letter.sender_name, letter.sender_email),
              ...digestCopyMail(campaign, letter),
              category: 'letters.copy',
            },
            trx,
          );
        }
        await enqueueTracking(trx, jobs, outboxId, 0);
      });
    }
  };
}

async function enqueueTracking(trx: Trx, jobs: JobQueue, outboxId: number, check: number) {
  const delay = TRACK_DELAYS_MS[check];
  if (delay === undefined) return;
  await jobs.enqueue(TRACK_JOB, { outboxId, check }, { runAt: new Date(Date.now() + delay), trx });
}

/** letters.track: copies the outbox's verdict onto the letters it carried. */
export function trackHandler(services: Services) {
  const { db, jobs } = services;
  const outbox = new OutboxRepository(db);
  return async (payload: unknown) => {
    const p = payload as { outboxId?: unknown; check?: unknown } | null;
    const outboxId = positiveInt(p?.outboxId, 'outboxId');
    const check = typeof p?.check === 'number' ? p.check : 0;
    const mail = await outbox.find(outboxId);
    const letters = (await repo.lettersByOutbox(db.kysely, outboxId)).filter(
      (l) => l.status === 'sending',
    );
    if (letters.length === 0) return;
    const campaign = await repo.findCampaign(db.kysely, letters[0]!.campaign_id);
    await inTransaction(services, async (tx) => {
      const { trx } = tx;
      if (mail && mail.status === 'queued') {
        await enqueueTracking(trx, jobs, outboxId, check + 1);
        return;
      }
      const delivered = mail?.status === 'sent' || mail?.status === 'stored';
      const deliveredAt = mail?.sent_at ?? nowIso();
      for (const letter of letters) {
        const patch = delivered
          ? { status: 'sent' as const, delivered_at: deliveredAt, delivery_error: null }
          : {
              status: 'failed' as const,
              delivery_error: mail?.error ?? 'The message is no longer in the outbox.',
            };
        if (!(await repo.transition(trx, letter.id, ['sending'], patch))) continue;
        if (delivered)
          await emitDomainEvent(trx, 'letter.sent', {
            letter_id: letter.id,
            campaign_id: letter.campaign_id,
            delivered_at: deliveredAt,
          });
        if (delivered && campaign)
          await scheduleFollowUp(tx, { campaign, letter, deliveredAt: new Date(deliveredAt) });
      }
    });
  };
}

/** letters.follow-up: asks the sender, once, whether the target replied. */
export function followUpHandler(services: Services) {
  const { db, mailer, config } = services;
  return async (payload: unknown) => {
    const letterId = positiveInt((payload as { letterId?: unknown } | null)?.letterId, 'letterId');
    const letter = await repo.findLetter(db.kysely, letterId);
    if (
      !letter ||
      !['sent', 'mailto'].includes(letter.status) ||
      letter.follow_up_wanted !== 1 ||
      letter.follow_up_sent_at !== null ||
      letter.reply !== null
    )
      return;
    const campaign = await repo.findCampaign(db.kysely, letter.campaign_id);
    // The organiser may have turned follow-ups off since.
    if (!campaign || campaign.follow_up !== 1) return;
    const token = newLinkToken();
    await db.kysely.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable('letters')
        .set({ follow_up_token_hash: hashLinkToken(token), follow_up_sent_at: nowIso() })
        .where('id', '=', letter.id)
        .where('follow_up_sent_at', 'is', null)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) return;
      await mailer.send(
        {
          to: formatAddress(letter.sender_name, letter.sender_email),
          ...followUpMail(letter, `${config.baseUrl}/letters/follow-up/${token}`),
          category: 'letters.follow-up',
        },
        trx,
      );
    });
  };
}
