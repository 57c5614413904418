import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';

describeEachDatabase('public home page', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('links to what the public can do, with no script needed', async () => {
    const res = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<a href="\/find-your-mp">Find your MP<\/a>/);
    assert.doesNotMatch(
      res.body,
      /<script(?![^>]*src="\/assets\/)/,
      'no inline or third-party script',
    );
  });
});
