import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { Worker } from '../../infra/jobs/worker.js';
import { publishedPetition } from '../petitions/petitions.test-support.js';
import { flushSignatures } from '../petitions/signing.service.js';
import { DEFAULT_SETTINGS, saveMailingSettings } from './mailing-settings.js';
import {
  type MailingForm,
  createMailing,
  getMailing,
  scheduleMailing,
} from './mailings.service.js';
import {
  SmtpSink,
  addSupporter,
  countRows,
  mailingForm,
  refusedMailing,
  rawHeader,
  runJobs,
  tagSegment,
} from './mailings.test-support.js';
import { pickWinner } from './subject-test.js';

describe('subject test: choosing the winner', () => {
  const r = (variant: 'a' | 'b' | 'c', sent: number, actions: number) => ({
    variant,
    subject: variant,
    sent,
    actions,
  });
  it('takes the most actions, then the most sent, then the earliest line', () => {
    assert.equal(pickWinner([r('a', 10, 1), r('b', 10, 3), r('c', 10, 2)]), 'b');
    assert.equal(pickWinner([r('a', 9, 2), r('b', 10, 2)]), 'b', 'a tie goes to more sent');
    assert.equal(pickWinner([r('a', 10, 0), r('b', 10, 0), r('c', 10, 0)]), 'a');
  });
});

describeEachDatabase('mailings: subject tests and {{petition_url}}', (ctx) => {
  let app: FastifyInstance;
  let sink: SmtpSink;
  const clock = new ManualClock(new Date());
  const baseUrl = 'http://localhost:3000';

  before(async () => {
    sink = new SmtpSink();
    const smtpUrl = await sink.start();
    app = await createTestApp(ctx.db, { smtpUrl, baseUrl }, { clock });
    await saveMailingSettings(ctx.db, { ...DEFAULT_SETTINGS, capCount: 0, perMinute: 600_000 });
  });
  after(async () => {
    await app.close();
    await sink.stop();
  });

  it('refuses more than 3 subjects, a bad line or slice, and a missing petition: nothing saved', async () => {
    const segment = await tagSegment(app.services, 'nobody');
    const before = await countRows(ctx.db, 'mailings');
    const attempt = (fields: Partial<MailingForm>) => refusedMailing(app.services, segment, fields);
    assert.match(
      (await attempt({ subjectVariants: ['B', 'C', 'D'], testPercent: '10' })).subjectVariants!,
      /at most 3 subject lines/,
    );
    assert.match(
      (await attempt({ subjectVariants: ['B\r\nBcc: x@example.org'], testPercent: '10' }))
        .subjectVariants!,
      /line breaks/,
    );
    assert.match(
      (await attempt({ subjectVariants: ['B {{nope}}'], testPercent: '10' })).subjectVariants!,
      /Unknown merge field/,
    );
    for (const pct of ['0', '51', 'ten', ''])
      assert.match(
        (await attempt({ subjectVariants: ['B'], testPercent: pct })).testPercent!,
        /from 1 to 50/,
      );
    assert.match(
      (await attempt({ subjectVariants: ['B'], testPercent: '10', testWaitHours: '0' }))
        .testWaitHours!,
      /from 1 to 72/,
    );
    assert.match(
      (await attempt({ testPercent: '10' })).subjectVariants!,
      /needs a second subject line/,
    );
    assert.match(
      (await attempt({ body: 'Sign: {{petition_url}}' })).petitionId!,
      /Choose the petition/,
    );
    assert.match(
      (await attempt({ body: 'Sign: {{petition_url}}', petitionId: '99999' })).petitionId!,
      /no longer exists/,
    );
    assert.equal(await countRows(ctx.db, 'mailings'), before);

    // Through the form: a 422 naming the field, and still nothing saved.
    const staff = await loginAs(app, 'organiser');
    await staff.get('/admin/mailings/new');
    const res = await staff.post('/admin/mailings', {
      subject: 'A',
      fromName: 'Ada',
      body: 'Hello',
      segmentIds: String(segment),
      subjectVariants: ['B', 'C', 'D'],
      testPercent: '10',
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /at most 3 subject lines/);
    assert.equal(await countRows(ctx.db, 'mailings'), before);
  });

  it('sends the test slice split across subjects, then the subject with most actions to the rest', async () => {
    for (let i = 0; i < 30; i++) await addSupporter(ctx.db, { tags: ['subjtest'] });
    const segment = await tagSegment(app.services, 'subjtest');
    const petition = await publishedPetition(app.services, { title: 'Save it', slug: 'save-it' });
    const saved = await createMailing(
      app.services,
      mailingForm({
        subject: 'Subject A',
        subjectVariants: ['Subject B', 'Subject C', ''],
        testPercent: '30',
        testWaitHours: '2',
        body: 'Please sign: {{petition_url}}',
        petitionId: String(petition.id),
        segmentIds: [String(segment)],
      }),
      null,
    );
    assert.ok(saved.ok, JSON.stringify(saved));
    const id = saved.id;
    const mailing = (await getMailing(app.services, id))!;
    assert.ok((await scheduleMailing(app.services, { mailing, when: '' }, null)).ok);
    const start = sink.received.length;
    await runJobs(app);

    const mine = () =>
      sink.received.slice(start).filter((m) => rawHeader(m.raw, 'X-Rally-Mailing') === String(id));
    const test = mine();
    assert.equal(test.length, 9, 'ceil(30 × 30%) in the test slice');
    const bySubject = new Map<string, string[]>();
    for (const m of test) {
      const subject = rawHeader(m.raw, 'Subject');
      bySubject.set(subject, [...(bySubject.get(subject) ?? []), m.to[0]!]);
      // {{petition_url}} carries the reader's variant, so their actions count for its line.
      const variant = subject.slice(-1).toLowerCase();
      assert.match(m.raw, new RegExp(`/p/save-it\\?source=mailing-${id}-${variant}`));
    }
    assert.deepEqual(
      [...bySubject.keys()].sort(),
      ['Subject A', 'Subject B', 'Subject C'],
      'every line went out',
    );
    assert.deepEqual(
      [...bySubject.values()].map((v) => v.length),
      [3, 3, 3],
    );
    assert.equal((await getMailing(app.services, id))!.status, 'sending');
    const held = await ctx.db.kysely
      .selectFrom('mailing_recipients')
      .select('id')
      .where('mailing_id', '=', id)
      .where('status', '=', 'held')
      .execute();
    assert.equal(held.length, 21, 'the rest wait for the winner');

    // Readers of subject C act more than anyone: two signatures from its links, one from A's.
    const sign = (email: string, variant: string) =>
      flushSignatures(app.services, [
        {
          petitionId: petition.id,
          eligibility: 'none',
          name: 'Reader',
          email,
          emailKey: email,
          emailDomain: 'example.org',
          postcode: 'LS28 5AB',
          constituencyCode: null,
          constituencyName: null,
          answer: null,
          membershipNumber: null,
          consentWording: null,
          showName: false,
          ip: '203.0.113.9',
          disposable: false,
          source: `mailing-${id}-${variant}`,
        },
      ]);
    await sign('c1@example.org', 'c');
    await sign('c2@example.org', 'c');
    await sign('a1@example.org', 'a');

    // Before the wait is over nothing more goes out, even if the worker looks ahead.
    await runJobs(app);
    assert.equal(mine().length, 9);

    clock.advance(2 * 3_600_000 + 1000);
    await new Worker(app.services.jobs, {
      now: () => new Date(Date.now() + 4 * 3_600_000),
    }).runUntilIdle();

    const after = await getMailing(app.services, id);
    assert.equal(after!.testWinner, 'c');
    assert.equal(after!.status, 'sent');
    const rest = mine().slice(9);
    assert.equal(rest.length, 21, 'the rest got the winner');
    assert.ok(rest.every((m) => rawHeader(m.raw, 'Subject') === 'Subject C'));
    const everyone = new Set(mine().map((m) => m.to[0]));
    assert.equal(everyone.size, 30, 'nobody got it twice');

    const staff = await loginAs(app, 'viewer');
    const report = await staff.get(`/admin/mailings/${id}`);
    assert.match(report.body, /data-winner="c"/);
    assert.match(
      report.body,
      /<tr data-variant="c">[\s\S]*?data-variant-sent>24<[\s\S]*?data-variant-actions>2</,
    );
    assert.match(report.body, /<tr data-variant="a">[\s\S]*?data-variant-actions>1</);
    assert.match(report.body, /data-actions="signature">3</);
  });
});
