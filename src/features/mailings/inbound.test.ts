import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTransport } from 'nodemailer';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { listConsentHistory } from '../people/people.service.js';
import { type InboundServer, startInboundServer } from './inbound.js';
import { DEFAULT_SETTINGS, saveMailingSettings } from './mailing-settings.js';
import {
  SmtpSink,
  addSupporter,
  mailingForm,
  sendMailing,
  tagSegment,
} from './mailings.test-support.js';

function dsn(to: string, recipient: string, action: string, status: string): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"',
    '',
    '--dsn-boundary',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered.',
    '',
    '--dsn-boundary',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    'Arrival-Date: Thu, 3 Dec 2026 10:00:00 +0000',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${status.startsWith('5') ? '550 5.1.1 user unknown' : '452 4.2.2 mailbox full'}`,
    '',
    '--dsn-boundary',
    'Content-Type: text/rfc822-headers',
    '',
    'Subject: Hello',
    '',
    '--dsn-boundary--',
    '',
  ].join('\r\n');
}

function arf(to: string, recipient: string): string {
  return [
    'From: Feedback Loop <fbl@isp.example.net>',
    `To: ${to}`,
    'Subject: Abuse report',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf-boundary"',
    '',
    '--arf-boundary',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is an email abuse report for a message received from you.',
    '',
    '--arf-boundary',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: ExampleFBL/1.0',
    'Version: 1',
    `Original-Rcpt-To: ${recipient}`,
    '',
    '--arf-boundary',
    'Content-Type: message/rfc822',
    '',
    'From: Campaign <rally@localhost>',
    `To: ${recipient}`,
    'Subject: Hello',
    '',
    'The message.',
    '',
    '--arf-boundary--',
    '',
  ].join('\r\n');
}

describeEachDatabase('mailings: bounces and complaints through the inbound listener', (ctx) => {
  let app: FastifyInstance;
  let sink: SmtpSink;
  let inbound: InboundServer;
  let processed = 0;

  before(async () => {
    sink = new SmtpSink();
    app = await createTestApp(ctx.db, {
      smtpUrl: await sink.start(),
      baseUrl: 'http://localhost:3000',
    });
    await saveMailingSettings(ctx.db, {
      ...DEFAULT_SETTINGS,
      perMinute: 600_000,
      softBounceLimit: 2,
    });
    inbound = await startInboundServer(app.services, {
      port: 0,
      onProcessed: () => (processed += 1),
    });
  });
  after(async () => {
    await inbound.close();
    await app.close();
    await sink.stop();
  });

  /** Sends a mailing to n fresh supporters; returns each one's address and VERP return path. */
  async function sendTo(n: number, firstMailing = true) {
    const tag = `in-${Math.random().toString(36).slice(2, 8)}`;
    const people = [];
    for (let i = 0; i < n; i++) people.push(await addSupporter(ctx.db, { tags: [tag] }));
    const seg = await tagSegment(app.services, tag);
    assert.ok(firstMailing);
    const m = await sendMailing(app, mailingForm({ segmentIds: [String(seg)] }));
    return {
      mailingId: m.id,
      people: people.map((p) => ({ ...p, verp: sink.to(p.email).at(-1)!.from })),
      tag,
      seg,
    };
  }

  async function deliver(rcpt: string, raw: string) {
    const before = processed;
    const t = createTransport({
      host: '127.0.0.1',
      port: inbound.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await t.sendMail({ envelope: { from: 'mailer-daemon@mx.example.net', to: rcpt }, raw });
    } finally {
      t.close();
    }
    assert.equal(processed, before + 1);
  }

  const row = (mailingId: number, email: string) =>
    ctx.db.kysely
      .selectFrom('mailing_recipients')
      .selectAll()
      .where('mailing_id', '=', mailingId)
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
  const suppression = (email: string) =>
    ctx.db.kysely
      .selectFrom('mail_suppressions')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();

  it('a hard bounce (DSN 5.1.1) marks the row bounced and suppresses the address', async () => {
    const { mailingId, people } = await sendTo(1);
    const p = people[0]!;
    // Some servers upper- or lower-case the local part on the way back.
    const verp = p.verp.toUpperCase();
    await deliver(verp, dsn(verp, p.email, 'failed', '5.1.1'));
    const r = await row(mailingId, p.email);
    assert.equal(r.status, 'bounced');
    assert.match(r.smtp_response ?? '', /5\.1\.1/);
    assert.equal((await suppression(p.email))?.reason, 'bounced');
  });

  it('an abuse report (ARF) marks the row complained, suppresses, and withdraws consent', async () => {
    const { mailingId, people } = await sendTo(1);
    const p = people[0]!;
    await deliver(p.verp, arf(p.verp, p.email));
    assert.equal((await row(mailingId, p.email)).status, 'complained');
    assert.equal((await suppression(p.email))?.reason, 'complained');
    assert.equal((await listConsentHistory(ctx.db, p.id))[0]?.status, 'withdrawn');
  });

  it('soft bounces count, and suppress only after the limit', async () => {
    const { mailingId, people } = await sendTo(1);
    const p = people[0]!;
    await deliver(p.verp, dsn(p.verp, p.email, 'failed', '4.2.2'));
    assert.equal((await row(mailingId, p.email)).status, 'sent');
    assert.equal(await suppression(p.email), undefined);
    await deliver(p.verp, dsn(p.verp, p.email, 'delayed', '4.2.2'));
    assert.equal((await row(mailingId, p.email)).status, 'bounced');
    assert.equal((await suppression(p.email))?.reason, 'bounced');
  });

  it('ignores a report to a forged VERP address, and refuses other mailboxes', async () => {
    const { mailingId, people } = await sendTo(1);
    const p = people[0]!;
    const forged = p.verp.replace(/\.[\w-]+@/, '.aaaaaaaaaaaaaaaaaaaaaaaa@');
    await deliver(forged, dsn(forged, p.email, 'failed', '5.1.1'));
    assert.equal((await row(mailingId, p.email)).status, 'sent');
    const t = createTransport({
      host: '127.0.0.1',
      port: inbound.port,
      secure: false,
      ignoreTLS: true,
    });
    await assert.rejects(
      t.sendMail({
        envelope: { from: 'x@example.net', to: 'postmaster@localhost' },
        raw: 'Subject: hi\r\n\r\nhi',
      }),
      /550/,
    );
    t.close();
  });

  it('an email to the List-Unsubscribe mailto unsubscribes', async () => {
    const { mailingId, people } = await sendTo(1);
    const p = people[0]!;
    const mailto = /<mailto:([^?>]+)\?/.exec(
      sink
        .to(p.email)
        .at(-1)!
        .raw.replace(/\r?\n[ \t]+/g, ' '),
    )![1]!;
    await deliver(
      mailto,
      `From: ${p.email}\r\nTo: ${mailto}\r\nSubject: unsubscribe\r\n\r\nunsubscribe`,
    );
    assert.equal((await row(mailingId, p.email)).status, 'unsubscribed');
    assert.equal((await suppression(p.email))?.reason, 'unsubscribed');
  });

  it('a suppressed address is never mailed again, whatever the segment says', async () => {
    const { people, seg } = await sendTo(2);
    const [gone, stays] = people as [(typeof people)[0], (typeof people)[0]];
    await deliver(gone.verp, dsn(gone.verp, gone.email, 'failed', '5.1.1'));
    await saveMailingSettings(ctx.db, {
      ...DEFAULT_SETTINGS,
      capCount: 0,
      perMinute: 600_000,
      softBounceLimit: 2,
    });
    await sendMailing(app, mailingForm({ segmentIds: [String(seg)] }));
    assert.equal(sink.to(gone.email).length, 1);
    assert.equal(sink.to(stays.email).length, 2);
  });
});
