/**
 * Subject tests: up to three subject lines go at random to a test slice of the audience; after the
 * mailing's wait, the line whose readers took the most actions (signatures, letters, RSVPs counted
 * through the `source` of their links, `mailing-7-b`) goes to everyone else.
 */
import { randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import { type ServiceContext, inTransaction, queries } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import * as repo from './mailings.repository.js';
import {
  DECIDE_JOB,
  type Mailing,
  SEND_JOB,
  VARIANTS,
  type Variant,
  mailingActions,
  subjectsOf,
  toMailing,
} from './mailings.service.js';

const UPDATE_CHUNK = 500;

/** The variants a mailing tests, A first: none without a test. */
export function variantsOf(m: Pick<Mailing, 'subject' | 'subjectVariants'>): Variant[] {
  return m.subjectVariants.length === 0
    ? []
    : VARIANTS.slice(0, subjectsOf(m).length).map((v) => v);
}

/**
 * Right after the recipient rows are written: a random `test_percent` of the queued rows get a
 * subject variant each (shuffled, then dealt in turn, so the split is even); the rest are held for
 * the winner. The decide job is queued for the end of the wait.
 */
export async function assignTestSlice(
  tx: ServiceContext & { trx: Transaction<Database> },
  mailing: Mailing,
): Promise<void> {
  const variants = variantsOf(mailing);
  if (variants.length === 0 || mailing.testPercent === null) return;
  const ids = (
    await tx.trx
      .selectFrom('mailing_recipients')
      .select('id')
      .where('mailing_id', '=', mailing.id)
      .where('status', '=', 'queued')
      .execute()
  ).map((r) => r.id);
  // Fisher–Yates with a cryptographic source: nobody can predict who is in the slice.
  for (let i = ids.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const size = Math.min(ids.length, Math.ceil((ids.length * mailing.testPercent) / 100));
  const slice = ids.slice(0, size);
  const now = tx.clock.now();
  await tx.trx
    .updateTable('mailing_recipients')
    .set({ status: 'held', updated_at: now.toISOString() })
    .where('mailing_id', '=', mailing.id)
    .where('status', '=', 'queued')
    .execute();
  for (const [k, variant] of variants.entries()) {
    const mine = slice.filter((_, i) => i % variants.length === k);
    for (let i = 0; i < mine.length; i += UPDATE_CHUNK)
      await tx.trx
        .updateTable('mailing_recipients')
        .set({ status: 'queued', variant })
        .where('id', 'in', mine.slice(i, i + UPDATE_CHUNK))
        .execute();
  }
  const decideAt = new Date(now.getTime() + (mailing.testWaitHours ?? 4) * 3_600_000);
  await repo.updateMailing(tx.trx, mailing.id, { test_decide_at: decideAt.toISOString() });
  await tx.jobs.enqueue(
    DECIDE_JOB,
    { mailingId: mailing.id },
    { trx: tx.trx, runAt: decideAt, maxAttempts: 20 },
  );
}

export interface VariantResult {
  variant: Variant;
  subject: string;
  /** Handed to the mail server (sent, or bounced/complained/unsubscribed since). */
  sent: number;
  actions: number;
}

/** Per subject line: how many it went to and the actions taken from it. */
export async function subjectTestResults(
  ctx: Pick<Services, 'db' | 'trx' | 'actionSources'>,
  mailing: Mailing,
): Promise<VariantResult[]> {
  const variants = variantsOf(mailing);
  if (variants.length === 0) return [];
  const sentRows = await queries(ctx)
    .selectFrom('mailing_recipients')
    .select(['variant', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('mailing_id', '=', mailing.id)
    .where('status', 'in', repo.DELIVERED)
    .where('variant', 'is not', null)
    .groupBy('variant')
    .execute();
  const sent = new Map(sentRows.map((r) => [r.variant, Number(r.n)]));
  const subjects = subjectsOf(mailing);
  return Promise.all(
    variants.map(async (variant, i) => ({
      variant,
      subject: subjects[i] ?? '',
      sent: sent.get(variant) ?? 0,
      actions: (await mailingActions(ctx, mailing.id, variant)).reduce((a, b) => a + b.n, 0),
    })),
  );
}

/** Most actions; a tie goes to the line sent to more people, then to the earlier line. */
export function pickWinner(results: VariantResult[]): Variant | undefined {
  return [...results].sort(
    (x, y) =>
      y.actions - x.actions ||
      y.sent - x.sent ||
      VARIANTS.indexOf(x.variant) - VARIANTS.indexOf(y.variant),
  )[0]?.variant;
}

/**
 * The decide job: once the wait is over, chooses the winner from the actions so far, gives the
 * held recipients its subject line and starts sending to them. Early (the job ran before the
 * mailing's clock reached the time): queued again for then.
 */
export function decideHandler(services: Services) {
  return async (payload: unknown): Promise<void> => {
    const mailingId = (payload as { mailingId?: unknown } | null)?.mailingId;
    if (typeof mailingId !== 'number') throw new Error(`${DECIDE_JOB}: no mailingId`);
    const row = await repo.findMailing(services.db.kysely, mailingId);
    if (!row || row.status !== 'sending' || row.test_winner !== null || !row.test_decide_at) return;
    const now = services.clock.now();
    if (now.getTime() < Date.parse(row.test_decide_at)) {
      await services.jobs.enqueue(
        DECIDE_JOB,
        { mailingId },
        { runAt: new Date(row.test_decide_at), maxAttempts: 20 },
      );
      return;
    }
    const mailing = toMailing(row);
    const results = await subjectTestResults(services, mailing);
    const winner = pickWinner(results) ?? 'a';
    await inTransaction(services, async ({ trx }) => {
      const moved = await trx
        .updateTable('mailings')
        .set({ test_winner: winner, updated_at: now.toISOString() })
        .where('id', '=', mailingId)
        .where('test_winner', 'is', null)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0) return;
      await trx
        .updateTable('mailing_recipients')
        .set({ status: 'queued', variant: winner, updated_at: now.toISOString() })
        .where('mailing_id', '=', mailingId)
        .where('status', '=', 'held')
        .execute();
      await services.jobs.enqueue(SEND_JOB, { mailingId }, { trx, maxAttempts: 20 });
      await services.audit.record(
        {
          actorUserId: null,
          action: 'mailing.subject-test-decided',
          subjectType: 'mailing',
          subjectId: mailingId,
          details: {
            winner,
            results: results.map((r) => ({ variant: r.variant, sent: r.sent, actions: r.actions })),
          },
        },
        trx,
      );
    });
  };
}
