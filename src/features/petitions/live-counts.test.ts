import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/helpers/app.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { COUNT_REFRESH_MS } from './live-counts.js';
import { publishedPetition } from './petitions.test-support.js';

describeEachDatabase('petition counts during a database blip', (ctx) => {
  let app: FastifyInstance;
  const clock = new ManualClock();
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    process.on('unhandledRejection', recordUnhandled);
    app = await createTestApp(ctx.db, {}, { clock });
  });
  after(async () => {
    process.off('unhandledRejection', recordUnhandled);
    await app.close();
  });

  /** Makes the count query fail as it would while the database is unreachable, then heals it. */
  const breakCountQuery = () =>
    sql`ALTER TABLE petitions RENAME COLUMN signature_count TO signature_count_away`.execute(
      ctx.db.kysely,
    );
  const healCountQuery = () =>
    sql`ALTER TABLE petitions RENAME COLUMN signature_count_away TO signature_count`.execute(
      ctx.db.kysely,
    );

  const countOf = async (slug: string) => {
    const res = await app.inject(`/p/${slug}/count.json`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ count: number }>().count;
  };

  it(
    'keeps answering the last count while the count query fails, and the server lives on',
    { timeout: 20_000 },
    async () => {
      const { services } = app;
      const petition = await publishedPetition(services, {
        title: 'Keep the lido open',
        slug: 'keep-the-lido-open',
        body: 'Swimming all summer.',
        goal: '100',
        thankYou: 'Thanks.',
      });
      await ctx.db.kysely
        .updateTable('petitions')
        .set({ signature_count: 42 })
        .where('id', '=', petition.id)
        .execute();
      assert.equal(await countOf('keep-the-lido-open'), 42);

      const counts = app.petitions.counts;
      const failuresBefore = counts.failures;
      const queriesBefore = counts.queries;
      await breakCountQuery();
      try {
        clock.advance(COUNT_REFRESH_MS + 1);
        assert.equal(await countOf('keep-the-lido-open'), 42, 'the last count, while refreshing');
        // The refresh runs behind the answer; wait for it to have failed.
        while (counts.failures === failuresBefore) await nextTurn();
        await nextTurn();
        assert.deepEqual(
          unhandled,
          [],
          'a failed refresh is handled, not left to kill the process',
        );
        assert.equal(await countOf('keep-the-lido-open'), 42, 'still the last count');
        // That read started another refresh: it must fail before the heal, or the read after the
        // heal would join it instead of trying again.
        while (counts.failures - failuresBefore < counts.queries - queriesBefore) await nextTurn();
      } finally {
        await healCountQuery();
      }

      await ctx.db.kysely
        .updateTable('petitions')
        .set({ signature_count: 43 })
        .where('id', '=', petition.id)
        .execute();
      const queriesAfterHeal = counts.queries;
      await countOf('keep-the-lido-open');
      assert.equal(
        counts.queries,
        queriesAfterHeal + 1,
        'after a failure the next read tries again',
      );
      while ((await countOf('keep-the-lido-open')) !== 43) await nextTurn();
      assert.deepEqual(unhandled, []);
    },
  );
});
