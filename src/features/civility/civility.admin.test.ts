import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { CIVILITY_CONFIG } from './civility.config.js';
import { MAX_TRY_CHARS } from './civility.routes.js';

describeEachDatabase('civility admin page', (ctx) => {
  let app: FastifyInstance;
  let moderator: TestClient;
  let viewer: TestClient;
  before(async () => {
    app = await createTestApp(ctx.db);
    moderator = await loginAs(app, 'moderator');
    viewer = await loginAs(app, 'viewer');
  });
  after(() => app.close());

  it('is for moderators: a viewer gets 403 and no nav link', async () => {
    assert.equal((await viewer.get('/admin/civility')).statusCode, 403);
    assert.ok(!(await viewer.get('/admin')).body.includes('href="/admin/civility"'));
    await viewer.get('/admin');
    assert.equal((await viewer.post('/admin/civility', { text: 'hi' })).statusCode, 403);
  });

  it('shows the thresholds in force and a nav link', async () => {
    const res = await moderator.get('/admin/civility');
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.includes('Try the guard'));
    assert.ok(res.body.includes(`>${CIVILITY_CONFIG.thresholds.review}</strong>`));
    assert.ok(res.body.includes(`>${CIVILITY_CONFIG.thresholds.block}</strong>`));
    assert.ok(res.body.includes('href="/admin/civility"'));
  });

  it('shows score, decision, labels and the spans highlighted, all escaped', async () => {
    await moderator.get('/admin/civility');
    const res = await moderator.post('/admin/civility', {
      text: '<script>alert(1)</script> you are an idiot',
    });
    assert.equal(res.statusCode, 200);
    assert.ok(!res.body.includes('<script>alert(1)</script>'));
    assert.ok(
      res.body.includes(
        '&lt;script&gt;alert(1)&lt;/script&gt; <mark title="abuse">you are an idiot</mark>',
      ),
    );
    assert.match(res.body, /class="civility-decision civility-block">block</);
    assert.match(res.body, /class="civility-labels">abuse</);
    assert.match(res.body, /class="civility-score">0\.9\d\d</);
  });

  it('asks for text, and refuses text over the limit with a 400', async () => {
    await moderator.get('/admin/civility');
    const empty = await moderator.post('/admin/civility', { text: '  ' });
    assert.equal(empty.statusCode, 400);
    assert.ok(empty.body.includes('Enter some text to assess.'));
    const long = await moderator.post('/admin/civility', { text: 'a'.repeat(MAX_TRY_CHARS + 1) });
    assert.equal(long.statusCode, 400);
    assert.ok(long.body.includes(`longer than ${MAX_TRY_CHARS} characters`));
    const atLimit = await moderator.post('/admin/civility', { text: 'a'.repeat(MAX_TRY_CHARS) });
    assert.equal(atLimit.statusCode, 200);
  });
});
