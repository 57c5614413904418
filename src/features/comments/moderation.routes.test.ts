import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { HOLD_FOR_REVIEW, withCivilityThresholds } from '../../../test/helpers/civility.js';
import { loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { OffsetClock } from '../../infra/clock/clock.js';
import { BULK_MAX, EDIT_WINDOW_MS } from './comments.limits.js';
import * as repo from './comments.repository.js';
import { commentsOf, confirmedCommenter, newThread, visitor } from './comments.test-support.js';

describeEachDatabase('comments: moderation', (ctx) => {
  let app: FastifyInstance;
  let moderator: TestClient;
  let viewer: TestClient;
  before(async () => {
    app = await createTestApp(ctx.db);
    moderator = await loginAs(app, 'moderator', { name: 'Mia Moderator' });
    viewer = await loginAs(app, 'viewer');
  });
  after(() => app.close());

  it('keeps supporters and anonymous visitors out of the queue', async () => {
    const anonymous = visitor(app);
    for (const path of [
      '/admin/moderation',
      '/admin/moderation/log',
      '/admin/moderation/threads',
      '/admin/moderation/commenters/1',
    ]) {
      const res = await anonymous.get(path);
      assert.equal(res.statusCode, 302, path);
      assert.match(String(res.headers.location), /^\/login/);
    }
    const thread = await newThread(ctx.db);
    await anonymous.get(thread.path);
    const post = await anonymous.post('/admin/moderation', { action: 'approve', ids: '1' });
    assert.equal(post.statusCode, 303);
    assert.equal(post.headers.location, '/login');
  });

  it('lets viewers read the queue but not act; moderators approve in bulk', async () => {
    const thread = await newThread(ctx.db, { mode: 'pre' });
    const a = await confirmedCommenter(app, thread, { name: 'Amy', body: 'First pending' });
    await a.client.post(thread.path, { body: 'Second pending' });
    const ids = (await commentsOf(ctx.db, thread.id)).map((c) => String(c.id));
    assert.doesNotMatch((await visitor(app).get(thread.path)).body, /First pending/);

    const read = await viewer.get('/admin/moderation?tab=pending');
    assert.equal(read.statusCode, 200);
    assert.match(read.body, /First pending/);
    assert.match(read.body, /Second pending/);
    assert.doesNotMatch(read.body, /name="ids"/, 'viewers see no checkboxes');
    assert.doesNotMatch(read.body, /Approve ticked/);
    const denied = await viewer.post('/admin/moderation', { action: 'approve', ids });
    assert.equal(denied.statusCode, 403);

    const queue = await moderator.get('/admin/moderation?tab=pending');
    assert.match(queue.body, /Approve ticked/);
    assert.match(queue.body, new RegExp(`name="ids" value="${ids[0]}"`));
    const res = await moderator.post('/admin/moderation', {
      tab: 'pending',
      action: 'approve',
      ids,
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin/moderation?tab=pending');
    assert.match(
      (await moderator.get('/admin/moderation?tab=pending')).body,
      /Approved 2 comments/,
    );
    const page = (await visitor(app).get(thread.path)).body;
    assert.match(page, /First pending/);
    assert.match(page, /Second pending/);
  });

  it('shows what the guard held with its spans, score and labels, and rejects one item', async () => {
    const thread = await newThread(ctx.db);
    const { client } = await confirmedCommenter(app, thread);
    await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
      client.post(thread.path, { body: 'The councillor? He is a hypocrite.' }),
    );
    const held = (await commentsOf(ctx.db, thread.id)).find((c) => c.status === 'held');
    assert.ok(held);
    const queue = await moderator.get('/admin/moderation');
    assert.match(queue.body, /aria-current="page"\s*>Held by guard/);
    assert.match(queue.body, /<mark title="abuse">He is a hypocrite<\/mark>/);
    assert.match(queue.body, /score\s+0\.\d\d, labels: abuse/);
    const res = await moderator.post('/admin/moderation', {
      tab: 'held',
      one: `reject:${held.id}`,
    });
    assert.equal(res.statusCode, 303);
    assert.equal((await repo.findComment(ctx.db.kysely, held.id))?.status, 'rejected');
    assert.match((await moderator.get('/admin/moderation?tab=rejected')).body, /hypocrite/);
  });

  it('lists reported comments with their reports', async () => {
    const thread = await newThread(ctx.db);
    await confirmedCommenter(app, thread, {
      body: 'Discount garden furniture, visit https://spam.example today',
    });
    const [comment] = await commentsOf(ctx.db, thread.id);
    const reader = visitor(app);
    await reader.get(`${thread.path}/c/${comment!.id}/report`);
    await reader.post(`${thread.path}/c/${comment!.id}/report`, { reason: 'spam', note: 'Ads' });
    const queue = await viewer.get('/admin/moderation?tab=reported');
    assert.match(queue.body, /Discount garden furniture/);
    assert.match(queue.body, /Spam or advertising\s*: “Ads”/);
    await moderator.get('/admin/moderation?tab=reported');
    await moderator.post('/admin/moderation', { tab: 'reported', one: `approve:${comment!.id}` });
    const after = await moderator.get('/admin/moderation?tab=reported');
    assert.doesNotMatch(after.body, /Discount garden furniture/, 'kept: the report is resolved');
    assert.match((await visitor(app).get(thread.path)).body, /Discount garden furniture/);
  });

  it('answers bad queue requests with 4xx', async () => {
    assert.equal((await moderator.get('/admin/moderation?tab=secret')).statusCode, 400);
    assert.equal((await moderator.get('/admin/moderation?page=-1')).statusCode, 400);
    await moderator.get('/admin/moderation');
    assert.equal((await moderator.post('/admin/moderation', { action: 'delete' })).statusCode, 400);
    assert.equal(
      (await moderator.post('/admin/moderation', { action: 'approve', ids: 'x' })).statusCode,
      400,
    );
    const tooMany = Array.from({ length: BULK_MAX + 1 }, (_, i) => String(i + 1));
    assert.equal(
      (await moderator.post('/admin/moderation', { action: 'approve', ids: tooMany })).statusCode,
      413,
    );
    const none = await moderator.post('/admin/moderation', { action: 'approve' });
    assert.equal(none.statusCode, 303);
    assert.match((await moderator.get('/admin/moderation')).body, /Tick at least one comment/);
    assert.equal((await moderator.get('/admin/moderation/commenters/999999')).statusCode, 404);
  });

  it('bans a commenter with a notice email; they cannot post any more', async () => {
    const thread = await newThread(ctx.db);
    const { client, email } = await confirmedCommenter(app, thread, { name: 'Troll' });
    const [comment] = await commentsOf(ctx.db, thread.id);
    const path = `/admin/moderation/commenters/${comment!.commenter_id}`;
    const viewerPage = await viewer.get(path);
    assert.equal(viewerPage.statusCode, 200);
    assert.doesNotMatch(viewerPage.body, /Ban and notify/);
    await viewer.get(path);
    assert.equal((await viewer.post(`${path}/ban`, { reason: 'x' })).statusCode, 403);

    await moderator.get(path);
    const empty = await moderator.post(`${path}/ban`, { reason: '' });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Give the reason/);
    const res = await moderator.post(`${path}/ban`, {
      reason: 'Repeated abuse',
      removeComments: '1',
    });
    assert.equal(res.statusCode, 303);
    const page = await moderator.get(path);
    assert.match(page.body, /banned and has been told by email/);
    assert.match(page.body, /Banned since/);
    const mail = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', email)
      .where('category', '=', 'comments.sanction')
      .executeTakeFirst();
    assert.match(mail?.text_body ?? '', /Repeated abuse/);

    const attempt = await client.post(thread.path, { body: 'Let me back in' });
    assert.equal(attempt.statusCode, 403);
    assert.match(attempt.body, /You have been banned from commenting/);
    assert.doesNotMatch((await visitor(app).get(thread.path)).body, /I support this campaign/);

    const log = await viewer.get('/admin/moderation/log');
    assert.equal(log.statusCode, 200);
    assert.match(log.body, /Mia Moderator/);
    assert.match(log.body, /Banned, 1 comment removed: Repeated abuse/);

    await moderator.get(path);
    await moderator.post(`${path}/reinstate`);
    const again = await client.post(thread.path, { body: 'Sorry, I will behave.' });
    assert.equal(again.statusCode, 303);
  });

  it('suspends until a date, validating it', async () => {
    const thread = await newThread(ctx.db);
    const { client } = await confirmedCommenter(app, thread);
    const [comment] = await commentsOf(ctx.db, thread.id);
    const path = `/admin/moderation/commenters/${comment!.commenter_id}`;
    await moderator.get(path);
    const past = await moderator.post(`${path}/suspend`, { until: '2000-01-01', reason: 'Spam' });
    assert.equal(past.statusCode, 422);
    assert.match(past.body, /Choose a date after today/);
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    assert.equal(
      (await moderator.post(`${path}/suspend`, { until, reason: 'Spam' })).statusCode,
      303,
    );
    const attempt = await client.post(thread.path, { body: 'Hello again' });
    assert.equal(attempt.statusCode, 403);
    assert.match(attempt.body, /suspended until/);
  });

  it('lets organisers, not moderators, set a thread’s mode and close it', async () => {
    const thread = await newThread(ctx.db, { title: 'Settings test' });
    const list = await moderator.get('/admin/moderation/threads');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Settings test/);
    assert.doesNotMatch(list.body, new RegExp(`action="/admin/moderation/threads/${thread.id}"`));
    assert.equal(
      (await moderator.post(`/admin/moderation/threads/${thread.id}`, { mode: 'pre' })).statusCode,
      403,
    );
    const organiser = await loginAs(app, 'organiser');
    await organiser.get('/admin/moderation/threads');
    const bad = await organiser.post(`/admin/moderation/threads/${thread.id}`, { mode: 'never' });
    assert.equal(bad.statusCode, 400);
    const res = await organiser.post(`/admin/moderation/threads/${thread.id}`, { mode: 'pre' });
    assert.equal(res.statusCode, 303);
    const row = await repo.findThread(ctx.db.kysely, thread.id);
    assert.equal(row?.mode, 'pre');
    assert.equal(row?.open, 0, 'an unticked box closes it');
    assert.match((await visitor(app).get(thread.path)).body, /Comments are closed/);
    assert.match(
      (await viewer.get('/admin/moderation/log')).body,
      /Pre-moderation, comments closed/,
    );
  });

  it('answers a repeated form field with a 400 naming it, and an id no table can hold with 404', async () => {
    const thread = await newThread(ctx.db);
    await confirmedCommenter(app, thread);
    const [comment] = await commentsOf(ctx.db, thread.id);
    const path = `/admin/moderation/commenters/${comment!.commenter_id}`;
    await moderator.get(path);
    const twice = await moderator.post(`${path}/ban`, { reason: ['Spam', 'Abuse'] });
    assert.equal(twice.statusCode, 400);
    assert.match(twice.body, /reason: /);
    assert.equal((await repo.findCommenter(ctx.db.kysely, comment!.commenter_id))?.banned_at, null);
    const tabs = await moderator.get('/admin/moderation?tab=held&tab=pending');
    assert.equal(tabs.statusCode, 400);
    assert.match(tabs.body, /tab: /);
    const huge = '2147483648';
    assert.equal((await moderator.get(`/admin/moderation/commenters/${huge}`)).statusCode, 404);
    await moderator.get('/admin/moderation');
    const bulk = await moderator.post('/admin/moderation', { action: 'approve', ids: huge });
    assert.equal(bulk.statusCode, 400);
    assert.equal(
      (await moderator.post(`${'/admin/moderation/commenters/'}${huge}/reinstate`)).statusCode,
      404,
    );
    const organiser = await loginAs(app, 'organiser');
    await organiser.get('/admin/moderation/threads');
    const settings = await organiser.post(`/admin/moderation/threads/${huge}`, { mode: 'pre' });
    assert.equal(settings.statusCode, 404);
  });

  it('reads the edit window and suspensions from the services’ clock, as the services do', async () => {
    const clock = new OffsetClock();
    const timed = await createTestApp(ctx.db, {}, { clock });
    try {
      const thread = await newThread(ctx.db);
      const { client } = await confirmedCommenter(timed, thread, { body: 'Timed words' });
      const [comment] = await commentsOf(ctx.db, thread.id);
      const editLink = `href="${thread.path}/c/${comment!.id}/edit"`;
      assert.ok((await client.get(thread.path)).body.includes(editLink));
      clock.advance(EDIT_WINDOW_MS + 60_000);
      assert.ok(!(await client.get(thread.path)).body.includes(editLink), 'the window has passed');

      const mod = await loginAs(timed, 'moderator');
      const path = `/admin/moderation/commenters/${comment!.commenter_id}`;
      await mod.get(path);
      const until = new Date(clock.now().getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
      assert.equal((await mod.post(`${path}/suspend`, { until, reason: 'Spam' })).statusCode, 303);
      const standing = /<dt>Standing<\/dt>\s*<dd>\s*(May comment|Suspended until)/;
      assert.equal(standing.exec((await mod.get(path)).body)?.[1], 'Suspended until');
      clock.advance(3 * 86_400_000);
      assert.equal(standing.exec((await mod.get(path)).body)?.[1], 'May comment', 'it has ended');
      assert.equal((await client.post(thread.path, { body: 'Back again' })).statusCode, 303);
    } finally {
      await timed.close();
    }
  });

  it('shows the moderation entry in the admin navigation for viewers', async () => {
    const res = await viewer.get('/admin');
    assert.match(res.body, /<a href="\/admin\/moderation"[^>]*>Moderation<\/a>/);
  });
});
