import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs, loginAsNew } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { setPermission } from '../staff/permissions.service.js';
import { upsertPerson } from '../people/people.service.js';
import { EVIDENCE_MAX_BYTES } from './cases.rules.js';
import { newCaseHref } from './cases.service.js';

/** The smallest PNG: a 1×1 transparent pixel. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describeEachDatabase('conduct cases over HTTP: evidence access, bad input', (ctx) => {
  let app: FastifyInstance;
  let worker: TestClient;
  let caseId = 0;
  let fileUrl = '';
  before(async () => {
    app = await createTestApp(ctx.db);
    const made = await loginAsNew(app, 'viewer');
    await setPermission(
      app.services,
      { userId: made.user.id, permission: 'caseworker', granted: true },
      null,
    );
    worker = made.client;
    await worker.get('/admin/cases/new');
    const fields = {
      category: 'harassment',
      respondentName: 'Rob',
      summary: 'Shouted at a passer-by.',
      source: 'staff',
      sourceRef: '',
    };
    const res = await worker.postMultipart('/admin/cases', fields, {
      file: { filename: 'shot.png', content: PNG, contentType: 'image/png' },
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    caseId = Number(/\/admin\/cases\/(\d+)/.exec(String(res.headers.location))?.[1]);
    const page = await worker.get(`/admin/cases/${caseId}`);
    fileUrl = /href="(\/admin\/cases\/\d+\/evidence\/\d+)"/.exec(page.body)?.[1] ?? '';
    assert.ok(fileUrl, 'the case page links its file');
  });
  after(() => app.close());

  it('serves evidence only to caseworkers: viewer and moderator 403, anonymous to login', async () => {
    const ok = await worker.get(fileUrl);
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['content-type'], 'image/png');
    for (const role of ['viewer', 'moderator'] as const) {
      const other = await loginAs(app, role);
      assert.equal((await other.get(fileUrl)).statusCode, 403);
      assert.equal((await other.get(`/admin/cases/${caseId}`)).statusCode, 403);
    }
    const anonymous = await new TestClient(app).get(fileUrl);
    assert.equal(anonymous.statusCode, 302);
    assert.match(String(anonymous.headers.location), /^\/login/);
  });

  it('logs every view of the case and of its files', async () => {
    const page = await worker.get(`/admin/cases/${caseId}`);
    assert.match(page.body, /\(file \d+\)/);
    const views = await ctx.db.kysely
      .selectFrom('conduct_case_views')
      .selectAll()
      .where('case_id', '=', caseId)
      .execute();
    assert.ok(views.some((v) => v.what === 'case') && views.some((v) => v.what.startsWith('file')));
  });

  it('refuses unlisted types, oversize files and empty evidence, saving nothing', async () => {
    const before = await ctx.db.kysely
      .selectFrom('conduct_case_evidence')
      .select('id')
      .where('case_id', '=', caseId)
      .execute();
    await worker.get(`/admin/cases/${caseId}`);
    const html = await worker.postMultipart(
      `/admin/cases/${caseId}/evidence`,
      {},
      {
        file: {
          filename: 'fake.png',
          content: '<script>alert(1)</script>',
          contentType: 'image/png',
        },
      },
    );
    assert.equal(html.statusCode, 415);
    assert.match(html.body, /Only JPEG image, PNG image/);
    await worker.get(`/admin/cases/${caseId}`);
    const big = await worker.postMultipart(
      `/admin/cases/${caseId}/evidence`,
      {},
      {
        file: {
          filename: 'big.png',
          content: Buffer.concat([PNG, Buffer.alloc(EVIDENCE_MAX_BYTES)]),
        },
      },
    );
    assert.equal(big.statusCode, 413);
    await worker.get(`/admin/cases/${caseId}`);
    const empty = await worker.postMultipart(`/admin/cases/${caseId}/evidence`, { text: ' ' }, {});
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /evidence was empty/);
    const after = await ctx.db.kysely
      .selectFrom('conduct_case_evidence')
      .select('id')
      .where('case_id', '=', caseId)
      .execute();
    assert.equal(after.length, before.length);
  });

  it('answers a decision without reasons and an out-of-order step with 4xx', async () => {
    await worker.get(`/admin/cases/${caseId}`);
    const early = await worker.post(`/admin/cases/${caseId}/propose`, {
      outcome: 'warning',
      reasons: '',
    });
    assert.equal(early.statusCode, 400);
    assert.match(early.body, /Write the reasons/);
    await worker.get(`/admin/cases/${caseId}`);
    const order = await worker.post(`/admin/cases/${caseId}/confirm`);
    assert.equal(order.statusCode, 409);
    assert.match(
      order.body,
      /not possible while the case is &quot;Received&quot;|not possible while the case is "Received"/,
    );
  });

  it('opens a case from a person page and from an event check-in, recording where from', async () => {
    const person = await upsertPerson(ctx.db, {
      email: 'pia@example.org',
      firstName: 'Pia',
      lastName: 'Person',
      source: 'test',
    });
    const form = await worker.get(`/admin/cases/new?source=person&ref=${person.id}`);
    assert.match(form.body, /value="pia@example.org"/);
    assert.match(form.body, /value="Pia Person"/);
    const opened = await worker.postMultipart(
      '/admin/cases',
      {
        category: 'bullying',
        respondentName: 'Pia Person',
        respondentEmail: 'pia@example.org',
        summary: 'Mocked a newcomer at the meeting.',
        source: 'person',
        sourceRef: String(person.id),
        respondentPersonId: String(person.id),
      },
      {},
    );
    assert.equal(opened.statusCode, 303, opened.body.slice(0, 300));
    const id = Number(/(\d+)$/.exec(String(opened.headers.location))?.[1]);
    const row = await ctx.db.kysely
      .selectFrom('conduct_cases')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.respondent_person_id, person.id);
    assert.equal(row.source, 'person');
    const checkin = await worker.get(newCaseHref({ source: 'event_checkin', ref: 42 }));
    assert.match(checkin.body, /<option value="misconduct_at_event" selected/);
    assert.match(checkin.body, /Opened from event_checkin 42/);
  });

  it('shows the public form and the transparency page without logging in', async () => {
    const visitor = new TestClient(app);
    assert.equal((await visitor.get('/complaints/new')).statusCode, 200);
    const empty = await visitor.postMultipart(
      '/complaints',
      { email: 'x@example.org', category: 'harassment', respondentName: 'R' },
      {},
    );
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /cannot be empty/);
    const report = await visitor.get('/transparency');
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /2026|No complaints/);
  });
});
