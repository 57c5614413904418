import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import {
  HOLD_FOR_REVIEW,
  THIRD_PARTY_INSULT,
  THREAT,
  withCivilityThresholds,
} from '../../../test/helpers/civility.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { commentsOf, confirmedCommenter, newThread } from '../comments/comments.test-support.js';
import { campaignGuard } from './campaign-guard.service.js';
import {
  MIN_EXAMPLES,
  civilityPersonData,
  exampleCounts,
  fitCalibration,
  recordModeratorDecision,
} from './civility-learning.service.js';
import type { ModeratorDecision } from './civility.tables.js';

/** Third-party insults the guard holds (insult rule) and a campaign's moderators let through. */
const LET_THROUGH = [
  THIRD_PARTY_INSULT,
  'He is a moron.',
  'She is such a loser.',
  'They are morons.',
  'He is a fool.',
  'What an idiot.',
  'They are so stupid.',
  'She is a clown.',
];
const TAKEN_DOWN = [THREAT, 'I will kill you.', 'I know where you live.', 'I will find you.'];

describeEachDatabase('civility: learning from moderators', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  let moderator: TestClient;
  before(async () => {
    app = await createTestApp(ctx.db);
    organiser = await loginAs(app, 'organiser');
    moderator = await loginAs(app, 'moderator');
  });
  after(() => app.close());

  async function record(
    text: string,
    decision: ModeratorDecision,
    n: number,
    personEmail: string | null = null,
  ) {
    const guard = await campaignGuard(ctx.db);
    const a = guard.assess(text);
    await ctx.db.kysely.transaction().execute((trx) =>
      recordModeratorDecision(trx, {
        source: 'test',
        sourceId: `${decision}-${n}`,
        text,
        guardScore: a.score,
        guardDecision: a.decision,
        decision,
        personId: null,
        personEmail,
        moderatorUserId: null,
        at: '2026-12-01T10:00:00.000Z',
      }),
    );
  }

  it('keeps a moderator rejection of a held comment as an example, with the score at the time', async () => {
    const thread = await newThread(ctx.db);
    const { client } = await confirmedCommenter(app, thread);
    await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
      client.post(thread.path, { body: 'Councillor Dunn? They are idiots, the lot of them.' }),
    );
    const held = (await commentsOf(ctx.db, thread.id)).find((c) => c.status === 'held');
    assert.ok(held);
    const queue = await moderator.get('/admin/moderation');
    assert.match(queue.body, /class="civility-reasons"/, 'the hold is explained');
    assert.match(queue.body, /an insult aimed at someone/);
    await moderator.post('/admin/moderation', { tab: 'held', one: `reject:${held.id}` });
    const example = await ctx.db.kysely
      .selectFrom('civility_examples')
      .selectAll()
      .where('source', '=', 'comment')
      .where('source_id', '=', String(held.id))
      .executeTakeFirstOrThrow();
    assert.equal(example.decision, 'reject');
    assert.equal(example.guard_score, held.guard_score);
    assert.equal(example.text, held.body);
    assert.ok(example.person_email, 'tied to the writer, for erasure');
    // Deciding again replaces the example: the latest decision is the campaign's view.
    await moderator.post('/admin/moderation', { tab: 'rejected', one: `approve:${held.id}` });
    const again = await ctx.db.kysely
      .selectFrom('civility_examples')
      .select('decision')
      .where('source_id', '=', String(held.id))
      .execute();
    assert.deepEqual(again, [{ decision: 'approve' }]);
    await ctx.db.kysely.deleteFrom('civility_examples').execute();
  });

  it('refuses to learn from too few decisions, and only organisers may ask', async () => {
    await record(THIRD_PARTY_INSULT, 'approve', 0);
    await organiser.get('/admin/civility');
    const res = await organiser.post('/admin/civility/learn', {});
    assert.equal(res.statusCode, 303);
    const page = await organiser.get('/admin/civility');
    assert.match(page.body, new RegExp(`at least ${MIN_EXAMPLES} are needed`));
    assert.match(page.body, /1 moderator decisions kept: 1 approved, 0\s+rejected/);
    await moderator.get('/admin/civility');
    assert.equal((await moderator.post('/admin/civility/learn', {})).statusCode, 403);
    assert.equal((await moderator.post('/admin/civility/rollback', {})).statusCode, 403);
    await ctx.db.kysely.deleteFrom('civility_examples').execute();
  });

  it('learns a calibration from the decisions, shows before/after, and rolls it back', async () => {
    assert.equal((await campaignGuard(ctx.db)).assess(THIRD_PARTY_INSULT).decision, 'review');
    let n = 0;
    for (const text of LET_THROUGH) await record(text, 'approve', n++);
    for (const text of TAKEN_DOWN) await record(text, 'reject', n++);
    assert.deepEqual(await exampleCounts(ctx.db), { approve: 8, reject: 4 });

    const empty = await organiser.get('/admin/civility');
    assert.match(empty.body, /No learnt calibration is in force/);
    const res = await organiser.post('/admin/civility/learn', {});
    assert.equal(res.statusCode, 303);
    const page = await organiser.get('/admin/civility');
    assert.match(
      page.body,
      /Learnt from 12 decisions: the guard now agrees with 12 of them \(was 4\)/,
    );
    assert.match(page.body, /class="civility-figures"/);
    assert.match(page.body, /Roll back the learnt calibration/);

    const learnt = await campaignGuard(ctx.db);
    assert.equal(
      learnt.assess(THIRD_PARTY_INSULT).decision,
      'allow',
      'this campaign lets it through',
    );
    assert.notEqual(learnt.assess(THREAT).decision, 'allow', 'threats are still stopped');

    await organiser.post('/admin/civility/rollback', {});
    const rolledBack = await campaignGuard(ctx.db);
    assert.equal(rolledBack.calibration, undefined);
    assert.equal(rolledBack.assess(THIRD_PARTY_INSULT).decision, 'review');
    assert.match(
      (await organiser.get('/admin/civility')).body,
      /No learnt calibration is in force/,
    );
    await organiser.post('/admin/civility/rollback', {});
    assert.match(
      (await organiser.get('/admin/civility')).body,
      /No learnt calibration is in force\./,
    );
    await ctx.db.kysely.deleteFrom('civility_examples').execute();
  });

  it('erasing a person removes their examples and export lists them', async () => {
    await record(THREAT, 'reject', 1, 'writer@example.org');
    await record(THIRD_PARTY_INSULT, 'approve', 2, 'someone-else@example.org');
    const person = {
      id: 999,
      email: 'writer@example.org',
      firstName: null,
      lastName: null,
      socialHandles: [],
    };
    const exported = await ctx.db.kysely
      .transaction()
      .execute((trx) => civilityPersonData.export!(trx, person));
    assert.deepEqual(
      (exported as { text: string }[]).map((e) => e.text),
      [THREAT],
    );
    await ctx.db.kysely
      .transaction()
      .execute((trx) => civilityPersonData.erase!(trx, person, [person.email]));
    assert.deepEqual(await exampleCounts(ctx.db), { approve: 1, reject: 0 });
    await ctx.db.kysely.deleteFrom('civility_examples').execute();
  });
});

it('a calibration fitted to decisions that agree with the guard changes little', () => {
  const points = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9].map((score) => ({ score, rejected: score > 0.5 }));
  const c = fitCalibration(points);
  assert.ok(c.slope > 0.8, `slope ${c.slope}`);
  assert.ok(Math.abs(c.intercept) < 0.5, `intercept ${c.intercept}`);
});
