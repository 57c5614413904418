import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { Worker } from '../../infra/jobs/worker.js';
import type { Db } from '../../infra/db/database.js';
import { recordConsent, upsertPerson } from '../people/people.service.js';
import { saveSegment } from '../people/segments.service.js';
import type { Services } from '../../infra/services.js';
import {
  type FieldErrors,
  type Mailing,
  type MailingForm,
  createMailing,
  getMailing,
  scheduleMailing,
} from './mailings.service.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on a free local port that keeps what it receives (and the envelope). */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** Refuse these recipients at RCPT with the given code. */
  readonly refuse = new Map<string, number>();
  /**
   * Messages after this many are kept (their end-of-data dot arrived) but not answered: the
   * sender waits for a reply that does not come, as it would when killed right after the dot.
   */
  answerFirst = Number.POSITIVE_INFINITY;
  /** Messages received and left unanswered (beyond answerFirst). */
  held = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (address, _session, callback) => {
      const code = this.refuse.get(address.address);
      if (!code) return callback();
      callback(Object.assign(new Error(`${code} refused for test`), { responseCode: code }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        this.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        if (this.received.length > this.answerFirst) this.held += 1;
        else callback();
      });
    },
  });

  async start(): Promise<string> {
    // A client killed mid-conversation (the kill -9 test) resets its socket: not a failure here.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }
}

let seq = 0;
const WORDING = 'Keep me updated by email. I can unsubscribe at any time.';

/** A supporter with current email consent unless `consent` says otherwise. */
export async function addSupporter(
  db: Db,
  opts: {
    email?: string;
    firstName?: string | null;
    tags?: string[];
    postcode?: string;
    consent?: 'granted' | 'withdrawn' | 'none';
  } = {},
): Promise<{ id: number; email: string }> {
  seq += 1;
  const email =
    opts.email ?? `supporter-${seq}-${Math.random().toString(36).slice(2, 7)}@example.org`;
  const { id } = await upsertPerson(db, {
    email,
    firstName: opts.firstName === undefined ? `Person${seq}` : opts.firstName,
    tags: opts.tags ?? [],
    ...(opts.postcode ? { postcode: opts.postcode } : {}),
    source: 'test',
  });
  const consent = opts.consent ?? 'granted';
  if (consent !== 'none')
    await recordConsent(db, id, {
      channel: 'email',
      status: consent,
      method: 'form',
      wording: WORDING,
      source: 'test',
    });
  return { id, email };
}

/** A segment of everyone carrying `tag`. */
export async function tagSegment(services: Services, tag: string): Promise<number> {
  return saveSegment(services, { name: `Tag ${tag} ${++seq}`, filters: { tag } }, null);
}

export function mailingForm(fields: Partial<MailingForm> = {}): MailingForm {
  return {
    subject: 'Hello {{first_name|friend}}',
    preheader: 'One thing this week',
    fromName: 'Ada at Save Our Libraries',
    replyTo: '',
    body: 'Dear {{first_name|friend}},\n\nPlease [sign here](http://localhost:3000/p/library).',
    segmentIds: [],
    excludeSegmentIds: [],
    clickTracking: false,
    petitionId: '',
    letterCampaignId: '',
    eventId: '',
    subjectVariants: [],
    testPercent: '',
    testWaitHours: '',
    ...fields,
  };
}

/**
 * Saves a mailing that must be refused (to `segmentId`, the rest of the form as `fields`) and
 * returns the field errors it got.
 */
export async function refusedMailing(
  services: Services,
  segmentId: number,
  fields: Partial<MailingForm>,
): Promise<FieldErrors> {
  const r = await createMailing(
    services,
    mailingForm({ segmentIds: [String(segmentId)], ...fields }),
    null,
  );
  if (r.ok) throw new Error(`saved, not refused: ${JSON.stringify(fields)}`);
  return r.errors;
}

/** Runs every due job, future ones too (the sender spaces batches by the throttle). */
export async function runJobs(app: FastifyInstance): Promise<void> {
  await new Worker(app.services.jobs, {
    now: () => new Date(Date.now() + 3_600_000),
  }).runUntilIdle();
}

/** A header of a raw message, its folded lines joined ('' when absent). */
export function rawHeader(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head
    .split(/\r?\n/)
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

/** Rows in one of the mailings tables (to show that a refused save left nothing behind). */
export async function countRows(
  db: Db,
  table: 'mailings' | 'mailing_recipients' | 'mail_suppressions',
): Promise<number> {
  const row = await db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Saves a mailing from `form`, sends it now and runs the jobs until it is out: the mailing as it
 * stands afterwards.
 */
export async function sendMailing(app: FastifyInstance, form: MailingForm): Promise<Mailing> {
  const created = await createMailing(app.services, form, null);
  if (!created.ok) throw new Error(`mailing refused: ${JSON.stringify(created.errors)}`);
  const mailing = (await getMailing(app.services, created.id))!;
  const scheduled = await scheduleMailing(app.services, { mailing, when: '' }, null);
  if (!scheduled.ok) throw new Error(`not scheduled: ${scheduled.error}`);
  await runJobs(app);
  return (await getMailing(app.services, created.id))!;
}
