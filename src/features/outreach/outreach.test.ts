import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { THREAT, THREAT_LABEL, THREAT_WORDS } from '../../../test/helpers/civility.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs, loginAsNew } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { Worker } from '../../infra/jobs/worker.js';
import { erasePerson, exportPersonData } from '../people/data-rights.service.js';
import { listActivities, recordConsent, upsertPerson } from '../people/people.service.js';
import { HANDLE_INPUT_MAX_LENGTH, POST_TEXT_MAX_LENGTH, validateCase } from './outreach.rules.js';
import {
  DEFAULT_TEMPLATE,
  EXCERPT_MAX_LENGTH,
  MASK,
  excerptOf,
  renderTemplate,
  unknownPlaceholders,
} from './outreach.template.js';
import {
  ABUSIVE_POST,
  addAmira,
  caseRow,
  freshPostUrl,
  outreachMailTo,
  recordThroughForm,
} from './outreach.test-support.js';

const TODAY = '2025-06-15';
const form = (fields: Partial<Record<string, string>>) => ({
  postUrl: 'https://x.com/a/status/1',
  platform: '',
  handle: '',
  email: '',
  postText: 'text',
  postedOn: '',
  ...fields,
});

describe('outreach rules', () => {
  it('accepts a post and works out the platform and handle from its address', () => {
    const r = validateCase(form({ postedOn: '14/06/2025' }), TODAY);
    assert.ok(r.ok);
    assert.equal(r.fields.platform, 'twitter');
    assert.equal(r.fields.handleKey, 'a');
    assert.equal(r.fields.postedOn, '2025-06-14');
    const masto = validateCase(form({ postUrl: 'https://mastodon.social/@finn/1' }), TODAY);
    assert.ok(masto.ok);
    assert.equal(masto.fields.platform, 'mastodon');
    assert.equal(masto.fields.handleKey, 'finn@mastodon.social');
  });

  it('says what is wrong with each field', () => {
    const r = validateCase(
      {
        postUrl: 'ftp://x.com/a',
        platform: 'myspace',
        handle: 'two words',
        email: 'not-an-email',
        postText: '   ',
        postedOn: '2025-06-30',
      },
      TODAY,
    );
    assert.ok(!r.ok);
    assert.deepEqual(Object.keys(r.errors).sort(), [
      'email',
      'handle',
      'platform',
      'postText',
      'postUrl',
      'postedOn',
    ]);
    assert.match(r.errors.postUrl ?? '', /https:\/\//);
    assert.match(r.errors.postedOn ?? '', /future/);
    const long = validateCase(form({ postText: 'x'.repeat(POST_TEXT_MAX_LENGTH + 1) }), TODAY);
    assert.ok(!long.ok && /at most 5000/.test(long.errors.postText ?? ''));
    const longHandle = validateCase(
      form({ handle: 'a'.repeat(HANDLE_INPUT_MAX_LENGTH + 1) }),
      TODAY,
    );
    assert.ok(!longHandle.ok && /at most 300/.test(longHandle.errors.handle ?? ''));
    const badDay = validateCase(form({ postedOn: '2025-02-30' }), TODAY);
    assert.ok(!badDay.ok && badDay.errors.postedOn);
  });

  it('quotes the post without the words the guard flagged, and briefly', () => {
    const text = 'You are a pathetic idiot and everyone hates you';
    assert.equal(
      excerptOf(text, [{ start: 0, end: 24, label: 'abuse', text: 'You are a pathetic idiot' }]),
      `${MASK} and everyone hates you`,
    );
    const long = excerptOf('word '.repeat(200), []);
    assert.ok(long.length <= EXCERPT_MAX_LENGTH && long.endsWith('…'));
  });

  it('fills the known placeholders and reports unknown ones', () => {
    const out = renderTemplate('Hi {{first_name}}, {{ post_url }} {{nope}}', {
      first_name: 'Sam',
      post_url: 'https://x.com/s/1',
      post_excerpt: '',
      campaign_name: '',
      moderator_name: '',
    });
    assert.equal(out, 'Hi Sam, https://x.com/s/1 {{nope}}');
    assert.deepEqual(unknownPlaceholders(DEFAULT_TEMPLATE.body), []);
    assert.deepEqual(unknownPlaceholders('{{first_name}} {{unsubscribe}}'), ['unsubscribe']);
  });
});

describeEachDatabase('outreach cases', (ctx) => {
  let app: FastifyInstance;
  let moderator: TestClient;
  let viewer: TestClient;
  let amiraId: number;
  let benId: number;

  before(async () => {
    app = await createTestApp(ctx.db);
    moderator = await loginAs(app, 'moderator', { name: 'Mo Moderator' });
    viewer = await loginAs(app, 'viewer');
    amiraId = await addAmira(ctx.db, '@Amira_H');
    benId = (
      await upsertPerson(ctx.db, { email: 'ben@example.org', firstName: 'Ben', source: 'test' })
    ).id;
    await recordConsent(ctx.db, benId, {
      channel: 'email',
      status: 'withdrawn',
      method: 'admin',
      wording: 'Stop emailing me.',
      source: 'test',
    });
  });
  after(() => app.close());

  it('records a post from the form, scored by the guard and matched by handle', async () => {
    const id = await recordThroughForm(moderator, {
      postUrl: freshPostUrl('someone_else'),
      handle: 'https://twitter.com/AMIRA_H',
    });
    const row = await caseRow(app, id);
    assert.equal(row.status, 'new');
    assert.equal(row.person_id, amiraId);
    assert.equal(row.platform, 'twitter');
    assert.ok(row.score > 0.5, `score ${row.score}`);
    const page = await moderator.get(`/admin/outreach/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Matched by handle amira_h/);
    assert.ok(page.body.includes(`<mark title="${THREAT_LABEL}">${THREAT_WORDS}</mark>`));
    assert.match(page.body, new RegExp(`href="/admin/people/${amiraId}"`));
    assert.match(page.body, /Preview and send the request/);
  });

  it('matches by email first, and a later case for the same person is a repeat', async () => {
    const first = await recordThroughForm(moderator, { email: 'BEN@example.org' });
    const second = await recordThroughForm(moderator, { email: 'ben@example.org' });
    assert.equal((await caseRow(app, first)).status, 'new');
    const row = await caseRow(app, second);
    assert.equal(row.status, 'repeat');
    assert.equal(row.repeat_of, first);
    const page = await moderator.get(`/admin/outreach/${second}`);
    assert.match(page.body, new RegExp(`an earlier case:\\s*<a href="/admin/outreach/${first}">`));
    assert.match(page.body, /This supporter's cases/);
    assert.match(page.body, new RegExp(`#${second} \\(this case\\)`));
  });

  it('leaves a case unmatched, then matches it by hand', async () => {
    const id = await recordThroughForm(moderator, {
      postUrl: freshPostUrl('unknown_person'),
    });
    assert.equal((await caseRow(app, id)).status, 'unmatched');
    const page = await moderator.get(`/admin/outreach/${id}`);
    assert.match(page.body, /Not matched to a supporter yet/);
    assert.doesNotMatch(page.body, /Preview and send/);
    const unknown = await moderator.post(`/admin/outreach/${id}/match`, {
      email: 'nobody@example.org',
    });
    assert.equal(unknown.statusCode, 422);
    assert.match(unknown.body, /No supporter has that email address/);
    const res = await moderator.post(`/admin/outreach/${id}/match`, { email: 'amira@example.org' });
    assert.equal(res.statusCode, 303);
    const row = await caseRow(app, id);
    assert.equal(row.person_id, amiraId);
    assert.equal(row.status, 'repeat', 'Amira already had a case');
  });

  it('answers bad input with 4xx and a message', async () => {
    await moderator.get('/admin/outreach/new');
    const bad = await moderator.post('/admin/outreach', form({ postUrl: 'javascript:alert(1)' }));
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /must be a web address starting with https:\/\//);
    assert.match(bad.body, /role="alert"/);
    const empty = await moderator.post(
      '/admin/outreach',
      form({ postUrl: freshPostUrl(), postText: '  ' }),
    );
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Copy the text of the post/);
    const missing = await moderator.post('/admin/outreach', {});
    assert.equal(missing.statusCode, 422);
    const url = freshPostUrl();
    await recordThroughForm(moderator, { postUrl: url });
    const again = await moderator.post('/admin/outreach', form({ postUrl: url }));
    assert.equal(again.statusCode, 422);
    assert.match(again.body, /already recorded, as case #\d+/);
    assert.equal((await moderator.get('/admin/outreach/999999')).statusCode, 404);
    assert.equal((await moderator.get('/admin/outreach/abc')).statusCode, 404);
    assert.equal((await moderator.post('/admin/outreach/999999/send')).statusCode, 404);
  });

  it('answers a repeated field with a 400 naming it, an unknown action with 400 and an id no row can have with 404, never a 500', async () => {
    // Ten digits pass a digits-only check but are beyond PostgreSQL's integer id column.
    for (const url of ['/admin/outreach/9999999999', '/admin/outreach/9999999999/preview'])
      assert.equal((await moderator.get(url)).statusCode, 404, url);
    await moderator.get('/admin/outreach/new');
    const repeated = await moderator.post('/admin/outreach', {
      ...form({ postUrl: freshPostUrl() }),
      postText: ['one', 'two'],
    });
    assert.equal(repeated.statusCode, 400);
    assert.match(repeated.body, /postText: /);
    const id = await recordThroughForm(moderator, { postUrl: freshPostUrl('nobody_known') });
    const match = await moderator.post(`/admin/outreach/${id}/match`, {
      email: ['amira@example.org', 'ben@example.org'],
    });
    assert.equal(match.statusCode, 400);
    assert.match(match.body, /email: /);
    assert.equal((await caseRow(app, id)).status, 'unmatched');
    await moderator.get(`/admin/outreach/${id}`);
    const unknown = await moderator.post(`/admin/outreach/${id}/status`, { action: 'explode' });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /Unknown action/);
    await moderator.get('/admin/outreach/template');
    const template = await moderator.post('/admin/outreach/template', {
      ...DEFAULT_TEMPLATE,
      subject: ['One', 'Two'],
    });
    assert.equal(template.statusCode, 400);
    assert.match(template.body, /subject: /);
    const list = await moderator.get('/admin/outreach?status=sent&status=new');
    assert.equal(list.statusCode, 400);
    assert.match(list.body, /status: /);
  });

  it('previews, then sends the templated request once', async () => {
    const id = await recordThroughForm(moderator, {
      postUrl: freshPostUrl('amira_h'),
      postText: ABUSIVE_POST,
    });
    const preview = await moderator.get(`/admin/outreach/${id}/preview`);
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /Hello Amira,/);
    assert.match(preview.body, /not marketing/);
    assert.match(preview.body, /Send this request/);
    assert.equal(
      (await outreachMailTo(app, 'amira@example.org')).length,
      0,
      'preview sends nothing',
    );

    const sent = await moderator.post(`/admin/outreach/${id}/send`);
    assert.equal(sent.statusCode, 303);
    const row = await caseRow(app, id);
    assert.equal(row.status, 'sent');
    assert.ok(row.sent_at);
    const mails = await outreachMailTo(app, 'amira@example.org');
    assert.equal(mails.length, 1);
    const mail = mails[0]!;
    assert.equal(mail.id, row.outbox_id);
    assert.equal(mail.subject, DEFAULT_TEMPLATE.subject);
    assert.match(mail.text_body, /^Hello Amira,/);
    assert.ok(mail.text_body.includes(row.post_url));
    assert.ok(mail.text_body.includes('Mo Moderator'));
    assert.ok(mail.text_body.includes(MASK), 'the flagged words are masked');
    assert.ok(!mail.text_body.includes(THREAT_WORDS), 'the abuse is not repeated');
    assert.equal(row.request_body, mail.text_body);

    const again = await moderator.post(`/admin/outreach/${id}/send`);
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /already been sent/);
    assert.equal((await outreachMailTo(app, 'amira@example.org')).length, 1);

    const activities = await listActivities(ctx.db, amiraId);
    assert.ok(activities.some((a) => a.kind === 'outreach' && a.refId === String(id)));
    const audit = await app.services.audit.recent(20);
    assert.ok(
      audit.some((e) => e.action === 'outreach.request.send' && e.subject_id === String(id)),
    );

    await new Worker(app.services.jobs).runUntilIdle();
    const delivered = await outreachMailTo(app, 'amira@example.org');
    assert.equal(delivered[0]?.status, 'stored');
  });

  it('sends to a supporter who withdrew consent, saying so', async () => {
    const id = await recordThroughForm(moderator, {
      email: 'ben@example.org',
      postUrl: freshPostUrl(),
    });
    const preview = await moderator.get(`/admin/outreach/${id}/preview`);
    assert.match(preview.body, /has withdrawn consent to campaign emails/);
    assert.equal((await moderator.post(`/admin/outreach/${id}/send`)).statusCode, 303);
    assert.equal((await caseRow(app, id)).status, 'sent');
  });

  it('cannot send before a match', async () => {
    const id = await recordThroughForm(moderator, { postUrl: freshPostUrl('no_match_here') });
    const res = await moderator.post(`/admin/outreach/${id}/send`);
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /Match this case to a supporter first/);
    const preview = await moderator.get(`/admin/outreach/${id}/preview`);
    assert.equal(preview.statusCode, 303);
  });

  it('moves through removed and no response, refusing the rest', async () => {
    const id = await recordThroughForm(moderator, { postUrl: freshPostUrl('amira_h') });
    const early = await moderator.post(`/admin/outreach/${id}/status`, { action: 'removed' });
    assert.equal(early.statusCode, 409);
    assert.match(early.body, /Only a case whose request was sent/);
    assert.equal(
      (await moderator.post(`/admin/outreach/${id}/status`, { action: 'delete' })).statusCode,
      400,
    );
    await moderator.post(`/admin/outreach/${id}/send`);
    assert.equal(
      (await moderator.post(`/admin/outreach/${id}/status`, { action: 'no_response' })).statusCode,
      303,
    );
    assert.equal((await caseRow(app, id)).status, 'no_response');
    const twice = await moderator.post(`/admin/outreach/${id}/status`, { action: 'no_response' });
    assert.equal(twice.statusCode, 409);
    // A post can still go after we gave up waiting.
    assert.equal(
      (await moderator.post(`/admin/outreach/${id}/status`, { action: 'removed' })).statusCode,
      303,
    );
    const row = await caseRow(app, id);
    assert.equal(row.status, 'removed');
    assert.ok(row.closed_at);
    const matchLate = await moderator.post(`/admin/outreach/${id}/match`, {
      email: 'ben@example.org',
    });
    assert.equal(matchLate.statusCode, 409);
    const events = await ctx.db.kysely
      .selectFrom('outreach_case_events')
      .select('kind')
      .where('case_id', '=', id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      events.map((e) => e.kind),
      ['recorded', 'sent', 'no_response', 'removed'],
    );
    const audit = (await app.services.audit.recent(50)).filter(
      (e) => e.subject_type === 'outreach_case' && e.subject_id === String(id),
    );
    assert.deepEqual(audit.map((e) => e.action).reverse(), [
      'outreach.case.create',
      'outreach.request.send',
      'outreach.case.no_response',
      'outreach.case.removed',
    ]);
    const page = await moderator.get('/admin/outreach?status=removed');
    assert.match(page.body, new RegExp(`href="/admin/outreach/${id}"`));
    const other = await moderator.get('/admin/outreach?status=unmatched');
    assert.doesNotMatch(other.body, new RegExp(`href="/admin/outreach/${id}"`));
  });

  it('edits the template, which must stay respectful and name the post', async () => {
    const page = await moderator.get('/admin/outreach/template');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /default wording/);
    const base = {
      campaignName: 'Save Our Libraries',
      subject: 'About your post, {{first_name}}',
      body: 'Dear {{first_name}},\n\nPlease consider deleting {{post_url}}.\n\n{{moderator_name}}, {{campaign_name}}',
    };
    const abusive = await moderator.post('/admin/outreach/template', {
      ...base,
      body: `${base.body}\n\nDelete it. ${THREAT}`,
    });
    assert.equal(abusive.statusCode, 422);
    assert.match(abusive.body, /does not pass the civility guard/);
    assert.match(abusive.body, /<mark/);
    const noUrl = await moderator.post('/admin/outreach/template', {
      ...base,
      body: 'Hi {{first_name}}',
    });
    assert.equal(noUrl.statusCode, 422);
    assert.match(noUrl.body, /must include \{\{post_url\}\}/);
    const unknown = await moderator.post('/admin/outreach/template', {
      ...base,
      subject: '{{unsubscribe_link}}',
    });
    assert.equal(unknown.statusCode, 422);
    assert.match(unknown.body, /Unknown placeholders: \{\{unsubscribe_link\}\}/);
    const empty = await moderator.post('/admin/outreach/template', { ...base, campaignName: ' ' });
    assert.equal(empty.statusCode, 422);

    assert.equal((await moderator.post('/admin/outreach/template', base)).statusCode, 303);
    const id = await recordThroughForm(moderator, { postUrl: freshPostUrl('amira_h') });
    assert.equal((await moderator.post(`/admin/outreach/${id}/send`)).statusCode, 303);
    const mails = await outreachMailTo(app, 'amira@example.org');
    const last = mails[mails.length - 1]!;
    assert.equal(last.subject, 'About your post, Amira');
    assert.match(last.text_body, /Mo Moderator, Save Our Libraries$/);
    const audit = await app.services.audit.recent(30);
    assert.ok(audit.some((e) => e.action === 'outreach.template.save'));
  });

  it('lets viewers read everything and do nothing', async () => {
    const id = await recordThroughForm(moderator, { postUrl: freshPostUrl('amira_h') });
    const before = await caseRow(app, id);
    for (const url of [
      '/admin/outreach',
      `/admin/outreach/${id}`,
      '/admin/outreach/dashboard',
      '/admin/outreach/template',
    ]) {
      const res = await viewer.get(url);
      assert.equal(res.statusCode, 200, url);
      assert.doesNotMatch(res.body, /method="post" action="\/admin\/outreach/, `${url}: no forms`);
    }
    const list = await viewer.get('/admin/outreach');
    assert.match(list.body, /href="\/admin\/outreach"[^>]*>Not in our name</);
    assert.doesNotMatch(list.body, /Record a post/);
    for (const url of [
      '/admin/outreach/new',
      `/admin/outreach/${id}/preview`,
      '/admin/outreach/import',
    ])
      assert.equal((await viewer.get(url)).statusCode, 403, url);
    for (const [url, body] of [
      ['/admin/outreach', form({ postUrl: freshPostUrl() })],
      [`/admin/outreach/${id}/send`, {}],
      [`/admin/outreach/${id}/status`, { action: 'removed' }],
      [`/admin/outreach/${id}/match`, { email: 'ben@example.org' }],
      ['/admin/outreach/template', { campaignName: 'x', subject: 'y', body: '{{post_url}}' }],
    ] as const) {
      await viewer.get('/admin/outreach');
      assert.equal((await viewer.post(url, body)).statusCode, 403, url);
    }
    await viewer.get('/admin/outreach');
    const upload = await viewer.postMultipart(
      '/admin/outreach/import',
      {},
      {
        file: { filename: 'x.csv', content: 'post_url,post_text\n' },
      },
    );
    assert.equal(upload.statusCode, 403);
    assert.deepEqual(await caseRow(app, id), before, 'nothing changed');
  });

  it('sends anonymous visitors to the login page and has no public pages', async () => {
    const anonymous = new TestClient(app);
    for (const url of ['/admin/outreach', '/admin/outreach/1', '/admin/outreach/dashboard']) {
      const res = await anonymous.get(url);
      assert.equal(res.statusCode, 302, url);
      assert.match(String(res.headers.location), /^\/login/);
    }
    const post = await anonymous.post('/admin/outreach/1/send');
    assert.equal(post.statusCode, 303);
    assert.equal(post.headers.location, '/login');
    const ours = app.guardedRoutes.filter((r) => r.url.includes('outreach'));
    assert.ok(ours.length >= 12);
    assert.ok(ours.every((r) => r.url.startsWith('/admin/outreach')));
    for (const url of ['/outreach', '/outreach/1', '/not-in-our-name'])
      assert.equal((await anonymous.get(url)).statusCode, 404, url);
  });

  it("reaches the person's export and erasure", async () => {
    const { id: personId } = await upsertPerson(ctx.db, {
      email: 'erase.me@example.org',
      firstName: 'Erin',
      lastName: 'Erasable',
      customFields: { bluesky: 'erin.bsky.social' },
      source: 'test',
    });
    const { user } = await loginAsNew(app, 'owner');
    const url = 'https://bsky.app/profile/erin.bsky.social/post/3kerase';
    const caseId = await recordThroughForm(moderator, { postUrl: url });
    assert.equal((await caseRow(app, caseId)).person_id, personId);
    await moderator.post(`/admin/outreach/${caseId}/send`);
    const exported = await exportPersonData(app.services, personId, { id: user.id, role: 'owner' });
    const cases = exported.other.outreach as {
      case: number;
      postUrl: string;
      requestBody: string;
    }[];
    assert.equal(cases.length, 1);
    assert.equal(cases[0]?.postUrl, url);
    assert.match(cases[0]?.requestBody ?? '', /Dear Erin/);

    await erasePerson(app.services, personId, { id: user.id, role: 'owner' });
    const row = await caseRow(app, caseId);
    assert.equal(row.post_url, '[erased]');
    assert.equal(row.post_text, '[erased]');
    assert.equal(row.handle_key, null);
    assert.equal(row.request_body, null);
    assert.equal(row.status, 'sent', 'the case still counts');
    const page = await moderator.get(`/admin/outreach/${caseId}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /erin\.bsky|Erasable/);
  });
});
