/**
 * The learning hook in every feature where a moderator decides on text the guard held or
 * flagged: the decision lands in civility_examples, in the same transaction, and erasing the
 * writer removes it. (Comments: civility.learning.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import {
  HOLD_FOR_REVIEW,
  THIRD_PARTY_INSULT,
  withCivilityThresholds,
} from '../../../test/helpers/civility.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff, loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { confirmLetter, moderateLetter, submitLetter } from '../letters/letters.service.js';
import {
  type Mps,
  letterForm,
  loadMps,
  openCampaign,
  ownWords,
  tokenFromMail,
} from '../letters/letters.test-support.js';
import { caseRow, recordThroughForm } from '../outreach/outreach.test-support.js';
import { erasePerson } from '../people/data-rights.service.js';
import { findPersonByEmail, upsertPerson } from '../people/people.service.js';

describeEachDatabase('civility: moderator decisions in letters and outreach are kept', (ctx) => {
  let app: FastifyInstance;
  let mps: Mps;
  let moderatorId: number;
  let organiserId: number;
  let moderator: TestClient;
  before(async () => {
    app = await createTestApp(ctx.db);
    mps = await loadMps(app);
    moderatorId = (await createStaff(ctx.db, { role: 'moderator' })).id;
    organiserId = (await createStaff(ctx.db, { role: 'organiser' })).id;
    moderator = await loginAs(app, 'moderator');
  });
  after(() => app.close());

  const examplesFor = (source: string, sourceId: string) =>
    ctx.db.kysely
      .selectFrom('civility_examples')
      .selectAll()
      .where('source', '=', source)
      .where('source_id', '=', sourceId)
      .execute();

  /** A letter the campaign holds for a moderator, confirmed by its writer. */
  async function heldLetter(email: string, postcode?: string) {
    const campaign = await openCampaign(app, mps.listId, { reviewPolicy: 'hold' });
    const target = postcode ? mps.newcastle : mps.manchester;
    const submitted = await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
      submitLetter(app.services, {
        campaign,
        form: letterForm(target, {
          email,
          ...(postcode ? { postcode } : {}),
          body: `${ownWords(40)} ${THIRD_PARTY_INSULT}`,
        }),
      }),
    );
    assert.ok(submitted.ok);
    const confirmed = await confirmLetter(
      app.services,
      await tokenFromMail(app, 'letters.confirm', email),
    );
    assert.ok(confirmed.status === 'confirmed' && confirmed.letter.status === 'held');
    return submitted.letter;
  }

  it('keeps a moderator’s approval and rejection of held letters, and erasure removes them', async () => {
    const approvedLetter = await heldLetter('kept.one@example.org');
    const approved = await moderateLetter(
      app.services,
      { letterId: approvedLetter.id, decision: 'approve', note: '' },
      { id: moderatorId, role: 'moderator' },
    );
    assert.ok(approved.ok);
    const [ok] = await examplesFor('letter', String(approvedLetter.id));
    assert.equal(ok?.decision, 'approve');
    assert.equal(ok?.guard_decision, 'review');
    assert.equal(ok?.guard_score, approvedLetter.civility_score);
    assert.equal(ok?.moderator_user_id, moderatorId);
    assert.ok(ok?.text.includes(THIRD_PARTY_INSULT));

    const rejectedLetter = await heldLetter('kept.two@example.org', 'NE1 4ST');
    const rejected = await moderateLetter(
      app.services,
      { letterId: rejectedLetter.id, decision: 'reject', note: 'Keep it polite.' },
      { id: moderatorId, role: 'moderator' },
    );
    assert.ok(rejected.ok);
    const [no] = await examplesFor('letter', String(rejectedLetter.id));
    assert.equal(no?.decision, 'reject');
    assert.equal(no?.person_email, 'kept.two@example.org');

    const person = await findPersonByEmail(ctx.db, 'kept.two@example.org');
    assert.ok(person);
    await erasePerson(app.services, person.id, { id: organiserId, role: 'organiser' });
    assert.equal((await examplesFor('letter', String(rejectedLetter.id))).length, 0);
    assert.equal((await examplesFor('letter', String(approvedLetter.id))).length, 1);
  });

  it('keeps an outreach request (the moderator’s judgement that a post is abusive), and erasure removes it', async () => {
    const { id: personId } = await upsertPerson(ctx.db, {
      email: 'poster@example.org',
      firstName: 'Pat',
      customFields: { bluesky: 'pat.bsky.social' },
      source: 'test',
    });
    const caseId = await recordThroughForm(moderator, {
      postUrl: 'https://bsky.app/profile/pat.bsky.social/post/3kcivility',
    });
    const row = await caseRow(app, caseId);
    assert.equal(row.person_id, personId);
    assert.equal(
      (await moderator.post(`/admin/outreach/${caseId}/send`)).statusCode,
      303,
      'the request is sent',
    );
    const [example] = await examplesFor('outreach', String(caseId));
    assert.equal(example?.decision, 'reject');
    assert.equal(example?.text, row.post_text);
    assert.equal(example?.guard_score, row.score);
    assert.equal(example?.person_id, personId);

    await erasePerson(app.services, personId, { id: organiserId, role: 'organiser' });
    assert.equal((await examplesFor('outreach', String(caseId))).length, 0);
  });
});
