import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { THREADS_PAGE_SIZE } from './comments.public.routes.js';
import { registerCommentThread } from './comments.service.js';

describeEachDatabase('comments: the public index of discussions', (ctx) => {
  let app: FastifyInstance;

  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('is paged, every discussion on one page, and a bad page number is a 400', async () => {
    const total = THREADS_PAGE_SIZE + 3;
    for (let i = 1; i <= total; i++)
      await registerCommentThread(ctx.db, {
        key: `petition:${i}`,
        title: `Discussion ${i}`,
        url: `/p/discussion-${i}`,
      });
    const titles = (body: string) => [...body.matchAll(/>(Discussion \d+)<\/a>/g)].map((m) => m[1]);

    const first = await app.inject('/comments');
    assert.equal(first.statusCode, 200);
    assert.equal(titles(first.body).length, THREADS_PAGE_SIZE);
    assert.match(first.body, /Page 1 of 2/);
    assert.match(first.body, /href="\/comments\?page=2"/);
    const second = await app.inject('/comments?page=2');
    assert.equal(second.statusCode, 200);
    const all = [...titles(first.body), ...titles(second.body)];
    assert.equal(all.length, total);
    assert.equal(new Set(all).size, total, 'every discussion on exactly one page');

    for (const bad of ['0', 'two', '-1', '1e3'])
      assert.equal((await app.inject(`/comments?page=${bad}`)).statusCode, 400, bad);
    assert.equal((await app.inject('/comments?page=3')).statusCode, 404);
  });
});
