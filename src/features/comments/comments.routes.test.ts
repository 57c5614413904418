import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import {
  HOLD_FOR_REVIEW,
  THREAT,
  THREAT_LABEL,
  THREAT_WORDS,
  withCivilityThresholds,
} from '../../../test/helpers/civility.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { nowIso } from '../../infra/db/database.js';
import {
  COMMENTS_PAGE_SIZE,
  COMMENT_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  REPORTS_PER_IP_PER_HOUR,
} from './comments.limits.js';
import * as repo from './comments.repository.js';
import {
  commentsOf,
  confirmByButton,
  confirmationLink,
  confirmedCommenter,
  newThread,
  pathOf,
  uniqueEmail,
  visitor,
} from './comments.test-support.js';

describeEachDatabase('comments: public pages', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('shows a thread with its back link, policy link, form and an empty state', async () => {
    const thread = await newThread(ctx.db, { title: 'Keep the <b>bus</b>' });
    const res = await visitor(app).get(thread.path);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(
      res.body,
      new RegExp(`<a href="${thread.url}">Keep the &lt;b&gt;bus&lt;/b&gt;</a>`),
    );
    assert.match(res.body, /href="\/moderation-policy"/);
    assert.match(res.body, /No comments yet/);
    assert.match(res.body, /<label for="cm-body">Your comment<\/label>/);
    assert.match(res.body, /name="_csrf"/);
    assert.equal((await visitor(app).get('/comments/999999')).statusCode, 404);
    assert.equal((await visitor(app).get('/comments/abc')).statusCode, 404);
    const badPage = await visitor(app).get(`${thread.path}?page=zero`);
    assert.equal(badPage.statusCode, 400);
    assert.match(badPage.body, /numbered/);
  });

  it('posts, confirms by email, then posts directly with the cookie', async () => {
    const thread = await newThread(ctx.db);
    const { client, confirm } = await confirmedCommenter(app, thread, {
      name: 'Rosa Parks',
      body: 'First! https://example.org/route-map',
    });
    assert.equal(
      confirm.headers.location,
      `${thread.path}#comment-${(await commentsOf(ctx.db, thread.id))[0]?.id}`,
    );
    const page = await client.get(thread.path);
    assert.match(page.body, /Thank you for confirming your email. Your comment is published./);
    assert.match(page.body, /<strong class="cm-author">Rosa Parks<\/strong>/);
    assert.match(page.body, /<time datetime="\d{4}-\d\d-\d\dT[^"]+">/);
    assert.match(
      page.body,
      /<a href="https:\/\/example.org\/route-map" rel="noopener noreferrer nofollow"/,
    );
    assert.match(page.body, /Posting as <strong>Rosa Parks<\/strong>/);
    assert.doesNotMatch(page.body, /id="cm-email"/, 'a recognised commenter is not asked again');

    const second = await client.post(thread.path, { body: 'And a second thought.' });
    assert.equal(second.statusCode, 303);
    const after = await client.get(String(second.headers.location).split('#')[0] ?? '');
    assert.match(after.body, /Thank you. Your comment is published./);
    assert.match(after.body, /And a second thought./);

    const forget = await client.post('/comments/forget', { thread: String(thread.id) });
    assert.equal(forget.statusCode, 303);
    assert.equal(client.hasCookie('rally_commenter'), false);
    assert.match((await client.get(thread.path)).body, /id="cm-email"/);
  });

  it('ignores a forged or stale commenter cookie', async () => {
    const thread = await newThread(ctx.db);
    const page = await app.inject({ method: 'GET', url: thread.path });
    const csrfCookie = page.cookies.find((c) => c.name === 'rally_csrf');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    for (const commenterCookie of ['1', app.signCookie('999999')]) {
      const res = await app.inject({
        method: 'POST',
        url: thread.path,
        payload: new URLSearchParams({ _csrf: token, body: 'Hello' }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
          cookie: `rally_csrf=${csrfCookie?.value}; rally_commenter=${commenterCookie}`,
        },
      });
      assert.equal(res.statusCode, 422, 'an unknown visitor must give name and email');
      assert.match(res.body, /Enter the name to show/);
    }
  });

  it('re-renders the form with the guard’s reasons when it blocks, storing nothing', async () => {
    const thread = await newThread(ctx.db);
    const client = visitor(app);
    await client.get(thread.path);
    const res = await client.post(thread.path, {
      name: 'Angry',
      email: uniqueEmail(),
      body: THREAT,
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /role="alert"/);
    assert.match(res.body, /Please rephrase your comment/);
    assert.ok(res.body.includes(`<mark title="${THREAT_LABEL}">${THREAT_WORDS}</mark>`));
    assert.match(res.body, /value="Angry"/, 'the form keeps what was typed');
    assert.equal((await commentsOf(ctx.db, thread.id)).length, 0);
  });

  it('tells the writer a reviewed comment awaits moderation, and shows it only to them', async () => {
    const thread = await newThread(ctx.db);
    const { client } = await confirmedCommenter(app, thread);
    const res = await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
      client.post(thread.path, { body: 'The councillor is a hypocrite.' }),
    );
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${thread.path}#form`);
    const page = await client.get(thread.path);
    assert.match(page.body, /awaits moderation: our civility guard asked a moderator/);
    assert.match(page.body, /Your comments awaiting moderation/);
    const other = await visitor(app).get(thread.path);
    assert.doesNotMatch(other.body, /hypocrite/);
  });

  it('says a pre-moderated comment awaits a moderator', async () => {
    const thread = await newThread(ctx.db, { mode: 'pre' });
    const client = visitor(app);
    const email = uniqueEmail();
    await client.get(thread.path);
    const posted = await client.post(thread.path, { name: 'Pat', email, body: 'Good plan.' });
    assert.match(posted.body, /waits for a moderator/);
    const confirm = await confirmByButton(client, await confirmationLink(ctx.db, email));
    assert.equal(confirm.headers.location, `${thread.path}#form`);
    const page = await client.get(thread.path);
    assert.match(page.body, /this discussion is moderated before publication/);
    assert.equal((await commentsOf(ctx.db, thread.id))[0]?.status, 'pending');
    const again = await confirmByButton(client, await confirmationLink(ctx.db, email));
    assert.equal(again.statusCode, 404, 'the confirmation link works once');
  });

  it('confirms nothing when a mail scanner opens the link; the button confirms, once', async () => {
    const thread = await newThread(ctx.db);
    const client = visitor(app);
    const email = uniqueEmail('scanned');
    await client.get(thread.path);
    await client.post(thread.path, { name: 'Pat', email, body: 'Good plan.', consent: '1' });
    const link = await confirmationLink(ctx.db, email);
    const status = async () => (await commentsOf(ctx.db, thread.id))[0]?.status;
    const consents = async () =>
      ctx.db.kysely
        .selectFrom('consents as c')
        .innerJoin('people as p', 'p.id', 'c.person_id')
        .select('c.id')
        .where('p.email', '=', email)
        .execute();

    // A scanner: no cookies, no JavaScript, maybe several fetches.
    for (let i = 0; i < 2; i++) {
      const scanned = await app.inject({ method: 'GET', url: pathOf(link) });
      assert.equal(scanned.statusCode, 200);
      assert.match(scanned.body, new RegExp(`<form method="post" action="${pathOf(link)}"`));
      assert.match(scanned.body, /<button type="submit">Confirm my comment<\/button>/);
      assert.doesNotMatch(String(scanned.headers['set-cookie']), /rally_commenter/);
    }
    assert.equal(await status(), 'unconfirmed');
    assert.equal((await consents()).length, 0, 'no consent recorded');

    // A POST without the page's token (a forged form) is refused and changes nothing.
    const forged = await visitor(app).post(pathOf(link), { _csrf: 'nope' });
    assert.equal(forged.statusCode, 403);
    assert.equal(await status(), 'unconfirmed');

    await client.get(pathOf(link));
    const pressed = await client.post(pathOf(link));
    assert.equal(pressed.statusCode, 303);
    assert.ok(client.hasCookie('rally_commenter'));
    assert.equal(await status(), 'approved');
    assert.equal((await consents()).length, 1);

    const twice = await client.post(pathOf(link));
    assert.equal(twice.statusCode, 404);
    assert.match(twice.body, /already been used/);
    assert.equal(await status(), 'approved');
    assert.equal((await consents()).length, 1, 'consent is recorded once');
  });

  it('shows a clear 4xx page for an unknown or expired confirmation link', async () => {
    const unknown = await visitor(app).get('/comments/confirm/not-a-real-token-at-all-xyz');
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /not valid/);

    const thread = await newThread(ctx.db);
    const client = visitor(app);
    const email = uniqueEmail('late');
    await client.get(thread.path);
    await client.post(thread.path, { name: 'Pat', email, body: 'Late to the party.' });
    await ctx.db.kysely
      .updateTable('comments')
      .set({ created_at: new Date(Date.now() - 8 * 86_400_000).toISOString() })
      .where('thread_id', '=', thread.id)
      .execute();
    const link = await confirmationLink(ctx.db, email);
    const shown = await client.get(pathOf(link));
    assert.equal(shown.statusCode, 410);
    assert.match(shown.body, /expired/);
    const pressed = await client.post(pathOf(link));
    assert.equal(pressed.statusCode, 410);
    assert.equal((await commentsOf(ctx.db, thread.id))[0]?.status, 'unconfirmed');
  });

  it('answers bad input with 4xx and a message', async () => {
    const thread = await newThread(ctx.db);
    const client = visitor(app);
    await client.get(thread.path);
    const long = await client.post(thread.path, {
      name: 'Pat',
      email: uniqueEmail(),
      body: 'x'.repeat(COMMENT_MAX_LENGTH + 1),
    });
    assert.equal(long.statusCode, 422);
    assert.match(long.body, /limit is 5,000/);
    const name = await client.post(thread.path, {
      name: 'n'.repeat(DISPLAY_NAME_MAX_LENGTH + 1),
      email: uniqueEmail(),
      body: 'Hi',
    });
    assert.equal(name.statusCode, 422);
    assert.match(name.body, /at most 60 characters/);
    const email = await client.post(thread.path, { name: 'Pat', email: 'pat', body: 'Hi' });
    assert.equal(email.statusCode, 422);
    assert.match(email.body, /valid email/);
    const parent = await client.post(thread.path, {
      name: 'Pat',
      email: uniqueEmail(),
      body: 'Hi',
      parent: 'x',
    });
    assert.equal(parent.statusCode, 422);
    assert.match(parent.body, /not available any more/);
    const noCsrf = await client.post(thread.path, {
      _csrf: 'forged',
      name: 'P',
      email: uniqueEmail(),
      body: 'Hi',
    });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal((await client.post('/comments/999999', { body: 'Hi' })).statusCode, 404);
  });

  it('answers a repeated form field with a 400 naming it, and an id no table can hold with 404', async () => {
    const thread = await newThread(ctx.db);
    const client = visitor(app);
    await client.get(thread.path);
    const twice = await client.post(thread.path, {
      name: 'Pat',
      email: uniqueEmail(),
      body: ['First half', 'second half'],
    });
    assert.equal(twice.statusCode, 400);
    assert.match(twice.body, /body: /);
    assert.equal((await commentsOf(ctx.db, thread.id)).length, 0);
    const pages = await client.get(`${thread.path}?page=1&page=2`);
    assert.equal(pages.statusCode, 400);
    assert.match(pages.body, /page: /);
    // Beyond a 32-bit id: PostgreSQL refuses to compare it, which must not become a 500.
    const huge = '2147483648';
    assert.equal((await client.get(`/comments/${huge}`)).statusCode, 404);
    assert.equal((await client.get(`${thread.path}/c/${huge}/edit`)).statusCode, 404);
    assert.equal((await client.get(`${thread.path}/c/${huge}/report`)).statusCode, 404);
    assert.equal((await client.get(`${thread.path}?reply=${huge}`)).statusCode, 200);
    const reply = await client.post(thread.path, {
      name: 'Pat',
      email: uniqueEmail(),
      body: 'Hi',
      parent: huge,
    });
    assert.equal(reply.statusCode, 422);
    assert.match(reply.body, /not available any more/);
  });

  it('pretends to accept what bots send through the honeypot, storing nothing', async () => {
    const thread = await newThread(ctx.db);
    const client = visitor(app);
    const page = await client.get(thread.path);
    assert.match(
      page.body,
      /<div class="cm-hp" aria-hidden="true">\s*<label for="cm-website">Leave this empty<\/label>\s*<input\s+id="cm-website"\s+name="website"\s+type="text"\s+tabindex="-1"/,
      'the trap is on the form, hidden from people and out of the tab order',
    );
    const res = await client.post(thread.path, {
      name: 'Bot',
      email: uniqueEmail(),
      body: 'Buy now',
      website: 'http://spam.example',
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Check your email/);
    assert.equal((await commentsOf(ctx.db, thread.id)).length, 0);
  });

  it('shows "comments are closed" and refuses posts on a closed thread', async () => {
    const thread = await newThread(ctx.db, { open: false });
    const client = visitor(app);
    await client.get((await newThread(ctx.db)).path);
    const page = await client.get(thread.path);
    assert.match(page.body, /<h2>Comments are closed<\/h2>/);
    assert.doesNotMatch(page.body, /id="cm-body"/);
    const res = await client.post(thread.path, { name: 'P', email: uniqueEmail(), body: 'Hi' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /no longer takes new comments/);
  });

  it('replies without JavaScript through ?reply=, nesting the answer', async () => {
    const thread = await newThread(ctx.db);
    const { client } = await confirmedCommenter(app, thread, { name: 'Ada', body: 'Question?' });
    const [first] = await commentsOf(ctx.db, thread.id);
    const page = await client.get(`${thread.path}?reply=${first!.id}`);
    assert.match(page.body, /Reply to Ada/);
    assert.match(page.body, new RegExp(`name="parent" value="${first!.id}"`));
    const res = await client.post(thread.path, { body: 'Answer.', parent: String(first!.id) });
    assert.equal(res.statusCode, 303);
    const shown = (await client.get(thread.path)).body;
    assert.match(
      shown,
      /<ol class="cm-replies">\s*<li>\s*<article class="cm-comment" id="comment-\d+">[\s\S]*Answer\./,
    );
    const gone = await client.get(`${thread.path}?reply=999999`);
    assert.match(gone.body, /not available any more/);
  });

  it('pages top-level comments', async () => {
    const thread = await newThread(ctx.db);
    const { client } = await confirmedCommenter(app, thread, { body: 'The oldest comment' });
    const [first] = await commentsOf(ctx.db, thread.id);
    const at = nowIso();
    await ctx.db.kysely
      .insertInto('comments')
      .values(
        Array.from({ length: COMMENTS_PAGE_SIZE }, (_, i) => ({
          thread_id: thread.id,
          commenter_id: first!.commenter_id,
          parent_id: null,
          root_id: null,
          depth: 0,
          author_name: 'Rosa Parks',
          body: `Bulk comment ${i}`,
          status: 'approved' as const,
          guard_decision: 'allow' as const,
          guard_score: 0,
          guard_labels: '[]',
          guard_spans: '[]',
          confirm_token_hash: null,
          consent_wording: null,
          ip: '',
          created_at: at,
          updated_at: at,
          edited_at: null,
          published_at: at,
          moderated_at: null,
          moderated_by: null,
        })),
      )
      .execute();
    const one = await client.get(thread.path);
    assert.equal(one.body.match(/class="cm-comment"/g)?.length, COMMENTS_PAGE_SIZE);
    assert.match(one.body, /Page 1 of 2/);
    assert.match(one.body, new RegExp(`href="${thread.path}\\?page=2" rel="next"`));
    const two = await client.get(`${thread.path}?page=2`);
    assert.match(two.body, /The oldest comment/);
    assert.equal((await client.get(`${thread.path}?page=3`)).statusCode, 404);
  });

  it('lets the author edit their comment, and nobody else', async () => {
    const thread = await newThread(ctx.db);
    const { client } = await confirmedCommenter(app, thread, { body: 'Tpyo here' });
    const [mine] = await commentsOf(ctx.db, thread.id);
    const editPath = `${thread.path}/c/${mine!.id}/edit`;
    assert.match((await client.get(thread.path)).body, new RegExp(`href="${editPath}"`));
    const form = await client.get(editPath);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Tpyo here/);
    const blocked = await client.post(editPath, { body: THREAT });
    assert.equal(blocked.statusCode, 422);
    assert.match(blocked.body, /Please rephrase/);
    const saved = await client.post(editPath, { body: 'Typo fixed' });
    assert.equal(saved.statusCode, 303);
    const page = await client.get(thread.path);
    assert.match(page.body, /Your comment is updated/);
    assert.match(page.body, /Typo fixed/);
    assert.match(page.body, /\(edited\)/);
    const stranger = visitor(app);
    assert.equal((await stranger.get(editPath)).statusCode, 403);
    await stranger.get(thread.path);
    assert.equal((await stranger.post(editPath, { body: 'Hijacked' })).statusCode, 403);
  });

  it('takes reports from anyone, with a reason, limited per address', async () => {
    const thread = await newThread(ctx.db);
    await confirmedCommenter(app, thread, { body: 'Buy cheap ink at https://spam.example' });
    const [comment] = await commentsOf(ctx.db, thread.id);
    const reportPath = `${thread.path}/c/${comment!.id}/report`;
    const reader = visitor(app);
    const form = await reader.get(reportPath);
    assert.equal(form.statusCode, 200);
    for (const reason of ['abusive', 'spam', 'off-topic', 'other'])
      assert.match(form.body, new RegExp(`value="${reason}"`));
    const bad = await reader.post(reportPath, { reason: 'dull' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Choose why/);
    const ok = await reader.post(reportPath, { reason: 'spam', note: 'Advertising' });
    assert.equal(ok.statusCode, 303);
    assert.match((await reader.get(thread.path)).body, /Thank you for your report/);
    assert.equal((await repo.reportsFor(ctx.db.kysely, [comment!.id]))[0]?.note, 'Advertising');

    for (let i = 0; i < REPORTS_PER_IP_PER_HOUR; i++)
      await repo.insertReport(
        ctx.db.kysely,
        { commentId: comment!.id, reason: 'other', note: null, ip: '198.51.200.1' },
        nowIso(),
      );
    const limited = new TestClient(app, { remoteAddress: '198.51.200.1' });
    await limited.get(reportPath);
    const res = await limited.post(reportPath, { reason: 'spam' });
    assert.equal(res.statusCode, 429);
    assert.match(res.body, /At most 10 reports an hour/);
    assert.equal((await reader.get(`${thread.path}/c/999999/report`)).statusCode, 404);
  });

  it('publishes the moderation policy and an index of discussions', async () => {
    const thread = await newThread(ctx.db, { title: 'Index me' });
    const policy = await visitor(app).get('/moderation-policy');
    assert.equal(policy.statusCode, 200);
    assert.match(policy.body, /<h1>Moderation policy<\/h1>/);
    assert.match(policy.body, /Appeals/);
    assert.match(policy.body, /0\.6/);
    const index = await visitor(app).get('/comments');
    assert.equal(index.statusCode, 200);
    assert.match(index.body, new RegExp(`<a href="${thread.path}">Index me</a>`));
  });
});
