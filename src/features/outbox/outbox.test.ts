import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff } from '../../../test/helpers/staff.js';
import { Worker } from '../../infra/jobs/worker.js';
import { OUTBOX_PAGE_SIZE, OUTBOX_SEARCH_MAX_LENGTH } from './outbox.routes.js';
import { OUTBOX_EMPTY_MESSAGE } from './outbox.views.js';

describeEachDatabase('mail outbox pages', (ctx) => {
  const suite = appWithStaff(ctx, ['organiser', 'viewer']);

  const clearOutbox = () => ctx.db.kysely.deleteFrom('mail_outbox').execute();
  const send = (to: string, subject: string, extra: { text?: string; html?: string } = {}) =>
    suite.app.services.mailer.send({
      to,
      subject,
      text: extra.text ?? 'Hello',
      ...(extra.html ? { html: extra.html } : {}),
      category: 'test.outbox',
    });

  it('says where mail goes when there is none yet', async () => {
    await clearOutbox();
    const res = await suite.as.organiser.get('/admin/outbox');
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.includes(OUTBOX_EMPTY_MESSAGE));
    assert.match(res.body, /href="\/admin\/outbox"[^>]*>Outbox</, 'nav link');
  });

  it('lists a message and shows it with the links in its text clickable and markup escaped', async () => {
    await clearOutbox();
    const id = await send('ada@example.org', 'Your <b>petition</b> receipt', {
      text: 'Thanks!\nSee https://example.org/petition?id=1&ref=mail. Or <script>alert(1)</script> javascript:alert(1)',
    });
    await new Worker(suite.app.services.jobs).runUntilIdle();

    const list = await suite.as.organiser.get('/admin/outbox');
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes('ada@example.org'));
    assert.ok(list.body.includes(`href="/admin/outbox/${id}"`));
    assert.ok(list.body.includes('Your &lt;b&gt;petition&lt;/b&gt; receipt'));
    assert.ok(list.body.includes('test.outbox'));
    assert.match(list.body, />\s*stored\s*</, 'no SMTP_URL: the message is stored');

    const detail = await suite.as.organiser.get(`/admin/outbox/${id}`);
    assert.equal(detail.statusCode, 200);
    assert.ok(
      detail.body.includes(
        '<a href="https://example.org/petition?id=1&amp;ref=mail" rel="noopener noreferrer nofollow" target="_blank">https://example.org/petition?id=1&amp;ref=mail</a>.',
      ),
      'the URL is a link, without the full stop after it',
    );
    assert.ok(detail.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!detail.body.includes('<script>alert(1)'));
    assert.ok(!detail.body.includes('href="javascript:'));
    assert.ok(detail.body.includes('From'));
    assert.ok(detail.body.includes('Rally &lt;rally@localhost&gt;'));
    assert.ok(!detail.body.includes('<iframe'), 'no HTML part, no frame');
  });

  it('shows the HTML part only in a sandboxed frame served with a sandbox CSP', async () => {
    const body = '<p>Hello <a href="https://example.org/">there</a></p><script>alert(1)</script>';
    const id = await send('bo@example.org', 'HTML mail', { html: body });

    const detail = await suite.as.organiser.get(`/admin/outbox/${id}`);
    assert.match(
      detail.body,
      new RegExp(
        `<iframe[^>]*sandbox="allow-popups allow-popups-to-escape-sandbox"[^>]*src="/admin/outbox/${id}/html"`,
      ),
    );
    assert.ok(!detail.body.includes(body), 'the HTML is never inlined in the admin page');

    const frame = await suite.as.organiser.get(`/admin/outbox/${id}/html`);
    assert.equal(frame.statusCode, 200);
    assert.equal(frame.body, body);
    const csp = frame.headers['content-security-policy'];
    assert.ok(typeof csp === 'string', 'one CSP header, replacing the global one');
    assert.match(csp, /^sandbox allow-popups allow-popups-to-escape-sandbox;/);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /img-src data:/);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.doesNotMatch(csp, /script-src/);
    assert.equal(frame.headers['x-frame-options'], 'SAMEORIGIN');

    const noHtml = await send('cy@example.org', 'Text only');
    assert.equal((await suite.as.organiser.get(`/admin/outbox/${noHtml}/html`)).statusCode, 404);
  });

  it('is for organisers: a viewer gets 403 on every outbox page', async () => {
    const id = await send('dee@example.org', 'Private', { html: '<p>secret</p>' });
    for (const url of ['/admin/outbox', `/admin/outbox/${id}`, `/admin/outbox/${id}/html`]) {
      const res = await suite.as.viewer.get(url);
      assert.equal(res.statusCode, 403, url);
      assert.ok(!res.body.includes('secret'));
    }
    const viewerHome = await suite.as.viewer.get('/admin');
    assert.equal(viewerHome.statusCode, 200);
    assert.ok(!viewerHome.body.includes('href="/admin/outbox"'), 'no Outbox link for a viewer');
    assert.ok((await suite.as.organiser.get('/admin')).body.includes('href="/admin/outbox"'));
  });

  it('filters by status and by part of the recipient address', async () => {
    await clearOutbox();
    await send('Anna.Smith@Example.org', 'One');
    await send('bob@example.net', 'Two');
    await send('under_score%@example.org', 'Three');
    await new Worker(suite.app.services.jobs).runUntilIdle();
    await send('anna@elsewhere.org', 'Four (queued)');

    const search = await suite.as.organiser.get('/admin/outbox?q=anna');
    assert.ok(search.body.includes('Anna.Smith@Example.org'));
    assert.ok(search.body.includes('anna@elsewhere.org'));
    assert.ok(!search.body.includes('bob@example.net'));

    const queued = await suite.as.organiser.get('/admin/outbox?status=queued&q=ANNA');
    assert.ok(queued.body.includes('anna@elsewhere.org'));
    assert.ok(!queued.body.includes('Anna.Smith@Example.org'));
    assert.match(queued.body, /<option value="queued"\s+selected/);

    const wildcard = await suite.as.organiser.get(
      `/admin/outbox?q=${encodeURIComponent('_score%')}`,
    );
    assert.ok(wildcard.body.includes('under_score%@example.org'));
    const literal = await suite.as.organiser.get(`/admin/outbox?q=${encodeURIComponent('a_n')}`);
    assert.ok(!literal.body.includes('Anna.Smith'), '_ is a character, not a wildcard');

    const none = await suite.as.organiser.get('/admin/outbox?q=nobody');
    assert.ok(none.body.includes('No messages match these filters.'));
  });

  it('answers bad filters with 400 and a message', async () => {
    const status = await suite.as.organiser.get('/admin/outbox?status=lost');
    assert.equal(status.statusCode, 400);
    assert.match(status.body, /Status must be one of: queued, sent, stored, failed/);

    const long = await suite.as.organiser.get(
      `/admin/outbox?q=${'a'.repeat(OUTBOX_SEARCH_MAX_LENGTH + 1)}`,
    );
    assert.equal(long.statusCode, 400);
    assert.match(long.body, new RegExp(`at most ${OUTBOX_SEARCH_MAX_LENGTH} characters`));
    const justRight = await suite.as.organiser.get(
      `/admin/outbox?q=${'a'.repeat(OUTBOX_SEARCH_MAX_LENGTH)}`,
    );
    assert.equal(justRight.statusCode, 200);

    assert.equal((await suite.as.organiser.get('/admin/outbox?page=0')).statusCode, 400);
    assert.equal((await suite.as.organiser.get('/admin/outbox?page=two')).statusCode, 400);
    assert.equal((await suite.as.organiser.get('/admin/outbox/abc')).statusCode, 404);
    assert.equal((await suite.as.organiser.get('/admin/outbox/999999')).statusCode, 404);
  });

  it('answers a message number written any other way than plainly with 404', async () => {
    await clearOutbox();
    await send('plain@example.org', 'One address per message');
    const [mail] = await ctx.db.kysely.selectFrom('mail_outbox').select('id').execute();
    const id = mail!.id;
    assert.equal((await suite.as.organiser.get(`/admin/outbox/${id}`)).statusCode, 200);
    for (const written of [`0${id}`, `${id}.0`, `+${id}`, `${id}e0`]) {
      assert.equal(
        (await suite.as.organiser.get(`/admin/outbox/${written}`)).statusCode,
        404,
        written,
      );
      assert.equal(
        (await suite.as.organiser.get(`/admin/outbox/${written}/html`)).statusCode,
        404,
        written,
      );
    }
  });

  it('pages through many messages, newest first', async () => {
    await clearOutbox();
    for (let i = 1; i <= OUTBOX_PAGE_SIZE + 1; i++) await send(`p${i}@example.org`, `Message ${i}`);

    const first = await suite.as.organiser.get('/admin/outbox');
    assert.ok(first.body.includes(`Message ${OUTBOX_PAGE_SIZE + 1}<`));
    assert.ok(!first.body.includes('>Message 1<'));
    assert.ok(first.body.includes('Page 1 of 2'));
    assert.ok(first.body.includes('href="/admin/outbox?page=2"'));
    assert.ok(
      first.body.indexOf(`Message ${OUTBOX_PAGE_SIZE + 1}<`) < first.body.indexOf('Message 2<'),
    );

    const second = await suite.as.organiser.get('/admin/outbox?page=2');
    assert.ok(second.body.includes('>Message 1<'));
    assert.ok(!second.body.includes('>Message 2<'));
    assert.ok(second.body.includes('Page 2 of 2'));
  });
});
