import assert from 'node:assert/strict';
import { after, before, beforeEach, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff } from '../../../test/helpers/staff.js';
import {
  HOLD_FOR_REVIEW,
  THIRD_PARTY_INSULT,
  THREAT,
  THREAT_WORDS,
  withCivilityThresholds,
} from '../../../test/helpers/civility.js';
import { erasePerson, exportPersonData } from '../people/data-rights.service.js';
import { currentConsent, findPersonByEmail, listActivities } from '../people/people.service.js';
import { changeCampaignStatus, createCampaign, updateCampaign } from './campaigns.service.js';
import { emptyForm, formOf } from './letters.admin.views.js';
import * as repo from './letters.repository.js';
import type { CampaignRow } from './letters.repository.js';
import {
  COMPARED_LETTERS_MAX,
  RESEND_INTERVAL_MS,
  answerFollowUp,
  confirmLetter,
  letterForToken,
  moderateLetter,
  submitLetter,
} from './letters.service.js';
import {
  type Mps,
  at,
  letterForm,
  loadMps,
  openCampaign,
  outbox,
  ownWords,
  runJobs,
  tokenFromMail,
} from './letters.test-support.js';
import { seedLettersDemo } from './letters.seed.js';
import { DELIVER_JOB } from './delivery.service.js';

describeEachDatabase('letter campaigns and letters', (ctx) => {
  let app: FastifyInstance;
  let mps: Mps;
  let organiserId: number;
  const services = () => app.services;
  const campaigns = () => app.services;

  /** Submits a letter from `email` to the Manchester MP, which must be accepted. */
  async function submitToManchester(campaign: CampaignRow, email: string) {
    const result = await submitLetter(services(), {
      campaign,
      form: letterForm(mps.manchester, { email }),
    });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    return result;
  }

  /** A moderator's decision on a held letter. */
  function moderateAs(
    moderatorId: number,
    letterId: number,
    decision: 'approve' | 'reject',
    note = '',
  ) {
    return moderateLetter(
      services(),
      { letterId, decision, note },
      { id: moderatorId, role: 'moderator' as const },
    );
  }

  /** Follows the confirmation link mailed to `email`, as its writer would. */
  async function confirmFromMail(email: string) {
    return confirmLetter(services(), await tokenFromMail(app, 'letters.confirm', email));
  }

  before(async () => {
    app = await createTestApp(ctx.db);
    mps = await loadMps(app);
    organiserId = (await createStaff(ctx.db, { role: 'organiser' })).id;
  });
  after(() => app.close());
  beforeEach(async () => {
    await ctx.db.kysely.deleteFrom('jobs').execute();
  });

  it('validates a campaign and keeps its address unique', async () => {
    const bad = await createCampaign(
      campaigns(),
      { ...emptyForm(), title: '', targetListId: '999999', minOwnWords: '-1', hourlyLimit: '0' },
      { id: organiserId, role: 'organiser' as const },
    );
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.errors.title && bad.errors.minOwnWords && bad.errors.hourlyLimit);
    const noList = await createCampaign(
      campaigns(),
      { ...emptyForm(), title: 'A', brief: 'B', targetListId: '999999' },
      { id: organiserId, role: 'organiser' as const },
    );
    assert.deepEqual(!noList.ok && Object.keys(noList.errors), ['targetListId']);
    const reserved = await createCampaign(
      campaigns(),
      { ...emptyForm(), title: 'Follow up', brief: 'B', targetListId: String(mps.listId) },
      { id: organiserId, role: 'organiser' as const },
    );
    assert.ok(!reserved.ok && reserved.errors.slug);

    const form = {
      ...emptyForm(),
      title: 'Save the Baths!',
      brief: 'Write.',
      points: '- one\n\n* two\n',
      targetListId: String(mps.listId),
    };
    const created = await createCampaign(campaigns(), form, {
      id: organiserId,
      role: 'organiser' as const,
    });
    assert.ok(created.ok);
    assert.equal(created.record.slug, 'save-the-baths');
    assert.equal(created.record.status, 'draft');
    assert.equal(created.record.points, '["one","two"]');
    const again = await createCampaign(campaigns(), form, {
      id: organiserId,
      role: 'organiser' as const,
    });
    assert.ok(!again.ok && /already uses/.test(again.errors.slug ?? ''));

    await changeCampaignStatus(
      campaigns(),
      { campaign: created.record, action: 'open' },
      { id: organiserId, role: 'organiser' as const },
    );
    const opened = await repo.findCampaign(ctx.db.kysely, created.record.id);
    assert.equal(opened?.status, 'open');
    const moved = await updateCampaign(
      campaigns(),
      { campaign: opened, form: { ...formOf(opened), slug: 'elsewhere' } },
      { id: organiserId, role: 'organiser' as const },
    );
    assert.ok(!moved.ok && moved.errors.slug);
    const edited = await updateCampaign(
      campaigns(),
      { campaign: opened, form: { ...formOf(opened), hourlyLimit: '9' } },
      { id: organiserId, role: 'organiser' as const },
    );
    assert.ok(edited.ok && edited.record.hourly_limit === 9);
  });

  it('stores a letter as unconfirmed and mails the sender a single-use link', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const result = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, { email: 'Store@Example.org' }),
    });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const { letter } = result;
    assert.equal(letter.status, 'unconfirmed');
    assert.equal(letter.sender_email, 'store@example.org');
    assert.equal(letter.target_name, mps.manchester.name);
    assert.equal(letter.delivery, 'email');
    assert.equal(letter.own_percent, 100);
    assert.equal(letter.constituency_code, mps.manchester.division_code);
    assert.equal(letter.person_id, null, 'nobody is filed before they confirm');
    const token = await tokenFromMail(app, 'letters.confirm', 'store@example.org');
    assert.notEqual(letter.confirm_token_hash, token, 'only the hash is stored');
    assert.equal(await findPersonByEmail(ctx.db, 'store@example.org'), undefined);
    assert.equal(
      (await ctx.db.kysely.selectFrom('jobs').selectAll().where('type', '=', DELIVER_JOB).execute())
        .length,
      0,
    );
  });

  it('on confirmation files the person, notes the letter on their timeline and queues it', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const submitted = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, {
        email: 'grace@example.org',
        name: 'Grace Hopper',
        consent: true,
      }),
    });
    assert.ok(submitted.ok);
    const token = await tokenFromMail(app, 'letters.confirm', 'grace@example.org');
    const now = new Date();
    const outcome = await confirmLetter(at(services(), now), token);
    assert.equal(outcome.status, 'confirmed');
    assert.ok(outcome.status === 'confirmed');
    assert.equal(outcome.letter.status, 'queued');
    assert.equal(outcome.letter.scheduled_for, now.toISOString());
    const person = await findPersonByEmail(ctx.db, 'grace@example.org');
    assert.ok(person);
    assert.equal(person.firstName, 'Grace');
    assert.equal(person.source, `letter:${campaign.slug}`);
    assert.equal(outcome.letter.person_id, person.id);
    const timeline = await listActivities(ctx.db, person.id);
    assert.ok(timeline.some((a) => a.kind === 'letter' && a.summary.includes(mps.manchester.name)));
    assert.equal(await currentConsent(ctx.db, person.id, 'email'), 'granted');
    const jobs = await ctx.db.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('type', '=', DELIVER_JOB)
      .execute();
    assert.equal(jobs.length, 1);

    const again = await confirmLetter(services(), token);
    assert.equal(again.status, 'already', 'the link works once');
    assert.equal((await confirmLetter(services(), 'x'.repeat(32))).status, 'invalid');
  });

  it('records no consent when the box was not ticked', async () => {
    const campaign = await openCampaign(app, mps.listId);
    await submitToManchester(campaign, 'noconsent@example.org');
    await confirmFromMail('noconsent@example.org');
    const person = await findPersonByEmail(ctx.db, 'noconsent@example.org');
    assert.ok(person);
    assert.equal(await currentConsent(ctx.db, person.id, 'email'), null);
  });

  it('refuses a second letter to the same target, and replaces an unconfirmed one', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const first = await submitToManchester(campaign, 'twice@example.org');
    const tooSoon = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, { email: 'twice@example.org' }),
    });
    assert.ok(!tooSoon.ok && tooSoon.status === 429);
    const later = new Date(Date.now() + RESEND_INTERVAL_MS + 1000);
    const body = ownWords(70);
    const replaced = await submitLetter(at(services(), later), {
      campaign: campaign,
      form: letterForm(mps.manchester, { email: 'twice@example.org', body }),
    });
    assert.ok(replaced.ok && replaced.resent);
    assert.equal(replaced.letter.id, first.letter.id);
    assert.equal(replaced.letter.body, body.trim());
    await confirmFromMail('twice@example.org');
    const third = await submitLetter(
      at(services(), new Date(later.getTime() + RESEND_INTERVAL_MS * 2)),
      { campaign: campaign, form: letterForm(mps.manchester, { email: 'twice@example.org' }) },
    );
    assert.ok(!third.ok && third.status === 409);
  });

  it('refuses copies: of the brief, and of another letter to the same target', async () => {
    const campaign = await openCampaign(app, mps.listId, {
      minOwnWords: '30',
      minOwnPercent: '60',
    });
    const fromBrief = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, {
        email: 'brief@example.org',
        body: `${campaign.brief} ${ownWords(25)}`,
      }),
    });
    assert.ok(!fromBrief.ok && fromBrief.status === 422);
    assert.match(fromBrief.errors.body ?? '', /of your words are your own/);
    assert.ok(fromBrief.originality && fromBrief.originality.copied.length > 0);

    const body = ownWords(80);
    const original = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, { email: 'original@example.org', body }),
    });
    assert.ok(original.ok);
    const copy = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, {
        email: 'copier@example.org',
        body: `Dear friend. ${body}`,
      }),
    });
    assert.ok(!copy.ok && copy.status === 422);
    assert.match(copy.errors.body ?? '', /the same as another letter to/);
    const elsewhere = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.newcastle, { email: 'copier@example.org', postcode: 'NE1 4ST', body }),
    });
    assert.ok(elsewhere.ok, 'the same words to another target are not compared');
    assert.ok(COMPARED_LETTERS_MAX >= 100);
  });

  it('blocks an abusive letter with the reason and the words that caused it', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const result = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, {
        email: 'abuse@example.org',
        body: `${ownWords(40)} ${THREAT}`,
      }),
    });
    assert.ok(!result.ok && result.status === 422);
    assert.match(result.errors.civility ?? '', /not accepted/);
    assert.ok(result.civility?.spans.some((s) => s.text === THREAT_WORDS));
    assert.equal(
      await repo.findSenderLetter(
        ctx.db.kysely,
        campaign.id,
        mps.manchester.id,
        'abuse@example.org',
      ),
      undefined,
    );
  });

  it('holds a letter the guard would review for a moderator, per the campaign setting', async () => {
    const text = `${ownWords(40)} ${THIRD_PARTY_INSULT}`;
    const strict = await openCampaign(app, mps.listId, { reviewPolicy: 'block' });
    const refused = await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
      submitLetter(services(), {
        campaign: strict,
        form: letterForm(mps.manchester, { email: 'review@example.org', body: text }),
      }),
    );
    assert.ok(!refused.ok && refused.errors.civility);

    const holding = await openCampaign(app, mps.listId, { reviewPolicy: 'hold' });
    const held = await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
      submitLetter(services(), {
        campaign: holding,
        form: letterForm(mps.manchester, { email: 'review@example.org', body: text }),
      }),
    );
    assert.ok(held.ok);
    assert.equal(held.letter.needs_review, 1);
    const outcome = await confirmFromMail('review@example.org');
    assert.ok(outcome.status === 'confirmed' && outcome.letter.status === 'held');
    assert.equal(
      (await ctx.db.kysely.selectFrom('jobs').selectAll().where('type', '=', DELIVER_JOB).execute())
        .length,
      0,
    );

    const moderator = await createStaff(ctx.db, { role: 'moderator' });
    const approved = await moderateAs(moderator.id, held.letter.id, 'approve');
    assert.ok(approved.ok && approved.letter.status === 'queued');
    assert.equal((await moderateAs(moderator.id, held.letter.id, 'reject')).ok, false);

    const second = await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
      submitLetter(services(), {
        campaign: holding,
        form: letterForm(mps.newcastle, {
          email: 'review2@example.org',
          postcode: 'NE1 4ST',
          body: `${ownWords(40)} ${THIRD_PARTY_INSULT}`,
        }),
      }),
    );
    assert.ok(second.ok);
    await confirmFromMail('review2@example.org');
    const rejected = await moderateAs(
      moderator.id,
      second.letter.id,
      'reject',
      'Please keep it polite.',
    );
    assert.ok(rejected.ok && rejected.letter.status === 'rejected');
    const notice = (await outbox(app, 'letters.rejected')).find((m) =>
      m.to_address.includes('review2@example.org'),
    );
    assert.match(notice?.text_body ?? '', /Please keep it polite/);
  });

  it('refuses a postcode outside the target’s constituency', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const result = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, { email: 'far@example.org', postcode: 'NE1 4ST' }),
    });
    assert.ok(!result.ok && result.status === 422);
    assert.match(result.errors.postcode ?? '', /is not in Manchester Central/);
    const unknown = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, { email: 'far@example.org', postcode: 'ZZ99 9ZZ' }),
    });
    assert.ok(
      !unknown.ok && /could not find the postcode district/.test(unknown.errors.postcode ?? ''),
    );
  });

  it('sends a letter to a target without email through the sender’s own mail', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const submitted = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.noEmail, { email: 'mailto@example.org', postcode: 'SW1A 1AA' }),
    });
    assert.ok(submitted.ok);
    assert.equal(submitted.letter.delivery, 'mailto');
    const outcome = await confirmFromMail('mailto@example.org');
    assert.ok(outcome.status === 'confirmed' && outcome.letter.status === 'mailto');
    const missing = await repo.targetsWithoutEmail(ctx.db.kysely, campaign.id);
    assert.deepEqual(
      missing.map((m) => m.targetName),
      [mps.noEmail.name],
    );
  });

  it('sends the writer of an approved mailto letter a fresh link to send it', async () => {
    const campaign = await openCampaign(app, mps.listId, { deliveryMode: 'mailto' });
    const held = await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
      submitLetter(services(), {
        campaign: campaign,
        form: letterForm(mps.manchester, {
          email: 'approved@example.org',
          body: `${ownWords(40)} ${THIRD_PARTY_INSULT}`,
        }),
      }),
    );
    assert.ok(held.ok);
    await confirmFromMail('approved@example.org');
    const moderator = await createStaff(ctx.db, { role: 'moderator' });
    const approved = await moderateAs(moderator.id, held.letter.id, 'approve');
    assert.ok(approved.ok && approved.letter.status === 'mailto');
    const token = await tokenFromMail(app, 'letters.approved', 'approved@example.org');
    const found = await letterForToken(services(), token);
    assert.equal(found?.letter.id, held.letter.id);
  });

  it('does not confirm letters once the campaign has closed', async () => {
    const campaign = await openCampaign(app, mps.listId);
    await submitToManchester(campaign, 'late@example.org');
    await changeCampaignStatus(
      campaigns(),
      { campaign: campaign, action: 'close' },
      { id: organiserId, role: 'organiser' as const },
    );
    const outcome = await confirmFromMail('late@example.org');
    assert.equal(outcome.status, 'closed');
  });

  it('records a follow-up answer once, on the person’s timeline', async () => {
    const campaign = await openCampaign(app, mps.listId, { deliveryMode: 'mailto' });
    const submitted = await submitToManchester(campaign, 'answer@example.org');
    const confirmed = new Date();
    await confirmLetter(
      at(services(), confirmed),
      await tokenFromMail(app, 'letters.confirm', 'answer@example.org'),
    );
    await runJobs(app, new Date(confirmed.getTime() + 15 * 24 * 3600 * 1000));
    const token = await tokenFromMail(app, 'letters.follow-up', 'answer@example.org');
    assert.equal(
      (await answerFollowUp(services(), { token: token, answer: 'yes' })).status,
      'open',
    );
    assert.equal(
      (await answerFollowUp(services(), { token: token, answer: 'no' })).status,
      'answered',
    );
    const letter = await repo.findLetter(ctx.db.kysely, submitted.letter.id);
    assert.equal(letter?.reply, 'yes');
    const person = await findPersonByEmail(ctx.db, 'answer@example.org');
    assert.ok(
      (await listActivities(ctx.db, person!.id)).some((a) =>
        a.summary.startsWith('Had a reply from'),
      ),
    );
    const rates = await repo.responseRates(ctx.db.kysely, campaign.id);
    assert.deepEqual(
      rates.map((r) => [r.targetName, r.delivered, r.asked, r.yes, r.no]),
      [[mps.manchester.name, 1, 1, 1, 0]],
    );
  });

  it('exports a person’s letters and erases them, withdrawing any not yet sent', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const submitted = await submitLetter(services(), {
      campaign: campaign,
      form: letterForm(mps.manchester, { email: 'erase@example.org', name: 'Eve Erased' }),
    });
    assert.ok(submitted.ok);
    await confirmFromMail('erase@example.org');
    const person = await findPersonByEmail(ctx.db, 'erase@example.org');
    assert.ok(person);
    const exported = await exportPersonData(services(), person.id, {
      id: organiserId,
      role: 'organiser',
    });
    const letters = exported.other.letters as { subject: string; status: string }[];
    assert.equal(letters.length, 1);
    assert.equal(letters[0]?.status, 'queued');

    await erasePerson(services(), person.id, { id: organiserId, role: 'organiser' });
    const after = await repo.findLetter(ctx.db.kysely, submitted.letter.id);
    assert.equal(after?.status, 'withdrawn');
    assert.equal(after?.body, '[erased]');
    assert.equal(after?.sender_name, '[erased]');
    assert.ok(!after?.sender_email.includes('erase@'));
    await runJobs(app);
    assert.equal(
      (await outbox(app, 'letters.letter')).filter((m) => m.text_body.includes('Eve')).length,
      0,
      'a withdrawn letter is never sent',
    );
  });

  it('seeds an open demo campaign over the MPs, with demo emails at example.org', async () => {
    await seedLettersDemo(services());
    const campaign = await repo.findCampaignBySlug(ctx.db.kysely, 'fund-our-libraries');
    assert.equal(campaign?.status, 'open');
    const counts = (await repo.statusCountsByCampaign(ctx.db.kysely, campaign.id)).get(campaign.id);
    assert.equal(counts?.sent, 2);
    assert.equal(counts?.held, 1);
    const emails = await ctx.db.kysely
      .selectFrom('targets')
      .select('email')
      .where('email', 'is not', null)
      .execute();
    assert.ok(emails.length >= 5);
    assert.ok(emails.every((e) => e.email?.endsWith('@example.org')));
  });
});
