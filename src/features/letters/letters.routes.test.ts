import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import {
  HOLD_FOR_REVIEW,
  THIRD_PARTY_INSULT,
  THIRD_PARTY_INSULT_WORDS,
  THREAT,
  THREAT_LABEL,
  THREAT_WORDS,
  withCivilityThresholds,
} from '../../../test/helpers/civility.js';
import * as repo from './letters.repository.js';
import type { CampaignRow } from './letters.repository.js';
import { LETTER_MAX_LENGTH } from './letters.rules.js';
import { WRITE_IP_LIMIT } from './letters.public.routes.js';
import {
  type Mps,
  formBody,
  letterForm,
  loadMps,
  openCampaign,
  ownWords,
  runJobs,
  tokenFromMail,
  visitor,
} from './letters.test-support.js';

describeEachDatabase('letters over HTTP', (ctx) => {
  let app: FastifyInstance;
  let mps: Mps;
  let campaign: CampaignRow;
  let n = 0;

  before(async () => {
    app = await createTestApp(ctx.db);
    mps = await loadMps(app);
    campaign = await openCampaign(app, mps.listId, { minOwnWords: '30', minOwnPercent: '60' });
  });
  after(() => app.close());

  const path = () => `/letters/${campaign.slug}`;

  /** A visitor on the letter form for Manchester Central, then posting it with `fields`. */
  async function write(fields: Record<string, string | string[]> = {}) {
    n++;
    const client = visitor(app);
    const form = await client.get(`${path()}?target=${mps.manchester.id}&postcode=M1%201AE`);
    assert.equal(form.statusCode, 200);
    const res = await client.post(`${path()}/write`, {
      ...formBody(letterForm(mps.manchester, { email: `http${n}@example.org` })),
      ...fields,
    });
    return { client, res };
  }

  describe('public pages', () => {
    it('lists open campaigns and shows the brief and a postcode form', async () => {
      const index = await visitor(app).get('/letters');
      assert.equal(index.statusCode, 200);
      assert.ok(index.body.includes(campaign.title));
      const page = await visitor(app).get(path());
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('Points you could make'));
      assert.match(page.body, /name="postcode"/);
      assert.match(page.body, /src="\/assets\/js\/letters.js"/);
      assert.equal((await visitor(app).get('/letters/no-such-campaign')).statusCode, 404);
    });

    it('takes a postcode to the MP and the letter form', async () => {
      const res = await visitor(app).get(`${path()}?postcode=m11ae`);
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes(`Your letter to ${mps.manchester.name}`));
      assert.match(res.body, /value="M1 1AE"/);
      assert.match(res.body, new RegExp(`name="targetId" value="${mps.manchester.id}"`));
    });

    it('offers a choice when the postcode district is split between constituencies', async () => {
      const res = await visitor(app).get(`${path()}?postcode=LS28%205AB`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /split between these constituencies/);
      const link = /href="([^"]*constituency=E14000886[^"]*)"/.exec(res.body)?.[1];
      assert.ok(link);
      const chosen = await visitor(app).get(link.replace(/&amp;/g, '&'));
      assert.equal(chosen.statusCode, 200);
      assert.ok(chosen.body.includes('Your letter to Stuart Andrew'));
      assert.match(chosen.body, /value="LS28 5AB"/);
    });

    it('answers an invalid postcode with 400 and an unknown one with 404', async () => {
      const invalid = await visitor(app).get(`${path()}?postcode=hello`);
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /does not look like a UK postcode/);
      const unknown = await visitor(app).get(`${path()}?postcode=ZZ99%209ZZ`);
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /could not find the postcode district ZZ99/);
      const repeated = await visitor(app).get(`${path()}?postcode=M1&postcode=M2`);
      assert.equal(repeated.statusCode, 400);
      const noTarget = await visitor(app).get(`${path()}?target=99999999`);
      assert.equal(noTarget.statusCode, 404);
    });

    it('says when a target has no email, and how the letter will go', async () => {
      const res = await visitor(app).get(`${path()}?target=${mps.noEmail.id}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /We do not have an email address for/);
    });
  });

  describe('writing a letter', () => {
    it('sends the confirmation mail and confirms through the link and a button', async () => {
      const { client, res } = await write({ email: 'flow@example.org' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Check your email/);
      const token = await tokenFromMail(app, 'letters.confirm', 'flow@example.org');
      const preview = await client.get(`${path()}/confirm/${token}`);
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /Confirm and send/);
      assert.ok(preview.body.includes(`Dear ${mps.manchester.name},`));
      const letter = await repo.findLetterByConfirmHash(
        ctx.db.kysely,
        (await import('../../infra/crypto/tokens.js')).hashLinkToken(token),
      );
      assert.equal(letter?.status, 'unconfirmed', 'opening the link alone sends nothing');
      const confirmed = await client.post(`${path()}/confirm/${token}`);
      assert.equal(confirmed.statusCode, 200);
      assert.match(confirmed.body, /Your letter is on its way/);
      const again = await client.post(`${path()}/confirm/${token}`);
      assert.match(again.body, /already confirmed/);
      assert.equal((await client.get(`${path()}/confirm/${'a'.repeat(30)}`)).statusCode, 404);
      assert.equal((await client.get(`/letters/other/confirm/${token}`)).statusCode, 404);
    });

    it('refuses an empty letter', async () => {
      const { res } = await write({ body: '   ' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Write your letter\./);
      assert.match(res.body, /role="alert"/);
    });

    it('refuses a letter form with a repeated field with a 400 that names it', async () => {
      const { res } = await write({ body: [ownWords(40), ownWords(40)] });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /In the form, body: /);
    });

    it(`refuses a letter over ${LETTER_MAX_LENGTH} characters`, async () => {
      const { res } = await write({ body: 'a '.repeat(LETTER_MAX_LENGTH / 2 + 1) });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, new RegExp(`at most ${LETTER_MAX_LENGTH} characters`));
    });

    it('refuses a letter that copies another letter to the same MP', async () => {
      const body = ownWords(70);
      const first = await write({ body });
      assert.equal(first.res.statusCode, 200);
      const { res } = await write({ body: `I agree. ${body}` });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /% the same as another letter to/);
      assert.match(res.body, /<mark title="copied">/);
    });

    it('refuses a letter with too few words of the sender’s own', async () => {
      const { res } = await write({ body: `${campaign.brief} Thank you.` });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /of your words are your own/);
      const short = await write({ body: 'Please save our library, it matters to me.' });
      assert.equal(short.res.statusCode, 422);
      assert.match(short.res.body, /at least 30 words/);
    });

    it('refuses an invalid email address', async () => {
      const { res } = await write({ email: 'not-an-address' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Enter a valid email address/);
      assert.match(res.body, /value="not-an-address"/, 'what was typed is kept');
    });

    it('refuses an unknown postcode', async () => {
      const { res } = await write({ postcode: 'ZZ99 9ZZ' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /could not find the postcode district ZZ99/);
      const partial = await write({ postcode: 'M1' });
      assert.equal(partial.res.statusCode, 422);
      assert.match(partial.res.body, /Enter your full postcode/);
    });

    it('refuses a form without a valid CSRF token', async () => {
      const { res } = await write({ _csrf: 'forged' });
      assert.equal(res.statusCode, 403);
      const cold = await visitor(app).post(`${path()}/write`, formBody(letterForm(mps.manchester)));
      assert.equal(cold.statusCode, 403);
    });

    it('blocks an abusive letter with the reason and the words marked', async () => {
      const { res } = await write({ body: `${ownWords(40)} ${THREAT}` });
      assert.equal(res.statusCode, 422);
      assert.ok(res.body.includes(`was not accepted because parts of it read as ${THREAT_LABEL}`));
      assert.ok(res.body.includes(`<mark title="${THREAT_LABEL}">${THREAT_WORDS}</mark>`));
    });

    it('refuses letters to a closed campaign with 410', async () => {
      const closed = await openCampaign(app, mps.listId);
      await repo.updateCampaign(ctx.db.kysely, closed.id, { status: 'closed' });
      const client = visitor(app);
      const page = await client.get(`/letters/${closed.slug}`);
      assert.match(page.body, /This campaign is closed/);
      await client.get(`${path()}?target=${mps.manchester.id}`);
      const res = await client.post(
        `/letters/${closed.slug}/write`,
        formBody(letterForm(mps.manchester)),
      );
      assert.equal(res.statusCode, 410);
    });

    it(`limits one address to ${WRITE_IP_LIMIT.max} letters in ${WRITE_IP_LIMIT.timeWindowMs / 60000} minutes`, async () => {
      const client = visitor(app);
      await client.get(`${path()}?target=${mps.manchester.id}`);
      let last = 0;
      for (let i = 0; i <= WRITE_IP_LIMIT.max; i++)
        last = (await client.post(`${path()}/write`, { body: '' })).statusCode;
      assert.equal(last, 429);
    });
  });

  describe('admin', () => {
    it('lets organisers create and open a campaign; viewers only read', async () => {
      const viewer = await loginAs(app, 'viewer');
      assert.equal((await viewer.get('/admin/letters')).statusCode, 200);
      assert.equal((await viewer.get('/admin/letters/new')).statusCode, 403);
      assert.equal((await viewer.get('/admin/letters/held')).statusCode, 403);

      const organiser = await loginAs(app, 'organiser');
      const form = await organiser.get('/admin/letters/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /UK House of Commons/);
      const invalid = await organiser.post('/admin/letters', { title: '' });
      assert.equal(invalid.statusCode, 422);
      assert.match(invalid.body, /Give the campaign a title/);
      const created = await organiser.post('/admin/letters', {
        title: 'Bus routes matter',
        slug: '',
        targetListId: String(mps.listId),
        brief: 'Write about your bus.',
        points: 'Which route you use\nWhat the cut would mean',
        subject: '',
        minOwnWords: '40',
        minOwnPercent: '50',
        reviewPolicy: 'hold',
        deliveryMode: 'digest',
        hourlyLimit: '3',
        followUp: '1',
      });
      assert.equal(created.statusCode, 303);
      const location = String(created.headers.location);
      const detail = await organiser.get(location);
      assert.match(detail.body, /Daily digest per target/);
      assert.equal(
        (await organiser.post(`${location}/status`, { action: 'open' })).statusCode,
        303,
      );
      const bus = await repo.findCampaignBySlug(ctx.db.kysely, 'bus-routes-matter');
      assert.equal(bus?.status, 'open');
      assert.equal((await viewer.post(`${location}/status`, { action: 'close' })).statusCode, 403);
      const viewed = await viewer.get(location);
      assert.equal(viewed.statusCode, 200);
      assert.doesNotMatch(viewed.body, /Open for letters|>Close</);
    });

    it('refuses a campaign form with a repeated field with a 400 that names it', async () => {
      const organiser = await loginAs(app, 'organiser');
      await organiser.get('/admin/letters/new');
      const res = await organiser.post('/admin/letters', { title: ['One', 'Two'] });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /In the form, title: /);
      await organiser.get(`/admin/letters/${campaign.id}/edit`);
      const status = await organiser.post(`/admin/letters/${campaign.id}/status`, {
        action: ['open', 'close'],
      });
      assert.equal(status.statusCode, 400);
      assert.match(status.body, /In the form, action: /);
    });

    it('refuses an unknown status action with a 400 and a message, changing nothing', async () => {
      const organiser = await loginAs(app, 'organiser');
      for (const action of ['publish', 'toString', '__proto__']) {
        await organiser.get(`/admin/letters/${campaign.id}`);
        const res = await organiser.post(`/admin/letters/${campaign.id}/status`, { action });
        assert.equal(res.statusCode, 400, `${action}: ${res.body.slice(0, 300)}`);
        assert.match(res.body, /Unknown action/, action);
      }
      assert.equal((await repo.findCampaign(ctx.db.kysely, campaign.id))?.status, 'open');
      assert.equal((await organiser.get('/admin/letters/abc/edit')).statusCode, 404);
      assert.equal((await organiser.get('/admin/letters/2147483648/edit')).statusCode, 404);
    });

    it('shows letters, statuses and the reply table; moderators decide on held letters', async () => {
      const held = await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
        write({ email: 'held@example.org', body: `${ownWords(45)} ${THIRD_PARTY_INSULT}` }),
      );
      assert.equal(held.res.statusCode, 200);
      const token = await tokenFromMail(app, 'letters.confirm', 'held@example.org');
      await held.client.get(`${path()}/confirm/${token}`);
      const confirmed = await held.client.post(`${path()}/confirm/${token}`);
      assert.match(confirmed.body, /A moderator will read your letter/);

      const moderator = await loginAs(app, 'moderator');
      const queue = await moderator.get('/admin/letters/held');
      assert.equal(queue.statusCode, 200);
      assert.ok(queue.body.includes(`<mark title="abuse">${THIRD_PARTY_INSULT_WORDS}</mark>`));
      const letter = (await repo.heldLetters(ctx.db.kysely, 10)).find(
        (l) => l.sender_email === 'held@example.org',
      );
      assert.ok(letter);
      const decided = await moderator.post(`/admin/letters/letter/${letter.id}/moderate`, {
        decision: 'approve',
        note: '',
      });
      assert.equal(decided.statusCode, 303);
      assert.equal((await repo.findLetter(ctx.db.kysely, letter.id))?.status, 'queued');
      const bad = await moderator.post(`/admin/letters/letter/${letter.id}/moderate`, {
        decision: 'maybe',
      });
      assert.equal(bad.statusCode, 303);
      await runJobs(app, new Date(Date.now() + 60 * 60 * 1000));

      const viewer = await loginAs(app, 'viewer');
      const detail = await viewer.get(`/admin/letters/${campaign.id}`);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /Replies by target/);
      assert.ok(detail.body.includes(mps.manchester.name));
      assert.match(detail.body, /badge badge-ok">Sent</);
      assert.equal((await viewer.get(`/admin/letters/letter/${letter.id}`)).statusCode, 403);
      const full = await moderator.get(`/admin/letters/letter/${letter.id}`);
      assert.equal(full.statusCode, 200);
      assert.ok(full.body.includes('held@example.org'));
      const filtered = await viewer.get(`/admin/letters/${campaign.id}?status=sent&page=99`);
      assert.equal(filtered.statusCode, 200);
      assert.equal((await viewer.get('/admin/letters/999999')).statusCode, 404);

      const organiser = await loginAs(app, 'organiser');
      await organiser.get(`/admin/letters/letter/${letter.id}`);
      const bounced = await organiser.post(`/admin/letters/letter/${letter.id}/bounced`, {
        note: '550 no such user',
      });
      assert.equal(bounced.statusCode, 303);
      const after = await repo.findLetter(ctx.db.kysely, letter.id);
      assert.equal(after?.status, 'bounced');
      assert.equal(after?.delivery_error, '550 no such user');
    });
  });
});
