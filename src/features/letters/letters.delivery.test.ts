import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { Worker } from '../../infra/jobs/worker.js';
import { DIGEST_HOUR_UTC, FOLLOW_UP_DELAY_MS, THROTTLE_WINDOW_MS } from './delivery.service.js';
import * as repo from './letters.repository.js';
import type { CampaignRow, LetterRow } from './letters.repository.js';
import { answerFollowUp, confirmLetter, retryLetter, submitLetter } from './letters.service.js';
import {
  type Mps,
  at,
  SmtpPeer,
  addresses,
  letterForm,
  loadMps,
  openCampaign,
  outbox,
  setTargetEmail,
  tokenFromMail,
} from './letters.test-support.js';

const HOUR = THROTTLE_WINDOW_MS;

describeEachDatabase('letter delivery', (ctx) => {
  const peer = new SmtpPeer();
  let app: FastifyInstance;
  let mps: Mps;
  let senders = 0;

  before(async () => {
    app = await createTestApp(ctx.db, {
      smtpUrl: await peer.start(),
      mailFrom: 'Rally <rally@example.org>',
    });
    mps = await loadMps(app);
  });
  after(async () => {
    await app.close();
    await peer.stop();
  });
  beforeEach(async () => {
    await ctx.db.kysely.deleteFrom('jobs').execute();
    peer.received.length = 0;
    peer.rejectRecipients = undefined;
  });

  /** Writes and confirms a letter at `now`; returns it as confirmed. */
  async function confirmed(
    campaign: CampaignRow,
    target = mps.manchester,
    now = new Date(),
  ): Promise<LetterRow> {
    senders++;
    const email = `sender${senders}@example.org`;
    const postcode = target.id === mps.newcastle.id ? 'NE1 4ST' : 'M1 1AE';
    const submitted = await submitLetter(at(app.services, now), {
      campaign: campaign,
      form: letterForm(target, { email, name: `Sender ${senders}`, postcode }),
    });
    assert.ok(submitted.ok, JSON.stringify(!submitted.ok && submitted.errors));
    const outcome = await confirmLetter(
      at(app.services, now),
      await tokenFromMail(app, 'letters.confirm', email),
    );
    assert.ok(outcome.status === 'confirmed');
    return outcome.letter;
  }

  const status = async (letter: LetterRow) =>
    (await repo.findLetter(ctx.db.kysely, letter.id))?.status;
  const lettersReceived = () => peer.received.filter((m) => m.raw.toString().includes('Dear '));

  it('delivers a confirmed letter by SMTP to the target, Reply-To and copy to the sender', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const start = new Date();
    const letter = await confirmed(campaign, mps.manchester, start);
    // The confirmation mail itself went through SMTP too; only the letter counts here.
    await new Worker(app.services.jobs, {
      now: () => new Date(start.getTime() + 1000),
    }).runUntilIdle();
    const received = lettersReceived();
    assert.equal(received.length, 1);
    const mail = await simpleParser(received[0]!.raw);
    assert.deepEqual(addresses(mail.to), [`${mps.manchester.name} <${mps.manchester.email}>`]);
    assert.deepEqual(addresses(mail.replyTo), [`${letter.sender_name} <${letter.sender_email}>`]);
    assert.deepEqual(addresses(mail.cc), [`${letter.sender_name} <${letter.sender_email}>`]);
    assert.deepEqual(
      received[0]!.envelope.sort(),
      [letter.sender_email, mps.manchester.email].sort(),
    );
    assert.equal(mail.subject, letter.subject);
    assert.match(mail.text ?? '', new RegExp(`^Dear ${mps.manchester.name},`));
    assert.ok(mail.text?.includes(letter.body), 'the body is the sender’s own text');
    assert.ok(mail.text?.includes('1 Market Street'));
    assert.equal(await status(letter), 'sending');

    await new Worker(app.services.jobs, {
      now: () => new Date(Date.now() + 60_000),
    }).runUntilIdle();
    const sent = await repo.findLetter(ctx.db.kysely, letter.id);
    assert.equal(sent?.status, 'sent');
    assert.equal(sent?.target_email, mps.manchester.email);
    assert.ok(sent?.delivered_at);
  });

  it('throttles letters to one target to N an hour (fake clock)', async () => {
    const campaign = await openCampaign(app, mps.listId, { hourlyLimit: '2' });
    const t0 = new Date();
    const letters: LetterRow[] = [];
    for (let i = 0; i < 5; i++) letters.push(await confirmed(campaign, mps.manchester, t0));
    const other = await confirmed(campaign, mps.newcastle, t0);
    assert.deepEqual(
      letters.map((l) => (Date.parse(l.scheduled_for!) - t0.getTime()) / HOUR),
      [0, 0, 1, 1, 2],
    );
    let clock = new Date(t0.getTime() + 1000);
    const worker = new Worker(app.services.jobs, { now: () => clock });
    const delivered = async () =>
      (await outbox(app, 'letters.letter')).filter((m) =>
        m.to_address.includes(mps.manchester.email!),
      ).length;
    const before = await delivered();

    await worker.runUntilIdle();
    assert.equal((await delivered()) - before, 2, 'two at once');
    assert.equal(await status(other), 'sending', 'another target has its own allowance');
    clock = new Date(t0.getTime() + 59 * 60 * 1000);
    await worker.runUntilIdle();
    assert.equal((await delivered()) - before, 2, 'nothing more within the hour');
    clock = new Date(t0.getTime() + HOUR + 1000);
    await worker.runUntilIdle();
    assert.equal((await delivered()) - before, 4);
    assert.equal(await status(letters[4]!), 'queued');
    clock = new Date(t0.getTime() + 2 * HOUR + 1000);
    await worker.runUntilIdle();
    assert.equal((await delivered()) - before, 5);
    // Only the fifth letter went out in the last hour: a new one goes at once, the next waits.
    const lateAt = new Date(t0.getTime() + 2 * HOUR + 2000);
    const late = await confirmed(campaign, mps.manchester, lateAt);
    assert.equal(late.scheduled_for, lateAt.toISOString());
    const later = await confirmed(campaign, mps.manchester, lateAt);
    assert.equal(Date.parse(later.scheduled_for!), t0.getTime() + 3 * HOUR);
  });

  it('bundles a day’s letters to one target into one digest, with a copy to each sender', async () => {
    const campaign = await openCampaign(app, mps.listId, { deliveryMode: 'digest' });
    const t0 = new Date(Date.UTC(2030, 0, 10, DIGEST_HOUR_UTC + 2));
    const letters = [
      await confirmed(campaign, mps.newcastle, t0),
      await confirmed(campaign, mps.newcastle, t0),
      await confirmed(campaign, mps.newcastle, new Date(t0.getTime() + HOUR)),
    ];
    const slot = `2030-01-11T0${DIGEST_HOUR_UTC}:00:00.000Z`;
    assert.deepEqual(
      letters.map((l) => l.scheduled_for),
      [slot, slot, slot],
    );
    const digests = await ctx.db.kysely
      .selectFrom('jobs')
      .select('id')
      .where('type', '=', 'letters.digest')
      .execute();
    assert.equal(digests.length, 1, 'one digest job per target and day');

    await new Worker(app.services.jobs, {
      now: () => new Date(Date.parse(slot) - 1000),
    }).runUntilIdle();
    assert.equal(lettersReceived().length, 0);
    await new Worker(app.services.jobs, {
      now: () => new Date(Date.parse(slot) + 1000),
    }).runUntilIdle();
    const toTarget = peer.received.filter((m) => m.envelope.includes(mps.newcastle.email!));
    assert.equal(toTarget.length, 1);
    const digest = await simpleParser(toTarget[0]!.raw);
    assert.match(digest.subject ?? '', /^3 letters from constituents/);
    for (const l of letters) {
      assert.ok(digest.text?.includes(l.body));
      assert.ok(digest.text?.includes(`From: ${l.sender_name} <${l.sender_email}>`));
      assert.ok(
        peer.received.some(
          (m) =>
            m.envelope.includes(l.sender_email) && m.raw.toString().includes('This is your copy'),
        ),
      );
    }
    await new Worker(app.services.jobs, {
      now: () => new Date(Date.now() + 60_000),
    }).runUntilIdle();
    for (const l of letters) assert.equal(await status(l), 'sent');
  });

  it('records a letter the SMTP server refuses as failed, and sends it again on request', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const letter = await confirmed(campaign);
    peer.rejectRecipients = 'Mailbox unavailable';
    let clock = new Date(Date.now() + 1000);
    const worker = new Worker(app.services.jobs, { now: () => clock });
    // The outbox retries for a quarter of an hour with backoff; the letter follows its verdict.
    for (let i = 0; i < 14; i++) {
      await worker.runUntilIdle();
      clock = new Date(clock.getTime() + 5 * 60 * 1000);
    }
    const failed = await repo.findLetter(ctx.db.kysely, letter.id);
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.delivery_error ?? '', /Mailbox unavailable/);

    peer.rejectRecipients = undefined;
    assert.equal(
      await retryLetter(at(app.services, clock), letter.id, { id: 1, role: 'organiser' as const }),
      true,
    );
    assert.equal(await status(letter), 'queued');
    await worker.runUntilIdle();
    clock = new Date(clock.getTime() + HOUR);
    await worker.runUntilIdle();
    assert.equal(await status(letter), 'sent');
  });

  it('fails a letter whose target lost their email, saying why', async () => {
    const campaign = await openCampaign(app, mps.listId);
    const letter = await confirmed(campaign, mps.newcastle);
    await setTargetEmail(app, mps.listId, mps.newcastle, null);
    try {
      await new Worker(app.services.jobs, {
        now: () => new Date(Date.now() + 1000),
      }).runUntilIdle();
      const failed = await repo.findLetter(ctx.db.kysely, letter.id);
      assert.equal(failed?.status, 'failed');
      assert.match(failed?.delivery_error ?? '', /has no email address/);
    } finally {
      await setTargetEmail(app, mps.listId, { ...mps.newcastle, email: null }, mps.newcastle.email);
    }
  });

  describe('follow-up', () => {
    it('asks the sender two weeks after delivery, once, and tallies the answers per target', async () => {
      const campaign = await openCampaign(app, mps.listId);
      const yes = await confirmed(campaign);
      const no = await confirmed(campaign);
      const unwilling = await submitLetter(app.services, {
        campaign: campaign,
        form: letterForm(mps.manchester, { email: 'quiet@example.org', followUp: false }),
      });
      assert.ok(unwilling.ok);
      await confirmLetter(
        app.services,
        await tokenFromMail(app, 'letters.confirm', 'quiet@example.org'),
      );
      let clock = new Date(Date.now() + 1000);
      const worker = new Worker(app.services.jobs, { now: () => clock });
      await worker.runUntilIdle();
      clock = new Date(clock.getTime() + 10 * 60 * 1000);
      await worker.runUntilIdle();
      const followUps = async () =>
        (await outbox(app, 'letters.follow-up')).filter((m) =>
          [yes, no, unwilling.letter].some((l) => m.to_address.includes(l.sender_email)),
        );
      assert.equal((await followUps()).length, 0);

      clock = new Date(clock.getTime() + FOLLOW_UP_DELAY_MS - 60 * 60 * 1000);
      await worker.runUntilIdle();
      assert.equal((await followUps()).length, 0, 'not before two weeks');
      clock = new Date(clock.getTime() + 2 * 60 * 60 * 1000);
      await worker.runUntilIdle();
      assert.equal((await followUps()).length, 2, 'only the senders who wanted it');

      const client = app.inject.bind(app);
      const answer = async (email: string, value: string) => {
        const token = await tokenFromMail(app, 'letters.follow-up', email);
        const page = await client({
          method: 'GET',
          url: `/letters/follow-up/${token}?answer=${value}`,
          headers: { accept: 'text/html' },
        });
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /Did .* reply\?/);
        return token;
      };
      await answer(yes.sender_email, 'yes');
      await answer(no.sender_email, 'no');
      await answerFollowUp(app.services, {
        token: await tokenFromMail(app, 'letters.follow-up', yes.sender_email),
        answer: 'yes',
      });
      await answerFollowUp(app.services, {
        token: await tokenFromMail(app, 'letters.follow-up', no.sender_email),
        answer: 'no',
      });
      const rates = await repo.responseRates(ctx.db.kysely, campaign.id);
      assert.deepEqual(
        rates.map((r) => [r.targetName, r.delivered, r.asked, r.yes, r.no]),
        [[mps.manchester.name, 3, 2, 1, 1]],
      );
    });
  });
});
