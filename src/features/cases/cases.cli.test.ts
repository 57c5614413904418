import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { runRally } from '../../../test/helpers/cli.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import * as repo from './cases.repository.js';
import { REMOVED } from './retention.service.js';

describeEachDatabase('rally cases minimise', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('minimises closed cases past the retention period, and only those', async () => {
    const closed = (at: string) =>
      repo.insertCase(ctx.db.kysely, {
        status: 'closed',
        category: 'threats',
        summary: 'Threatened a steward.',
        complainant_anonymous: 0,
        respondent_name: 'Tom',
        respondent_email: 'tom@example.org',
        source: 'public',
        created_at: at,
        received_at: at,
        decided_at: at,
        outcome: 'referral',
        closed_at: at,
        updated_at: at,
      });
    const old = await closed('2020-03-01T10:00:00.000Z');
    const recent = await closed(new Date().toISOString());
    const run = await runRally(['cases', 'minimise'], ctx.url);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^1 case\(s\) minimised\./m);
    const minimised = await repo.findCase(ctx.db.kysely, old);
    assert.equal(minimised?.summary, REMOVED);
    assert.equal(minimised?.respondent_email, null);
    assert.equal(minimised?.outcome, 'referral');
    assert.equal((await repo.findCase(ctx.db.kysely, recent))?.summary, 'Threatened a steward.');
  });
});
