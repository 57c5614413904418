import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff, loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { CIVILITY_CONFIG } from './civility.config.js';
import { MAX_TRY_CHARS } from './civility.routes.js';
import { campaignGuard } from './campaign-guard.service.js';

describeEachDatabase('civility admin page', (ctx) => {
  const suite = appWithStaff(ctx, ['moderator', 'viewer']);

  it('is for moderators: a viewer gets 403 and no nav link', async () => {
    assert.equal((await suite.as.viewer.get('/admin/civility')).statusCode, 403);
    assert.ok(!(await suite.as.viewer.get('/admin')).body.includes('href="/admin/civility"'));
    await suite.as.viewer.get('/admin');
    assert.equal((await suite.as.viewer.post('/admin/civility', { text: 'hi' })).statusCode, 403);
  });

  it('shows the thresholds in force and a nav link', async () => {
    const res = await suite.as.moderator.get('/admin/civility');
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.includes('Try the guard'));
    assert.ok(res.body.includes(`>${CIVILITY_CONFIG.thresholds.review}</strong>`));
    assert.ok(res.body.includes(`>${CIVILITY_CONFIG.thresholds.block}</strong>`));
    assert.ok(res.body.includes('href="/admin/civility"'));
  });

  it('shows score, decision, labels and the spans highlighted, all escaped', async () => {
    await suite.as.moderator.get('/admin/civility');
    const res = await suite.as.moderator.post('/admin/civility', {
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
    await suite.as.moderator.get('/admin/civility');
    const empty = await suite.as.moderator.post('/admin/civility', { text: '  ' });
    assert.equal(empty.statusCode, 400);
    assert.ok(empty.body.includes('Enter some text to assess.'));
    const long = await suite.as.moderator.post('/admin/civility', {
      text: 'a'.repeat(MAX_TRY_CHARS + 1),
    });
    assert.equal(long.statusCode, 400);
    assert.ok(long.body.includes(`longer than ${MAX_TRY_CHARS} characters`));
    const atLimit = await suite.as.moderator.post('/admin/civility', {
      text: 'a'.repeat(MAX_TRY_CHARS),
    });
    assert.equal(atLimit.statusCode, 200);
  });

  it('lets an organiser change the campaign thresholds, which every caller then uses', async () => {
    const organiser = await loginAs(suite.app, 'organiser');
    const text = 'you are an idiot';
    assert.equal((await campaignGuard(ctx.db)).assess(text).decision, 'block');

    assert.ok(!(await suite.as.moderator.get('/admin/civility')).body.includes('Save thresholds'));
    assert.equal(
      (
        await suite.as.moderator.post('/admin/civility/thresholds', {
          review: '0.5',
          block: '0.99',
        })
      ).statusCode,
      403,
    );

    const form = await organiser.get('/admin/civility');
    assert.ok(form.body.includes('Save thresholds'));
    const saved = await organiser.post('/admin/civility/thresholds', {
      review: '0.5',
      block: '0.99',
    });
    assert.equal(saved.statusCode, 303);
    const after = await organiser.get('/admin/civility');
    assert.ok(after.body.includes('Thresholds saved: review at 0.5, block at 0.99.'));
    assert.ok(after.body.includes('>0.99</strong>'));
    assert.equal((await campaignGuard(ctx.db)).assess(text).decision, 'review');

    // A restarted suite.app reads the stored thresholds.
    const restarted = await createTestApp(ctx.db);
    try {
      const client = await loginAs(restarted, 'moderator');
      assert.ok((await client.get('/admin/civility')).body.includes('>0.99</strong>'));
    } finally {
      await restarted.close();
    }
    await organiser.post('/admin/civility/thresholds', {
      review: String(CIVILITY_CONFIG.thresholds.review),
      block: String(CIVILITY_CONFIG.thresholds.block),
    });
  });

  it('refuses thresholds out of range or in the wrong order with a 400', async () => {
    const organiser = await loginAs(suite.app, 'organiser');
    await organiser.get('/admin/civility');
    for (const [review, block, message] of [
      ['1.5', '0.9', 'Each threshold is a number from 0 to 1'],
      ['', '0.9', 'Each threshold is a number from 0 to 1'],
      ['abc', '0.9', 'Each threshold is a number from 0 to 1'],
      ['0.95', '0.9', 'cannot be above the block threshold'],
    ] as const) {
      const res = await organiser.post('/admin/civility/thresholds', { review, block });
      assert.equal(res.statusCode, 400, `${review}/${block}`);
      assert.ok(res.body.includes(message), `${review}/${block}`);
    }
    assert.deepEqual((await campaignGuard(ctx.db)).config.thresholds, CIVILITY_CONFIG.thresholds);
  });

  it('refuses a repeated field with a 400 that names it, rather than reading it as empty', async () => {
    const organiser = await loginAs(suite.app, 'organiser');
    await organiser.get('/admin/civility');
    const text = await organiser.post('/admin/civility', { text: ['one', 'two'] });
    assert.equal(text.statusCode, 400);
    assert.match(text.body, /In the form, text: /);
    await organiser.get('/admin/civility');
    const review = await organiser.post('/admin/civility/thresholds', {
      review: ['0.5', '0.6'],
      block: '0.9',
    });
    assert.equal(review.statusCode, 400);
    assert.match(review.body, /In the form, review: /);
  });
});

describeEachDatabase('civility guard after a failed settings read', (ctx) => {
  let app: FastifyInstance;
  let moderator: TestClient;
  before(async () => {
    app = await createTestApp(ctx.db);
    moderator = await loginAs(app, 'moderator');
  });
  after(() => app.close());

  it('tries the thresholds again on the next request instead of failing for 30 seconds', async () => {
    // The settings table out of reach, as during a database blip, on the guard's first load.
    await sql`ALTER TABLE settings RENAME TO settings_away`.execute(ctx.db.kysely);
    try {
      assert.equal((await moderator.get('/admin/civility')).statusCode, 500);
    } finally {
      await sql`ALTER TABLE settings_away RENAME TO settings`.execute(ctx.db.kysely);
    }
    const res = await moderator.get('/admin/civility');
    assert.equal(res.statusCode, 200, 'the blip is over, so the page works again');
    assert.ok(res.body.includes(`>${CIVILITY_CONFIG.thresholds.block}</strong>`));
  });
});
