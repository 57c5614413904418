import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { Worker } from '../jobs/worker.js';
import type { OutgoingMail } from './mailer.js';

/** A real SMTP server on a free local port that keeps what it receives. */
class SmtpPeer {
  readonly received: Buffer[] = [];
  connections = 0;
  /** When set, every recipient is refused with this 550 message. */
  rejectRecipients: string | undefined;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect: (_session, callback) => {
      this.connections++;
      callback();
    },
    onRcptTo: (_address, _session, callback) => {
      if (!this.rejectRecipients) return callback();
      callback(Object.assign(new Error(this.rejectRecipients), { responseCode: 550 }));
    },
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        this.received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  get openConnections(): number {
    return this.server.connections.size;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(resolve));
  }
}

/** "Name <address>" for each address in a parsed header. */
const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  [a ?? []]
    .flat()
    .flatMap((x) => x.value)
    .map((v) => (v.name ? `${v.name} <${v.address}>` : v.address));

const MAIL: OutgoingMail = {
  to: 'Ada Supporter <ada@example.org>',
  replyTo: 'organisers@example.org',
  subject: 'Thank you for signing — next steps',
  text: 'Thanks for signing!\nRead more at https://example.org/next?step=1',
  html: '<p>Thanks for <b>signing</b>!</p>',
  category: 'test.thanks',
};

describeEachDatabase('mail delivery', (ctx) => {
  const outboxRow = (id: number) =>
    ctx.db.kysely
      .selectFrom('mail_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const jobFor = async (outboxId: number) => {
    const jobs = await ctx.db.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('type', '=', 'mail.deliver')
      .execute();
    const job = jobs.find(
      (j) => (JSON.parse(j.payload) as { outboxId: number }).outboxId === outboxId,
    );
    assert.ok(job, `a mail.deliver job for outbox row ${outboxId}`);
    return job;
  };
  beforeEach(async () => {
    await ctx.db.kysely.deleteFrom('jobs').execute();
  });

  describe('with SMTP_URL set', () => {
    const peer = new SmtpPeer();
    let app: FastifyInstance;
    before(async () => {
      app = await createTestApp(ctx.db, {
        smtpUrl: await peer.start(),
        mailFrom: 'Campaign HQ <hq@example.org>',
      });
    });
    after(async () => {
      await app.close();
      await peer.stop();
    });
    beforeEach(() => {
      peer.rejectRecipients = undefined;
      peer.received.length = 0;
    });

    it('sends the queued message to the SMTP server and marks it sent', async () => {
      const id = await app.services.mailer.send(MAIL);
      assert.equal((await outboxRow(id)).status, 'queued');
      assert.equal(peer.received.length, 0, 'nothing is sent before the worker runs');

      assert.equal(await new Worker(app.services.jobs).runUntilIdle(), 1);

      assert.equal(peer.received.length, 1);
      const parsed = await simpleParser(peer.received[0]!);
      assert.deepEqual(addresses(parsed.to), ['Ada Supporter <ada@example.org>']);
      assert.deepEqual(addresses(parsed.replyTo), ['organisers@example.org']);
      assert.deepEqual(addresses(parsed.from), ['Campaign HQ <hq@example.org>']);
      assert.equal(parsed.subject, MAIL.subject);
      assert.equal(parsed.text?.trim(), MAIL.text);
      assert.equal(parsed.html, MAIL.html);

      const row = await outboxRow(id);
      assert.equal(row.status, 'sent');
      assert.equal(row.attempts, 1);
      assert.ok(row.sent_at);
      assert.equal(row.message_id, parsed.messageId);
      assert.equal((await jobFor(id)).status, 'done');
    });

    it('sends attachments with the message', async () => {
      const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';
      const id = await app.services.mailer.send({
        ...MAIL,
        attachments: [
          { filename: 'event.ics', contentType: 'text/calendar; charset=utf-8', content: ics },
        ],
      });
      await new Worker(app.services.jobs).runUntilIdle();
      const parsed = await simpleParser(peer.received[0]!);
      assert.equal(parsed.attachments.length, 1);
      assert.equal(parsed.attachments[0]!.filename, 'event.ics');
      assert.equal(parsed.attachments[0]!.contentType, 'text/calendar');
      assert.equal(parsed.attachments[0]!.content.toString('utf8'), ics);
      assert.equal((await outboxRow(id)).status, 'sent');
    });

    it('reuses one pooled SMTP connection for several messages', async () => {
      const before = peer.connections;
      for (let i = 0; i < 3; i++) await app.services.mailer.send({ ...MAIL, subject: `n${i}` });
      assert.equal(await new Worker(app.services.jobs).runUntilIdle(), 3);
      assert.equal(peer.received.length, 3);
      assert.ok(peer.connections - before <= 1, `opened ${peer.connections - before} connections`);
    });

    it('keeps a refused message queued and retries it with backoff, then marks it failed', async () => {
      peer.rejectRecipients = 'Mailbox unavailable';
      let clock = new Date(Date.now() + 1000);
      const worker = new Worker(app.services.jobs, { now: () => clock });
      const id = await app.services.mailer.send(MAIL);

      assert.equal(await worker.runUntilIdle(), 1);
      const row = await outboxRow(id);
      assert.equal(row.status, 'queued');
      assert.equal(row.attempts, 1);
      assert.match(row.error ?? '', /Mailbox unavailable/);
      const job = await jobFor(id);
      assert.equal(job.status, 'pending');
      assert.ok(Date.parse(job.run_at) > clock.getTime(), 'the retry waits');
      assert.equal(await worker.runUntilIdle(), 0);

      for (let attempt = 2; attempt <= job.max_attempts; attempt++) {
        clock = new Date(clock.getTime() + 2 * 60 * 60 * 1000);
        assert.equal(await worker.runUntilIdle(), 1);
      }
      assert.equal((await jobFor(id)).status, 'dead');
      const failed = await outboxRow(id);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.attempts, job.max_attempts);
      assert.equal(peer.received.length, 0);
    });

    it('a failed message retried from the Jobs page is delivered once SMTP accepts it', async () => {
      peer.rejectRecipients = 'Mailbox unavailable';
      let clock = new Date(Date.now() + 1000);
      const worker = new Worker(app.services.jobs, { now: () => clock });
      const id = await app.services.mailer.send(MAIL);
      const job = await jobFor(id);
      for (let attempt = 1; attempt <= job.max_attempts; attempt++) {
        assert.equal(await worker.runUntilIdle(), 1);
        clock = new Date(clock.getTime() + 2 * 60 * 60 * 1000);
      }
      assert.equal((await outboxRow(id)).status, 'failed');

      peer.rejectRecipients = undefined;
      const organiser = await loginAs(app, 'organiser');
      await organiser.get('/admin/jobs');
      assert.equal((await organiser.post(`/admin/jobs/${job.id}/retry`)).statusCode, 303);
      assert.equal((await jobFor(id)).status, 'pending');
      assert.equal(await new Worker(app.services.jobs).runUntilIdle(), 1);

      assert.equal(peer.received.length, 1);
      const row = await outboxRow(id);
      assert.equal(row.status, 'sent');
      assert.equal(row.error, null);
    });

    it('closes its SMTP connections when the app closes', async () => {
      const ownPeer = new SmtpPeer();
      const own = await createTestApp(ctx.db, { smtpUrl: await ownPeer.start() });
      try {
        await own.services.mailer.send(MAIL);
        await new Worker(own.services.jobs).runUntilIdle();
        assert.equal(ownPeer.received.length, 1);
        assert.equal(ownPeer.openConnections, 1, 'the pool keeps its connection between jobs');
        await own.close();
        for (let i = 0; i < 100 && ownPeer.openConnections > 0; i++) await sleep(10);
        assert.equal(ownPeer.openConnections, 0);
      } finally {
        await own.close();
        await ownPeer.stop();
      }
    });
  });

  describe('with no SMTP_URL', () => {
    let app: FastifyInstance;
    before(async () => {
      app = await createTestApp(ctx.db, { smtpUrl: undefined });
    });
    after(() => app.close());

    it('stores the message in the outbox as the demo mailbox', async () => {
      const id = await app.services.mailer.send(MAIL);
      assert.equal(await new Worker(app.services.jobs).runUntilIdle(), 1);
      const row = await outboxRow(id);
      assert.equal(row.status, 'stored');
      assert.equal(row.sent_at, null);
      assert.equal((await jobFor(id)).status, 'done');
    });
  });
});
