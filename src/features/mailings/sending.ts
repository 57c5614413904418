import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  type SMTPPoolOptions,
  type SentMessageInfo,
  type Transporter,
  createTransport,
} from 'nodemailer';
import { findMp } from '../constituencies/constituencies.service.js';
import type { JobContext } from '../../infra/jobs/job-queue.js';
import { inTransaction } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { type AudienceBreakdown, AudienceError, walkAudience } from './audience.js';
import { type CompiledMailing, compileMailing, personalise, withSource } from './mail-render.js';
import { mailingSecret } from './mailing-tokens.js';
import { loadMailingSettings } from './mailing-settings.js';
import { type MergeValues, usesField } from './merge-fields.js';
import { MessageLinks, fromAddress } from './message-links.js';
import { HandoffGate, HandoffStream } from './handoff.js';
import { buildMessage, dkimSign } from './mime-message.js';
import * as repo from './mailings.repository.js';
import {
  SEND_JOB,
  type Mailing,
  mailingSource,
  subjectFor,
  toMailing,
} from './mailings.service.js';
import { assignTestSlice } from './subject-test.js';
import { type ActionPaths, actionLinkValues, actionPaths } from './action-links.js';

/** People read (and recipient rows written) per page while building a mailing's rows. */
export const BUILD_PAGE = 200;
/** Most recipients handed to SMTP per job run. */
export const BATCH_SIZE = 500;
/**
 * Messages in the SMTP pool's hands at once (two per pooled connection), claimed CLAIM_CHUNK rows
 * at a time and recorded every RECORD_EVERY results. A kill -9 leaves in doubt only rows recorded
 * `handed_off` whose answer had not come back yet (see handoff.ts); claimed rows without a dot on
 * the wire go back to the queue.
 */
export const IN_FLIGHT = 16;
export const CLAIM_CHUNK = 64;
export const RECORD_EVERY = 32;
/** A batch in flight renews its lease this often; a lease not renewed means its worker died. */
export const LEASE_MS = 15_000;
const HEARTBEAT_MS = 5_000;
/** After the SMTP server could not be reached, the next batch waits this long. */
export const UNREACHABLE_RETRY_MS = 60_000;
/** What an interrupted handoff is recorded as: it may have arrived, so it is never retried. */
export const INTERRUPTED = 'interrupted mid-handoff: delivery unknown, not retried (at most once)';
/** A row whose end-of-data dot was on its way when its worker died: counted sent, never resent. */
export const HANDED_OFF_BEFORE_CRASH =
  'handed off before a crash: the end-of-data dot was on its way, counted sent and not resent';
export const NO_SMTP = 'kept: no SMTP_URL configured';

interface Prepared {
  mailing: Mailing;
  /** This run's claim on the rows it sends (markHandedOff checks it). */
  claim: string;
  gate: HandoffGate;
  compiled: CompiledMailing;
  links: MessageLinks;
  /** The pages `{{petition_url}}`, `{{letter_url}}` and `{{event_url}}` point at. */
  actions: ActionPaths;
  /** Constituency code → MP's name ('' none), filled as rows need them. */
  mpNames: Map<string, string>;
  usesMp: boolean;
}

interface Outcome {
  id: number;
  status: 'sent' | 'failed' | 'bounced' | 'queued';
  response: string;
  email: string;
}

/** What nodemailer's pool reads of a message (its transport interface, without MailComposer). */
interface PoolMail {
  data: Record<string, never>;
  message: {
    getEnvelope(): { from: string; to: string[] };
    messageId(): string;
    getHeader(name: string): string;
    createReadStream(): Readable;
  };
}
interface PoolTransport {
  send(mail: PoolMail, callback: (err: Error | null, info?: SentMessageInfo) => void): void;
}

/** One pooled SMTP connection set per process (DKIM-signed when configured). */
export class MailingSender {
  private transport: Transporter<SentMessageInfo> | undefined;

  constructor(private readonly services: Services) {}

  private smtp(): PoolTransport | undefined {
    const { smtpUrl, dkim } = this.services.config;
    if (!smtpUrl) return undefined;
    const options: SMTPPoolOptions = {
      pool: true,
      maxConnections: 8,
      maxMessages: Infinity,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      ...(dkim
        ? {
            dkim: {
              domainName: dkim.domain,
              keySelector: dkim.selector,
              privateKey: dkim.privateKey,
            },
          }
        : {}),
    };
    this.transport ??= createTransport({ ...options, url: smtpUrl } as SMTPPoolOptions);
    // Messages go straight to the pool, built by buildMessage and signed by dkimSign: the Mailer
    // in front of it would compose each one again (and read it before the server's 354).
    return (this.transport as unknown as { transporter: PoolTransport }).transporter;
  }

  close(): void {
    this.transport?.close();
    this.transport = undefined;
  }

  /** The `mailings.send` job: builds the audience on the first run, then sends one batch. */
  async run(payload: unknown, _job: JobContext): Promise<void> {
    const mailingId = (payload as { mailingId?: unknown } | null)?.mailingId;
    if (typeof mailingId !== 'number') throw new Error(`${SEND_JOB}: no mailingId`);
    const ctx = this.services;
    const db = ctx.db.kysely;
    let row = await repo.findMailing(db, mailingId);
    if (!row) return;
    if (row.status === 'scheduled') {
      await this.buildRecipients(toMailing(row));
      row = await repo.findMailing(db, mailingId);
      if (!row) return;
    }
    if (row.status !== 'sending') return;
    // A subject test's slice is out and the rest wait for the winner: nothing to do until then.
    if (!(await repo.hasStatus(db, mailingId, 'queued')) && (await repo.hasHeld(db, mailingId)))
      return;

    const now = ctx.clock.now();
    const settings = await loadMailingSettings(ctx.db);
    // A batch is at most one second's worth at the throttle, so sending stays smooth.
    const batchSize = Math.max(1, Math.min(BATCH_SIZE, Math.floor(settings.perMinute / 60)));
    const holds = await inTransaction(ctx, async ({ trx }) => {
      if (
        !(await repo.takeLease(
          trx,
          mailingId,
          now.toISOString(),
          new Date(now.getTime() + LEASE_MS).toISOString(),
        ))
      )
        return false;
      // The successor exists before anything is handed over: a kill -9 from here on leaves it
      // pending, and it finishes the mailing after a restart.
      const throttle = Math.ceil((batchSize * 60_000) / settings.perMinute);
      await ctx.jobs.enqueue(
        SEND_JOB,
        { mailingId },
        { trx, runAt: new Date(Date.now() + throttle), maxAttempts: 20 },
      );
      return true;
    });
    if (!holds) {
      // Another batch is in flight (or its worker died and the lease has to run out first).
      await ctx.jobs.enqueue(
        SEND_JOB,
        { mailingId },
        { runAt: new Date(Date.now() + 500), maxAttempts: 20 },
      );
      return;
    }
    const nowIso = now.toISOString();
    // Only the lease holder gets here, so rows still "sending" or "handed_off" belong to a run
    // that died: no dot was written for the first (queued again), the second may have arrived.
    await repo.recoverInterrupted(db, mailingId, HANDED_OFF_BEFORE_CRASH, nowIso);
    const claim = randomUUID();
    const claimed = await repo.claimQueued(
      db,
      mailingId,
      Math.min(CLAIM_CHUNK, batchSize),
      nowIso,
      claim,
    );
    if (claimed.length === 0) {
      await repo.updateMailing(db, mailingId, { lease_until: null });
      // A subject test's test slice is out: the rest wait for the winner (the decide job
      // queues them and starts sending again).
      if (await repo.hasHeld(db, mailingId)) return;
      await repo.moveMailing(db, mailingId, ['sending'], {
        status: 'sent',
        finished_at: nowIso,
        lease_until: null,
        updated_at: nowIso,
      });
      return;
    }
    const heartbeat = setInterval(() => {
      const t = ctx.clock.now().getTime();
      void repo
        .updateMailing(db, mailingId, { lease_until: new Date(t + LEASE_MS).toISOString() })
        .catch(() => undefined);
    }, HEARTBEAT_MS);
    try {
      const prepared = await this.prepare(toMailing(row), claim);
      const unreachable = await this.pump(prepared, claimed, batchSize, settings.softBounceLimit);
      await repo.updateMailing(db, mailingId, {
        lease_until: unreachable
          ? new Date(ctx.clock.now().getTime() + UNREACHABLE_RETRY_MS).toISOString()
          : null,
      });
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Writes one recipient row per person (the audit reads these), then marks the mailing sending. */
  async buildRecipients(mailing: Mailing): Promise<AudienceBreakdown | undefined> {
    const ctx = this.services;
    const settings = await loadMailingSettings(ctx.db);
    const now = ctx.clock.now().toISOString();
    try {
      return await inTransaction(ctx, async (tx) => {
        const breakdown = await walkAudience(tx, mailing, settings, {
          // Smaller pages than a count needs: each page's rows (and the INSERTs built from them)
          // are garbage once written, and pages of thousands live long enough to be promoted to
          // the old generation, which the sending worker's RSS then carries for the rest of the
          // mailing (100,000 rows in a fresh process: +140 MB RSS at 5,000 a page, +58 MB at 200).
          pageSize: BUILD_PAGE,
          onBatch: (people) =>
            repo.insertRecipients(
              tx.trx,
              people.map(({ person, email, merge }) => ({
                mailing_id: mailing.id,
                person_id: person.id,
                email,
                status: 'queued' as const,
                smtp_response: null,
                region: person.region,
                constituency_code: person.constituencyCode,
                tags: JSON.stringify(person.tags),
                person_created_at: person.createdAt,
                merge_data: JSON.stringify(merge),
                soft_bounces: 0,
                updated_at: now,
              })),
            ),
          onSkipped: (people) =>
            repo.insertRecipients(
              tx.trx,
              people.map((person) => ({
                mailing_id: mailing.id,
                person_id: person.id,
                email: person.email,
                status: 'skipped' as const,
                smtp_response: 'malformed address: not sent',
                region: person.region,
                constituency_code: person.constituencyCode,
                tags: JSON.stringify(person.tags),
                person_created_at: person.createdAt,
                merge_data: '{}',
                soft_bounces: 0,
                updated_at: now,
              })),
            ),
        });
        await assignTestSlice(tx, mailing);
        await repo.moveMailing(tx.trx, mailing.id, ['scheduled'], {
          status: 'sending',
          audience: JSON.stringify(breakdown),
          started_at: now,
          updated_at: now,
        });
        return breakdown;
      });
    } catch (err) {
      if (!(err instanceof AudienceError)) throw err;
      await repo.moveMailing(ctx.db.kysely, mailing.id, ['scheduled'], {
        status: 'failed',
        error: err.message,
        finished_at: now,
        updated_at: now,
      });
      return undefined;
    }
  }

  /** What every message of one run shares: rendered once, not per window. */
  private async prepare(mailing: Mailing, claim: string): Promise<Prepared> {
    const ctx = this.services;
    const db = ctx.db.kysely;
    return {
      mailing,
      claim,
      gate: new HandoffGate((ids) =>
        repo.markHandedOff(db, ids, claim, ctx.clock.now().toISOString()),
      ),
      compiled: compileMailing(mailing),
      links: new MessageLinks(ctx.config, await mailingSecret(ctx.db)),
      actions: await actionPaths(ctx, mailing),
      mpNames: new Map(),
      usesMp: usesField([mailing.subject, mailing.preheader, mailing.body], 'mp_name'),
    };
  }

  /**
   * Keeps up to IN_FLIGHT messages with the pool: claims CLAIM_CHUNK rows when the claimed ones
   * have all been handed over, records results every RECORD_EVERY. Returns whether the server was
   * unreachable (rows claimed but not handed over then go back to the queue).
   */
  private async pump(
    p: Prepared,
    first: repo.RecipientRow[],
    batchSize: number,
    softBounceLimit: number,
  ): Promise<boolean> {
    const db = this.services.db.kysely;
    let queue = first;
    let claimedTotal = first.length;
    let exhausted = false;
    let unreachable = false;
    const done: Outcome[] = [];
    const inflight = new Set<Promise<void>>();
    await this.mpNames(p, queue);
    for (;;) {
      while (queue.length > 0 && inflight.size < IN_FLIGHT && !unreachable) {
        const r = queue.shift()!;
        const task: Promise<void> = this.sendOne(p, r).then((o) => {
          done.push(o);
          if (o.status === 'queued' && o.response.startsWith('unreachable')) unreachable = true;
          inflight.delete(task);
        });
        inflight.add(task);
      }
      if (done.length >= RECORD_EVERY || (inflight.size === 0 && done.length > 0))
        await this.record(done.splice(0), softBounceLimit);
      if (queue.length === 0 && !exhausted && !unreachable && claimedTotal < batchSize) {
        queue = await repo.claimQueued(
          db,
          p.mailing.id,
          Math.min(CLAIM_CHUNK, batchSize - claimedTotal),
          this.services.clock.now().toISOString(),
          p.claim,
        );
        claimedTotal += queue.length;
        if (queue.length === 0) exhausted = true;
        else await this.mpNames(p, queue);
        continue;
      }
      if (inflight.size === 0 && (queue.length === 0 || unreachable)) break;
      if (inflight.size > 0) await Promise.race(inflight);
    }
    if (done.length > 0) await this.record(done.splice(0), softBounceLimit);
    if (queue.length > 0)
      // Claimed but never handed over: safe to send later.
      await repo.setRecipientStatus(
        db,
        queue.map((r) => r.id),
        { status: 'queued', smtp_response: null },
        this.services.clock.now().toISOString(),
        ['sending'],
      );
    return unreachable;
  }

  private async sendOne(p: Prepared, r: repo.RecipientRow): Promise<Outcome> {
    const ctx = this.services;
    const { mailing, links } = p;
    const pool = this.smtp();
    const subject = {
      kind: 'recipient' as const,
      recipientId: r.id,
      personId: r.person_id,
      mailingId: mailing.id,
    };
    const unsubscribeUrl = links.unsubscribeUrl(subject);
    const message = renderFor(p, r, unsubscribeUrl, ctx.config.baseUrl);
    if (!pool) return { id: r.id, status: 'sent', response: NO_SMTP, email: r.email };
    const built = buildMessage({
      fromName: mailing.fromName,
      fromAddress: fromAddress(ctx.config.mailFrom),
      to: r.email,
      replyTo: mailing.replyTo,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>, <${links.unsubscribeMailto(subject)}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Rally-Mailing': String(mailing.id),
      },
    });
    const { dkim } = ctx.config;
    const raw = dkim ? await dkimSign(built.raw, dkim) : built.raw;
    const envelope = { from: links.returnPath(subject), to: [r.email] };
    try {
      const info = await new Promise<SentMessageInfo>((resolve, reject) =>
        pool.send(
          {
            data: {},
            message: {
              getEnvelope: () => envelope,
              messageId: () => built.messageId,
              getHeader: (name) => (name.toLowerCase() === 'message-id' ? built.messageId : ''),
              // A fresh stream each time: the pool may retry over another connection when not a
              // byte of this one was read.
              createReadStream: () => new HandoffStream(raw, () => p.gate.enter(r.id)),
            },
          },
          (err, sent) => (err ? reject(err) : resolve(sent!)),
        ),
      );
      return {
        id: r.id,
        status: 'sent',
        response: String((info as { response?: string }).response ?? 'accepted'),
        email: r.email,
      };
    } catch (err) {
      return classify(r, err);
    }
  }

  /** MPs' names by constituency, looked up once per run for the codes these rows need. */
  private async mpNames(p: Prepared, rows: repo.RecipientRow[]): Promise<Map<string, string>> {
    if (!p.usesMp) return p.mpNames;
    for (const code of new Set(
      rows.map((r) => r.constituency_code).filter((c): c is string => !!c),
    )) {
      if (p.mpNames.has(code)) continue;
      const mp = await findMp(this.services, { code });
      p.mpNames.set(code, mp?.name ?? '');
    }
    return p.mpNames;
  }

  private async record(outcomes: Outcome[], softBounceLimit: number): Promise<void> {
    const now = this.services.clock.now().toISOString();
    const groups = new Map<string, Outcome[]>();
    for (const o of outcomes) {
      const key = `${o.status}\u0000${o.response}`;
      groups.set(key, [...(groups.get(key) ?? []), o]);
    }
    await inTransaction(this.services, async ({ trx }) => {
      for (const group of groups.values()) {
        const first = group[0]!;
        const ids = group.map((o) => o.id);
        if (first.status === 'queued') {
          // Refused before the message was accepted (4xx, or no connection): safe to try again.
          await repo.requeueSoft(trx, ids, first.response, now, softBounceLimit);
          await repo.setRecipientStatus(
            trx,
            ids,
            { status: 'failed', smtp_response: INTERRUPTED },
            now,
            ['handed_off'],
          );
          continue;
        }
        await repo.setRecipientStatus(
          trx,
          ids,
          {
            status: first.status,
            smtp_response: first.response.slice(0, 500),
            sent_at: first.status === 'sent' ? now : null,
          },
          now,
          ['sending', 'handed_off'],
        );
        if (first.status === 'bounced')
          for (const o of group)
            await repo.suppress(trx, {
              email: o.email,
              reason: 'bounced',
              source: 'smtp-5xx',
              created_at: now,
            });
      }
    });
  }
}

function renderFor(p: Prepared, r: repo.RecipientRow, unsubscribeUrl: string, baseUrl: string) {
  const { mailing, compiled, links, mpNames, actions } = p;
  let merge: MergeValues = {};
  try {
    merge = JSON.parse(r.merge_data) as MergeValues;
  } catch {
    // an erased person's row: fallbacks only
  }
  if (r.constituency_code) merge.mp_name = mpNames.get(r.constituency_code) || null;
  const subject = {
    kind: 'recipient' as const,
    recipientId: r.id,
    personId: r.person_id,
    mailingId: mailing.id,
  };
  // A subject test's readers carry their variant (mailing-7-b): actions choose the winner.
  const source = mailingSource(mailing.id, r.variant ?? undefined);
  Object.assign(merge, actionLinkValues(actions, baseUrl, source));
  return personalise(
    r.variant ? { ...compiled, subject: subjectFor(mailing, r.variant) } : compiled,
    {
      values: merge,
      unsubscribeUrl,
      link: (url) => {
        const attributed = withSource(url, baseUrl, source);
        return mailing.clickTracking && /^https?:/.test(url)
          ? links.clickUrl(subject, attributed)
          : attributed;
      },
    },
  );
}

function classify(r: repo.RecipientRow, err: unknown): Outcome {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const response = String(e.response ?? e.message ?? err);
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500) return { id: r.id, status: 'bounced', response, email: r.email };
    if (e.responseCode >= 400)
      return { id: r.id, status: 'queued', response: `soft: ${response}`, email: r.email };
  }
  // Could not connect at all: nothing was handed over, so it can wait for the next try.
  if (e.code === 'ECONNECTION' || e.code === 'ECONNREFUSED')
    return { id: r.id, status: 'queued', response: `unreachable: ${response}`, email: r.email };
  return { id: r.id, status: 'failed', response, email: r.email };
}
