import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { erasePerson, exportPersonData } from '../people/data-rights.service.js';
import { listConsentHistory } from '../people/people.service.js';
import { walkAudience } from './audience.js';
import { DEFAULT_SETTINGS, saveMailingSettings } from './mailing-settings.js';
import { compileMailing, personalise } from './mail-render.js';
import { fillMergeTags, parseMergeTags } from './merge-fields.js';
import { cancelMailing, createMailing, getMailing, scheduleMailing } from './mailings.service.js';
import {
  SmtpSink,
  addSupporter,
  countRows,
  mailingForm,
  rawHeader,
  sendMailing,
  tagSegment,
} from './mailings.test-support.js';

describe('merge fields', () => {
  it('fills values, falls back when empty, and refuses unknown names', () => {
    assert.equal(fillMergeTags('Hi {{first_name|friend}}!', { first_name: 'Ada' }), 'Hi Ada!');
    assert.equal(
      fillMergeTags('Hi {{ first_name | friend }}!', { first_name: '  ' }),
      'Hi friend!',
    );
    assert.throws(
      () => parseMergeTags('Hi {{frist_name}}'),
      /Unknown merge field \{\{frist_name\}\}/,
    );
    assert.throws(() => parseMergeTags('Hi {{first_name'), /not closed/);
  });

  it('escapes merged values in the HTML part and keeps them plain in the text part', () => {
    const c = compileMailing({
      subject: 'Hi {{first_name}}',
      preheader: '',
      body: 'Hello **{{first_name}}**',
    });
    const m = personalise(c, {
      values: { first_name: '<Ada & Co>' },
      unsubscribeUrl: 'https://x.example/u',
      link: (u) => u,
    });
    assert.match(m.html, /<strong>&lt;Ada &amp; Co&gt;<\/strong>/);
    assert.match(m.text, /Hello \*\*<Ada & Co>\*\*/);
    assert.match(m.text, /Unsubscribe: https:\/\/x\.example\/u/);
    assert.equal(m.subject, 'Hi <Ada & Co>');
  });
});

describeEachDatabase('mailings', (ctx) => {
  let app: FastifyInstance;
  let sink: SmtpSink;
  const clock = new ManualClock(new Date());

  before(async () => {
    sink = new SmtpSink();
    const smtpUrl = await sink.start();
    app = await createTestApp(ctx.db, { smtpUrl, baseUrl: 'http://localhost:3000' }, { clock });
    await saveMailingSettings(ctx.db, { ...DEFAULT_SETTINGS, perMinute: 600_000 });
  });
  after(async () => {
    await app.close();
    await sink.stop();
  });

  const countMailings = () => countRows(ctx.db, 'mailings');

  describe('composing', () => {
    it('refuses bad input with a 4xx naming the problem, and saves nothing', async () => {
      const client = await loginAs(app, 'organiser');
      const seg = await tagSegment(app.services, 'compose');
      await client.get('/admin/mailings/new');
      const before = await countMailings();
      const cases: [Record<string, string | string[]>, RegExp][] = [
        [{ subject: '' }, /Give the mailing a subject line/],
        [{ body: 'Hi {{frist_name}}' }, /Unknown merge field \{\{frist_name\}\}/],
        [{ fromName: 'Ada\r\nBcc: everyone@example.org' }, /From name cannot contain line breaks/],
        [{ segmentIds: '999999' }, /Segment 999999 no longer exists/],
        [{ segmentIds: [] }, /Choose at least one segment/],
        [{ replyTo: 'not an address' }, /valid Reply-To/],
      ];
      for (const [change, message] of cases) {
        const form = {
          ...mailingForm({ segmentIds: [String(seg)] }),
          clickTracking: '',
          ...change,
        };
        const res = await client.post('/admin/mailings', form);
        assert.equal(res.statusCode, 422, JSON.stringify(change));
        assert.match(res.body.replace(/&#123;|&#125;/g, ''), message);
      }
      assert.equal(await countMailings(), before);
    });

    it('saves a draft and previews exactly what one person will get', async () => {
      const client = await loginAs(app, 'organiser');
      const tag = 'preview';
      const ada = await addSupporter(ctx.db, { firstName: 'Ada', tags: [tag] });
      const seg = await tagSegment(app.services, tag);
      await client.get('/admin/mailings/new');
      const res = await client.post('/admin/mailings', {
        ...mailingForm({ segmentIds: [String(seg)] }),
        clickTracking: '',
      });
      assert.equal(res.statusCode, 303);
      const page = await client.get(`${res.headers.location}?as=${encodeURIComponent(ada.email)}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /data-preview-subject>Hello Ada</);
      assert.match(page.body, /Dear Ada,/);
      assert.match(page.body, /source=mailing-/, 'links to our own site carry the source');
      const anon = await client.get(res.headers.location as string);
      assert.match(anon.body, /Hello friend/, 'the fallback shows when there is no name');
      assert.match(anon.body, /data-recipients>1</, 'the count is shown before sending');
    });
  });

  describe('audience', () => {
    it('takes the segments minus exclusions, consent only, never suppressed, capped, malformed listed', async () => {
      const tag = 'aud';
      const ok = await addSupporter(ctx.db, { tags: [tag] });
      await addSupporter(ctx.db, { tags: [tag], consent: 'withdrawn' });
      await addSupporter(ctx.db, { tags: [tag], consent: 'none' });
      const excluded = await addSupporter(ctx.db, { tags: [tag, 'aud-excl'] });
      const suppressed = await addSupporter(ctx.db, { tags: [tag] });
      await ctx.db.kysely
        .insertInto('mail_suppressions')
        .values({
          email: suppressed.email,
          reason: 'bounced',
          source: 'test',
          created_at: new Date().toISOString(),
        })
        .execute();
      const malformed = await addSupporter(ctx.db, { tags: [tag] });
      await ctx.db.kysely
        .updateTable('people')
        .set({ email: 'broken@@example' })
        .where('id', '=', malformed.id)
        .execute();
      const seg = await tagSegment(app.services, tag);
      const excl = await tagSegment(app.services, 'aud-excl');
      const b = await walkAudience(
        app.services,
        { segmentIds: [seg], excludeSegmentIds: [excl] },
        DEFAULT_SETTINGS,
      );
      assert.deepEqual(
        { ...b, malformedAddresses: b.malformedAddresses },
        {
          inSegments: 6,
          excluded: 1,
          noConsent: 2,
          suppressed: 1,
          capped: 0,
          malformed: 1,
          malformedAddresses: ['broken@@example'],
          recipients: 1,
        },
      );
      assert.ok(ok && excluded);
    });

    it('skips people mailed too often under the frequency cap, and says how many', async () => {
      const tag = 'cap';
      await addSupporter(ctx.db, { tags: [tag] });
      await addSupporter(ctx.db, { tags: [tag] });
      const seg = await tagSegment(app.services, tag);
      const settings = { ...DEFAULT_SETTINGS, capCount: 1, capDays: 7, perMinute: 600_000 };
      await saveMailingSettings(ctx.db, settings);
      try {
        await sendMailing(app, mailingForm({ segmentIds: [String(seg)] }));
        const b = await walkAudience(
          app.services,
          { segmentIds: [seg], excludeSegmentIds: [] },
          settings,
        );
        assert.equal(b.capped, 2);
        assert.equal(b.recipients, 0);
      } finally {
        await saveMailingSettings(ctx.db, { ...DEFAULT_SETTINGS, perMinute: 600_000 });
      }
    });
  });

  describe('sending and unsubscribing', () => {
    it('sends one message per recipient with RFC 8058 headers, a VERP return path and a recorded SMTP response', async () => {
      const tag = 'send';
      const a = await addSupporter(ctx.db, { firstName: 'Grace', tags: [tag] });
      const b = await addSupporter(ctx.db, { firstName: null, tags: [tag] });
      const seg = await tagSegment(app.services, tag);
      const m = await sendMailing(app, mailingForm({ segmentIds: [String(seg)] }));
      assert.equal(m.status, 'sent');
      const toA = sink.to(a.email);
      assert.equal(toA.length, 1);
      assert.equal(sink.to(b.email).length, 1);
      assert.match(toA[0]!.from, /^bounces\+r\d+\.[\w-]+@localhost$/);
      const parsed = await simpleParser(toA[0]!.raw);
      assert.equal(parsed.subject, 'Hello Grace');
      const lu = rawHeader(toA[0]!.raw, 'List-Unsubscribe');
      assert.match(lu, /<http:\/\/localhost:3000\/unsubscribe\/r\d+\.[\w-]+>/);
      assert.match(lu, /<mailto:unsubscribe\+r\d+\.[\w-]+@localhost\?subject=unsubscribe>/);
      assert.equal(rawHeader(toA[0]!.raw, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
      assert.match(String(parsed.from?.text), /Ada at Save Our Libraries/);
      assert.match(parsed.text ?? '', /Dear Grace/);
      const bParsed = await simpleParser(sink.to(b.email)[0]!.raw);
      assert.match(bParsed.text ?? '', /Dear friend/);
      const rows = await ctx.db.kysely
        .selectFrom('mailing_recipients')
        .selectAll()
        .where('mailing_id', '=', m.id)
        .execute();
      assert.equal(rows.length, 2);
      for (const r of rows) {
        assert.equal(r.status, 'sent');
        assert.match(r.smtp_response ?? '', /^250/);
      }

      // One-click from the mail provider: no cookie, no CSRF token, only the signed URL.
      const url = /<http:\/\/localhost:3000(\/unsubscribe\/[^>]+)>/.exec(lu)![1]!;
      const tampered = url.slice(0, -1) + (url.endsWith('0') ? '1' : '0');
      const bad = await app.inject({
        method: 'POST',
        url: tampered,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(bad.statusCode, 404);
      assert.equal(
        (
          await ctx.db.kysely
            .selectFrom('mail_suppressions')
            .selectAll()
            .where('email', '=', a.email)
            .execute()
        ).length,
        0,
        'a tampered token does nothing',
      );
      const page = await new TestClient(app).get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form method="post"/);
      const one = await app.inject({
        method: 'POST',
        url,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(one.statusCode, 200);
      const sup = await ctx.db.kysely
        .selectFrom('mail_suppressions')
        .selectAll()
        .where('email', '=', a.email)
        .executeTakeFirst();
      assert.equal(sup?.reason, 'unsubscribed');
      const history = await listConsentHistory(ctx.db, a.id);
      assert.equal(history[0]?.status, 'withdrawn');
      assert.match(history[0]?.source ?? '', new RegExp(`mailing:${m.id}`));
      const row = await ctx.db.kysely
        .selectFrom('mailing_recipients')
        .selectAll()
        .where('person_id', '=', a.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'unsubscribed');
    });

    it('accepts the RFC 8058 one-click POST as multipart/form-data too', async () => {
      const a = await addSupporter(ctx.db, { tags: ['multipart'] });
      const seg = await tagSegment(app.services, 'multipart');
      await sendMailing(app, mailingForm({ segmentIds: [String(seg)] }));
      const lu = rawHeader(sink.to(a.email).at(-1)!.raw, 'List-Unsubscribe');
      const url = /<http:\/\/localhost:3000(\/unsubscribe\/[^>]+)>/.exec(lu)![1]!;
      const boundary = '----OneClickBoundary7';
      const res = await app.inject({
        method: 'POST',
        url,
        payload:
          `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n` +
          `One-Click\r\n--${boundary}--\r\n`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
      assert.equal(res.body, 'Unsubscribed.', 'answered as a one-click request, not a page');
      const sup = await ctx.db.kysely
        .selectFrom('mail_suppressions')
        .selectAll()
        .where('email', '=', a.email)
        .executeTakeFirst();
      assert.equal(sup?.reason, 'unsubscribed');
      // A malformed multipart body is a 4xx or the plain page, never a 5xx.
      const broken = await app.inject({
        method: 'POST',
        url,
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsub`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      assert.ok(broken.statusCode < 500, String(broken.statusCode));
    });

    it('records a refused recipient as bounced and suppresses it, without stopping the others', async () => {
      const tag = 'refuse';
      const a = await addSupporter(ctx.db, { tags: [tag] });
      const b = await addSupporter(ctx.db, { tags: [tag] });
      sink.refuse.set(b.email, 550);
      const seg = await tagSegment(app.services, tag);
      const created = await sendMailing(app, mailingForm({ segmentIds: [String(seg)] }));
      const rows = await ctx.db.kysely
        .selectFrom('mailing_recipients')
        .selectAll()
        .where('mailing_id', '=', created.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.email, r.status]),
        [
          [a.email, 'sent'],
          [b.email, 'bounced'],
        ],
      );
      assert.match(rows[1]!.smtp_response ?? '', /550/);
      assert.ok(
        await ctx.db.kysely
          .selectFrom('mail_suppressions')
          .select('email')
          .where('email', '=', b.email)
          .executeTakeFirst(),
      );
    });

    it("reaches a person's data export, and erasure removes their address from the rows", async () => {
      const tag = 'rights';
      const p = await addSupporter(ctx.db, { tags: [tag] });
      const seg = await tagSegment(app.services, tag);
      const created = await sendMailing(app, mailingForm({ segmentIds: [String(seg)] }));
      const exported = JSON.stringify(await exportPersonData(app.services, p.id, null));
      assert.match(exported, new RegExp(`"mailing":${created.id}`));
      await erasePerson(app.services, p.id, null);
      const row = await ctx.db.kysely
        .selectFrom('mailing_recipients')
        .selectAll()
        .where('person_id', '=', p.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.email, `erased-${p.id}@erased.invalid`);
      assert.equal(row.merge_data, '{}');
      assert.equal(row.status, 'sent', "the mailing's counts stay true");
    });

    it('refuses a schedule in the past, and a cancelled mailing sends nobody', async () => {
      const tag = 'sched';
      const a = await addSupporter(ctx.db, { tags: [tag] });
      const seg = await tagSegment(app.services, tag);
      const created = await createMailing(
        app.services,
        mailingForm({ segmentIds: [String(seg)] }),
        null,
      );
      assert.ok(created.ok);
      const m = (await getMailing(app.services, created.id))!;
      const past = await scheduleMailing(
        app.services,
        { mailing: m, when: '2020-01-01T10:00' },
        null,
      );
      assert.deepEqual(past, {
        ok: false,
        error: 'That time is in the past: choose a later one, or send now.',
      });
      assert.equal((await getMailing(app.services, m.id))?.status, 'draft');
      const later = await scheduleMailing(
        app.services,
        { mailing: m, when: '2099-06-01T10:00' },
        null,
      );
      assert.ok(later.ok);
      assert.equal(later.at, '2099-06-01T09:00:00.000Z', 'UK summer time is an hour ahead of UTC');
      const cancelled = await cancelMailing(
        app.services,
        { mailing: (await getMailing(app.services, m.id))! },
        null,
      );
      assert.ok(cancelled.ok);
      await new (await import('../../infra/jobs/worker.js')).Worker(app.services.jobs, {
        now: () => new Date('2099-06-02T00:00:00Z'),
      }).runUntilIdle();
      assert.equal(sink.to(a.email).length, 0);
      assert.equal((await getMailing(app.services, m.id))?.status, 'cancelled');
    });

    it('answers a schedule in the past over HTTP with a 422', async () => {
      const client = await loginAs(app, 'organiser');
      const seg = await tagSegment(app.services, 'sched-http');
      const created = await createMailing(
        app.services,
        mailingForm({ segmentIds: [String(seg)] }),
        null,
      );
      assert.ok(created.ok);
      await client.get(`/admin/mailings/${created.id}`);
      const res = await client.post(`/admin/mailings/${created.id}/schedule`, {
        when: '2001-01-01T09:00',
      });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /in the past/);
    });

    it('suppresses the addresses of an uploaded bounce CSV and lists lines that are not addresses', async () => {
      const client = await loginAs(app, 'organiser');
      await client.get('/admin/mailings/bounces');
      const res = await client.postMultipart(
        '/admin/mailings/bounces',
        {},
        {
          file: {
            filename: 'bounces.csv',
            contentType: 'text/csv',
            content:
              'email,type\ncsv-hard@example.org,hard bounce\ncsv-spam@example.org,complaint\nnot-an-address,bounce\n',
          },
        },
      );
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Suppressed 2 addresses/);
      assert.match(res.body, /Line 4: <code>not-an-address<\/code>/);
      const rows = await ctx.db.kysely
        .selectFrom('mail_suppressions')
        .select(['email', 'reason'])
        .where('source', '=', 'bounce-csv')
        .orderBy('email')
        .execute();
      assert.deepEqual(rows, [
        { email: 'csv-hard@example.org', reason: 'bounced' },
        { email: 'csv-spam@example.org', reason: 'complained' },
      ]);
    });

    it('test-sends to staff addresses only', async () => {
      const staffEmail = `org-${Date.now()}@example.org`;
      const client = await loginAs(app, 'organiser', { email: staffEmail });
      const seg = await tagSegment(app.services, 'testsend');
      const created = await createMailing(
        app.services,
        mailingForm({ segmentIds: [String(seg)] }),
        null,
      );
      assert.ok(created.ok);
      await client.get(`/admin/mailings/${created.id}`);
      const outsider = await client.post(`/admin/mailings/${created.id}/test`, {
        to: 'stranger@example.org',
      });
      assert.equal(outsider.statusCode, 422);
      assert.match(outsider.body, /not a staff account/);
      const ok = await client.post(`/admin/mailings/${created.id}/test`, { to: staffEmail });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
      const outbox = await ctx.db.kysely
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', staffEmail)
        .execute();
      assert.equal(outbox.length, 1);
      assert.equal(outbox[0]?.subject, '[Test] Hello friend');
    });
  });
});
