/**
 * What comes back after sending: bounces (RFC 3464 delivery status notifications), complaints
 * (RFC 5965 abuse reports) and providers' bounce CSVs. Hard bounces and complaints suppress the
 * address at once; soft bounces count, and suppress after the campaign's limit.
 */
import { findPersonByEmail, recordConsent } from '../people/people.service.js';
import type { ServiceContext } from '../../infra/service-context.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import { loadMailingSettings } from './mailing-settings.js';
import * as repo from './mailings.repository.js';

export type Feedback =
  | { kind: 'hard-bounce'; status: string; diagnostic: string }
  | { kind: 'soft-bounce'; status: string; diagnostic: string }
  | { kind: 'complaint'; feedbackType: string };

/** Reads the fields of a message/delivery-status or message/feedback-report part. */
function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // Continuation lines (leading white space) belong to the field above.
  for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (m && !out.has(m[1]!.toLowerCase())) out.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  return out;
}

/** A DSN's per-recipient block: Action failed with a 5.x.x status is hard, 4.x.x soft. */
export function readDeliveryStatus(part: string): Feedback | null {
  // The first block is per-message; the recipient blocks follow, separated by blank lines.
  const blocks = part.split(/\r?\n\r?\n/).map(fields);
  const recipient = blocks.find((b) => b.has('action') || b.has('status'));
  if (!recipient) return null;
  const action = (recipient.get('action') ?? '').toLowerCase();
  const status = (/\d\.\d{1,3}\.\d{1,3}/.exec(recipient.get('status') ?? '') ?? [''])[0];
  const diagnostic = recipient.get('diagnostic-code') ?? '';
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') return null;
  if (status.startsWith('5') && action === 'failed')
    return { kind: 'hard-bounce', status, diagnostic };
  if (status.startsWith('4') || action === 'delayed')
    return { kind: 'soft-bounce', status, diagnostic };
  if (action === 'failed') return { kind: 'hard-bounce', status: status || '5.0.0', diagnostic };
  return null;
}

export function readFeedbackReport(part: string): Feedback | null {
  const f = fields(part);
  const type = f.get('feedback-type');
  return type ? { kind: 'complaint', feedbackType: type.toLowerCase() } : null;
}

/** Applies one piece of feedback to the recipient row it names (found through the VERP token). */
export async function applyFeedback(
  ctx: ServiceContext,
  recipientId: number,
  feedback: Feedback,
  source: string,
): Promise<void> {
  const ex = ctx.db.kysely;
  const r = await repo.findRecipient(ex, recipientId);
  if (!r) return;
  const now = ctx.clock.now().toISOString();
  if (feedback.kind === 'soft-bounce') {
    const limit = (await loadMailingSettings(ctx.db)).softBounceLimit;
    await ex
      .updateTable('mailing_recipients')
      .set((eb) => ({
        soft_bounces: eb('soft_bounces', '+', 1),
        smtp_response: `soft bounce ${feedback.status}: ${feedback.diagnostic}`.slice(0, 500),
        updated_at: now,
      }))
      .where('id', '=', r.id)
      .execute();
    const total = await ex
      .selectFrom('mailing_recipients')
      .select((eb) => eb.fn.sum<number | string>('soft_bounces').as('n'))
      .where('email', '=', r.email)
      .executeTakeFirstOrThrow();
    if (Number(total.n) >= limit) {
      await repo.setRecipientStatus(
        ex,
        [r.id],
        { status: 'bounced', smtp_response: `soft bounced ${Number(total.n)} times: suppressed` },
        now,
      );
      await repo.suppress(ex, { email: r.email, reason: 'bounced', source, created_at: now });
    }
    return;
  }
  const status = feedback.kind === 'complaint' ? 'complained' : 'bounced';
  const response =
    feedback.kind === 'complaint'
      ? `complaint (${feedback.feedbackType})`
      : `hard bounce ${feedback.status}: ${feedback.diagnostic}`;
  // Read before the transaction: SQLite has one connection, which the transaction holds.
  const person =
    feedback.kind === 'complaint' ? await findPersonByEmail(ctx.db, r.email) : undefined;
  await ex.transaction().execute(async (trx) => {
    await repo.setRecipientStatus(
      trx,
      [r.id],
      { status, smtp_response: response.slice(0, 500) },
      now,
    );
    await repo.suppress(trx, { email: r.email, reason: status, source, created_at: now });
    if (person)
      await recordConsent(
        ctx.db,
        person.id,
        {
          channel: 'email',
          status: 'withdrawn',
          method: 'api',
          wording: 'Marked a mailing as spam (abuse report from their mail provider).',
          source: `mailing:${r.mailing_id}`,
        },
        { trx },
      );
  });
}

export const BOUNCE_CSV_MAX_ROWS = 100_000;

export interface BounceCsvReport {
  suppressed: number;
  alreadySuppressed: number;
  invalid: { line: number; value: string }[];
}

/**
 * A provider's bounce or complaint export: an `email` column (or the first column), and an
 * optional `type` column (bounce, hard, complaint, spam…; bounce when absent).
 */
export async function importBounceRows(
  ctx: ServiceContext,
  rows: string[][],
): Promise<BounceCsvReport> {
  const report: BounceCsvReport = { suppressed: 0, alreadySuppressed: 0, invalid: [] };
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const hasHeader = header.some((h) => h === 'email' || h === 'address' || h === 'type');
  const emailCol = Math.max(
    0,
    header.findIndex((h) => h === 'email' || h === 'address'),
  );
  const typeCol = header.findIndex((h) => h === 'type' || h === 'reason' || h === 'event');
  const now = ctx.clock.now().toISOString();
  const body = hasHeader ? rows.slice(1) : rows;
  for (const [i, row] of body.entries()) {
    const value = (row[emailCol] ?? '').trim();
    if (!value) continue;
    const email = normaliseEmail(value);
    if (!email) {
      report.invalid.push({ line: i + (hasHeader ? 2 : 1), value: value.slice(0, 100) });
      continue;
    }
    const type = typeCol >= 0 ? (row[typeCol] ?? '').toLowerCase() : '';
    const reason = /complain|spam|abuse/.test(type) ? 'complained' : 'bounced';
    if (await repo.findSuppression(ctx.db.kysely, email)) {
      report.alreadySuppressed += 1;
      continue;
    }
    await repo.suppress(ctx.db.kysely, { email, reason, source: 'bounce-csv', created_at: now });
    report.suppressed += 1;
  }
  return report;
}
