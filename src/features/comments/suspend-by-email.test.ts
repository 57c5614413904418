import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import * as repo from './comments.repository.js';
import { suspendCommentingByEmail } from './moderation.service.js';

describeEachDatabase('comments: a time-limited suspension decided elsewhere', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('suspends the commenter with this email until the end date, and says when there is none', async () => {
    const now = new Date().toISOString();
    const commenter = await repo.ensureCommenter(ctx.db.kysely, 'pat@example.org', 'Pat', now);
    const until = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const done = await suspendCommentingByEmail(
      app.services,
      { email: 'Pat@Example.org', until, reason: 'Conduct case 1' },
      null,
    );
    assert.deepEqual(done, { ok: true, commenterId: commenter.id });
    const after = await repo.findCommenter(ctx.db.kysely, commenter.id);
    assert.equal(after?.suspended_until?.slice(0, 10), until);
    const none = await suspendCommentingByEmail(
      app.services,
      { email: 'nobody@example.org', until, reason: 'x' },
      null,
    );
    assert.equal(none.ok, false);
    const past = await suspendCommentingByEmail(
      app.services,
      { email: 'pat@example.org', until: '2001-01-01', reason: 'x' },
      null,
    );
    assert.ok(!past.ok && past.errors?.until);
  });
});
