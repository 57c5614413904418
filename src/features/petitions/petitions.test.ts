import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff, loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { createTarget, createTargetList } from '../targets/targets.service.js';
import { currentConsent, findPersonByEmail, listActivities } from '../people/people.service.js';
import { erasePerson, exportPersonData } from '../people/data-rights.service.js';
import { getOrCreateSecret } from '../../infra/db/settings.js';
import {
  FORM_SECRET_SETTING,
  checkFormToken,
  issueConfirmFormToken,
  issueFormToken,
} from './form-token.js';
import { renderPetitionMarkdown } from './petition-markdown.js';
import { ELIGIBILITY_MAX_BYTES, SIGNER_NAME_MAX_LENGTH } from './petitions.rules.js';
import { reconcile } from './petitions.service.js';
import { findCommentThread } from '../comments/comments.service.js';
import { seedPetitionsDemo } from './petitions.seed.js';
import { signatureEmailKey } from './signature-email.js';
import {
  confirmByButton,
  confirmationLink,
  readerToken,
  runJobs,
  sign,
  signatureForm,
  visitor,
} from './petitions.test-support.js';

describe('signature email key', () => {
  it('folds case, +tags, and dots for Gmail-style domains only', () => {
    assert.equal(signatureEmailKey(' A.Da+news@GMail.com '), 'ada@gmail.com');
    assert.equal(signatureEmailKey('a.d.a@googlemail.com'), 'ada@gmail.com');
    assert.equal(signatureEmailKey('a.da+x@example.org'), 'a.da@example.org');
    assert.equal(signatureEmailKey('not an email'), null);
  });
});

describe('petition markdown', () => {
  it('keeps the safe subset and turns HTML and script links into text', () => {
    const out = renderPetitionMarkdown(
      '**Save** it\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) https://example.org',
    ).value;
    assert.match(out, /<strong>Save<\/strong>/);
    assert.doesNotMatch(out, /<script/);
    assert.doesNotMatch(out, /href="javascript/);
    assert.match(out, /<a href="https:\/\/example.org" rel="nofollow noopener">/);
  });
});

describe('form token', () => {
  it('is refused when forged, too fresh or too old', () => {
    const now = Date.now();
    const good = issueFormToken('s', 1, now - 10_000);
    assert.equal(checkFormToken('s', 1, good, now).ok, true);
    assert.deepEqual(checkFormToken('s', 2, good, now), { ok: false, reason: 'invalid' });
    assert.deepEqual(checkFormToken('other', 1, good, now), { ok: false, reason: 'invalid' });
    assert.deepEqual(checkFormToken('s', 1, issueFormToken('s', 1, now), now), {
      ok: false,
      reason: 'too-fast',
    });
    assert.deepEqual(checkFormToken('s', 1, issueFormToken('s', 1, now - 2 * 86_400_000), now), {
      ok: false,
      reason: 'expired',
    });
  });
});

interface Created {
  id: number;
  slug: string;
}

async function createPetition(
  organiser: TestClient,
  fields: Record<string, string> = {},
  publish = true,
): Promise<Created> {
  await organiser.get('/admin/petitions/new');
  const res = await organiser.post('/admin/petitions', {
    kind: 'petition',
    title: 'Save the library',
    body: 'We ask the council to **keep it open**.',
    goal: '100',
    ...fields,
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 500));
  const id = Number(/\/admin\/petitions\/(\d+)/.exec(String(res.headers.location))?.[1]);
  await organiser.get(`/admin/petitions/${id}`);
  if (publish) {
    const pub = await organiser.post(`/admin/petitions/${id}/status`, { action: 'publish' });
    assert.equal(pub.statusCode, 303);
  }
  const row = await organiser.get(`/admin/petitions/${id}`);
  const slug = /\/p\/([a-z0-9-]+)/.exec(row.body)?.[1] ?? '';
  return { id, slug };
}

describeEachDatabase('petitions', (ctx) => {
  let app: FastifyInstance;
  const confirmFormToken = async (petitionId: number) =>
    issueConfirmFormToken(await getOrCreateSecret(ctx.db, FORM_SECRET_SETTING), petitionId);
  let organiser: TestClient;
  let slugCounter = 0;
  const fresh = (fields: Record<string, string> = {}, publish = true) =>
    createPetition(organiser, { slug: `petition-${++slugCounter}`, ...fields }, publish);

  before(async () => {
    await loadUkConstituencies(ctx.db);
    app = await createTestApp(ctx.db);
    organiser = await loginAs(app, 'organiser');
  });
  after(() => app.close());

  const verifiedByEmail = (petitionId: number) =>
    ctx.db.kysely
      .selectFrom('petition_signatures')
      .select(['email', 'verified'])
      .where('petition_id', '=', petitionId)
      .orderBy('email')
      .execute();

  async function count(slug: string): Promise<number> {
    app.petitions.counts.invalidate((await app.petitions.cache.snapshot(slug))?.petition.id ?? 0);
    const res = await app.inject(`/p/${slug}/count.json`);
    assert.equal(res.statusCode, 200);
    return res.json<{ count: number }>().count;
  }

  it('validates the organiser form and shows an empty state', async () => {
    const viewer = await loginAs(app, 'viewer');
    const list = await viewer.get('/admin/petitions');
    assert.equal(list.statusCode, 200);
    await organiser.get('/admin/petitions/new');
    const res = await organiser.post('/admin/petitions', {
      kind: 'petition',
      title: '',
      body: '',
      goal: 'lots',
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /Give it a title/);
    assert.match(res.body, /Write what you are asking for/);
    assert.match(res.body, /whole number of signatures/);
    const long = await organiser.post('/admin/petitions', {
      kind: 'petition',
      title: 'x'.repeat(151),
      body: 'b',
      goal: '5',
    });
    assert.equal(long.statusCode, 422);
    assert.match(long.body, /at most 150 characters/);
  });

  it('keeps drafts private and serves a published petition as a cacheable page', async () => {
    const draft = await fresh({ title: 'Draft one' }, false);
    assert.equal((await app.inject(`/p/${draft.slug}`)).statusCode, 404);
    const p = await fresh({ title: 'Fix the buses', body: 'Run the **number 9** again.' });
    const res = await app.inject(`/p/${p.slug}`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['cache-control']), /public, max-age=\d/);
    assert.equal(res.headers['set-cookie'], undefined, 'no cookies on the cached page');
    assert.match(res.body, /Fix the buses/);
    assert.match(res.body, /<strong>number 9<\/strong>/);
    assert.match(res.body, /<progress max="100" value="0"/);
    assert.match(res.body, /x\.com\/intent\/post/);
    assert.match(res.body, /wa\.me/);
    assert.match(res.body, /bsky\.app\/intent\/compose/);
    assert.match(res.body, /name="ft" value="\d{13}\./);
  });

  it('signs as pending, confirms through the mailed link and counts once', async () => {
    const p = await fresh();
    const signer = visitor(app);
    const res = await sign(app, p, { email: 'Ada.Lovelace@gmail.com' }, signer);
    assert.equal(res.statusCode, 200, res.body.slice(0, 400));
    assert.match(res.body, /Check your email/);
    assert.equal(await count(p.slug), 0, 'pending signatures are not counted');

    await runJobs(app);
    const link = await confirmationLink(app, 'ada.lovelace@gmail.com');
    assert.ok(link, 'a confirmation mail with a link is in the outbox');
    const confirmed = await confirmByButton(signer, link);
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /Your signature is confirmed/);
    assert.equal(await count(p.slug), 1);

    const again = await signer.get(new URL(link).pathname);
    assert.equal(again.statusCode, 200);
    assert.match(again.body, /already confirmed/);
    assert.equal(await count(p.slug), 1, 'a used link does not count again');

    // Gmail dot and +tag variants are the same person.
    for (const email of [
      'adalovelace@gmail.com',
      'a.d.a.lovelace+petition@googlemail.com',
      'ADA.LOVELACE@GMAIL.COM',
    ]) {
      const r = await sign(app, p, { email });
      assert.equal(r.statusCode, 200);
    }
    await runJobs(app);
    assert.equal(await count(p.slug), 1);
    const rows = await ctx.db.kysely
      .selectFrom('petition_signatures')
      .select('id')
      .where('petition_id', '=', p.id)
      .execute();
    assert.equal(rows.length, 1, 'one row per person');

    const bad = await signer.get(`/p/${p.slug}/confirm/not-a-real-token-at-all-xyz`);
    assert.equal(bad.statusCode, 404);
    assert.match(bad.body, /not valid/);
  });

  it('changes nothing when a mail scanner opens the link; the button confirms, once', async () => {
    const p = await fresh();
    const email = 'scanned@example.org';
    await sign(app, p, { email, consent: '1' });
    await runJobs(app);
    const link = (await confirmationLink(app, email)) ?? '';
    const path = new URL(link).pathname;
    const status = async () =>
      (
        await ctx.db.kysely
          .selectFrom('petition_signatures')
          .select('status')
          .where('petition_id', '=', p.id)
          .executeTakeFirstOrThrow()
      ).status;
    const person = await findPersonByEmail(ctx.db, email);
    assert.ok(person);

    // A scanner (no cookies, no JavaScript) fetching the link, even repeatedly.
    let shownToken = '';
    for (let i = 0; i < 2; i++) {
      const scanned = await app.inject({ method: 'GET', url: path });
      assert.equal(scanned.statusCode, 200);
      assert.match(scanned.body, new RegExp(`<form method="post" action="${path}"`));
      assert.match(scanned.body, /<button type="submit">Confirm my signature<\/button>/);
      assert.equal(scanned.headers['set-cookie'], undefined, 'the page needs no session');
      assert.equal(scanned.headers['cache-control'], 'no-store');
      shownToken = /name="ft" value="([^"]+)"/.exec(scanned.body)?.[1] ?? '';
    }
    assert.equal(await status(), 'pending');
    assert.equal(await count(p.slug), 0);
    assert.equal(await currentConsent(ctx.db, person.id, 'email'), null, 'no consent recorded');

    const signer = visitor(app);
    const first = await confirmByButton(signer, link);
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /Your signature is confirmed/);
    assert.equal(await status(), 'confirmed');
    assert.equal(await currentConsent(ctx.db, person.id, 'email'), 'granted');

    // Pressing twice (a double click, the back button) answers the same and counts once.
    const form = /name="ft" value="([^"]+)"/.exec((await signer.get(path)).body);
    assert.equal(form, null, 'a confirmed link shows the thank-you page, not the button');
    const page = await app.inject({ method: 'GET', url: path });
    assert.match(page.body, /already confirmed/);
    const again = await signer.post(path, { ft: shownToken });
    assert.equal(again.statusCode, 200);
    assert.match(again.body, /already confirmed/);
    assert.equal(await count(p.slug), 1);
    const grants = await ctx.db.kysely
      .selectFrom('consents')
      .select('id')
      .where('person_id', '=', person.id)
      .execute();
    assert.equal(grants.length, 1, 'consent is recorded once');
  });

  it('answers an unknown, replaced or forged confirmation with a clear 4xx page', async () => {
    const p = await fresh();
    const bad = `/p/${p.slug}/confirm/not-a-real-token-at-all-xyz`;
    const shown = await visitor(app).get(bad);
    assert.equal(shown.statusCode, 404);
    assert.match(shown.body, /not valid/);
    const pressed = await visitor(app).post(bad, { ft: await confirmFormToken(p.id) });
    assert.equal(pressed.statusCode, 404);
    assert.match(pressed.body, /not valid/);

    await sign(app, p, { email: 'forged@example.org' });
    await runJobs(app);
    const path = new URL((await confirmationLink(app, 'forged@example.org')) ?? '').pathname;
    for (const ft of ['', 'nonsense', await confirmFormToken(p.id + 1)]) {
      const res = await visitor(app).post(path, { ft });
      assert.equal(res.statusCode, 403, ft);
      assert.match(res.body, /press the button again/);
      assert.match(res.body, /<button type="submit">Confirm my signature<\/button>/);
    }
    const foreign = await visitor(app).post(
      path,
      { ft: await confirmFormToken(p.id) },
      { origin: 'https://evil.example' },
    );
    assert.equal(foreign.statusCode, 403);
    assert.equal(await count(p.slug), 0);
  });

  it('counts a look-alike email once: Cyrillic letters are refused, full-width digits fold', async () => {
    const p = await fresh();
    const signWith = async (email: string) => sign(app, p, { email });
    const original = await signWith('adam42@example.org');
    assert.equal(original.statusCode, 200);
    for (const lookAlike of [
      'adam42@ex\u0430mple.org', // Cyrillic а in the domain
      'a\u0501am42@example.org', // Cyrillic ԁ in the local part
      'ad\u0430m42@example.org', // Cyrillic а in the local part
    ]) {
      const res = await signWith(lookAlike);
      assert.equal(res.statusCode, 422, lookAlike);
      assert.match(res.body, /mixes letters from different alphabets/, lookAlike);
    }
    // Full-width digits are the same address once normalised: the original signer again.
    const fullWidth = await signWith('adam\uff14\uff12@example.org');
    assert.equal(fullWidth.statusCode, 200);
    await runJobs(app);
    const rows = await ctx.db.kysely
      .selectFrom('petition_signatures')
      .select(['email', 'email_key'])
      .where('petition_id', '=', p.id)
      .execute();
    assert.deepEqual(rows, [{ email: 'adam42@example.org', email_key: 'adam42@example.org' }]);
    await confirmByButton(visitor(app), (await confirmationLink(app, 'adam42@example.org')) ?? '');
    assert.equal(await count(p.slug), 1);
  });

  it('resends the confirmation to a pending signer, at most once per interval', async () => {
    const p = await fresh();
    const form = await signatureForm(app, p.id, { email: 'resend@example.org' });
    await visitor(app).post(`/p/${p.slug}/sign`, form);
    await visitor(app).post(`/p/${p.slug}/sign`, form);
    await runJobs(app);
    const mails = () =>
      ctx.db.kysely
        .selectFrom('mail_outbox')
        .select('id')
        .where('to_address', '=', 'resend@example.org')
        .execute();
    assert.equal((await mails()).length, 1, 'a second sign straight away sends nothing more');
    await ctx.db.kysely
      .updateTable('petition_signatures')
      .set({ last_mail_at: new Date(Date.now() - 11 * 60_000).toISOString() })
      .where('petition_id', '=', p.id)
      .execute();
    await visitor(app).post(`/p/${p.slug}/sign`, form);
    await runJobs(app);
    assert.equal((await mails()).length, 2);
    // Only the latest link works.
    const link = await confirmationLink(app, 'resend@example.org');
    assert.equal((await confirmByButton(visitor(app), link ?? '')).statusCode, 200);
    assert.equal(await count(p.slug), 1);
  });

  it('files the signer as a person and on their timeline, with consent only when ticked and confirmed', async () => {
    const p = await fresh({ title: 'Timeline petition' });
    await sign(app, p, {
      name: 'Grace Hopper',
      email: 'grace@example.org',
      consent: '1',
    });
    await sign(app, p, { name: 'Alan Turing', email: 'alan@example.org' });
    await runJobs(app);
    const grace = await findPersonByEmail(ctx.db, 'grace@example.org');
    const alan = await findPersonByEmail(ctx.db, 'alan@example.org');
    assert.ok(grace && alan);
    assert.equal(grace.firstName, 'Grace');
    assert.equal(grace.lastName, 'Hopper');
    assert.equal(
      await currentConsent(ctx.db, grace.id, 'email'),
      null,
      'a ticked box is not consent until the address is confirmed',
    );
    for (const email of ['grace@example.org', 'alan@example.org']) {
      const link = await confirmationLink(app, email);
      assert.equal((await confirmByButton(visitor(app), link ?? '')).statusCode, 200);
    }
    assert.equal(await currentConsent(ctx.db, grace.id, 'email'), 'granted');
    assert.equal(await currentConsent(ctx.db, alan.id, 'email'), null);
    const timeline = await listActivities(ctx.db, alan.id);
    assert.ok(timeline.some((a) => a.kind === 'signed' && /Timeline petition/.test(a.summary)));
  });

  it('answers every bad input with a 4xx and a message, never a 5xx', async () => {
    const p = await fresh();
    const post = async (form: Record<string, string>, headers: Record<string, string> = {}) =>
      visitor(app).post(`/p/${p.slug}/sign`, form, headers);
    const base = await signatureForm(app, p.id, { email: 'bad-input@example.org' });
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        'empty fields',
        { ft: base.ft as string, name: '', email: '', postcode: '' },
        /Enter your name[\s\S]*Enter your email[\s\S]*Enter your postcode/,
      ],
      [
        'a 10 KB name',
        { ...base, name: 'x'.repeat(10_240) },
        new RegExp(`at most ${SIGNER_NAME_MAX_LENGTH} characters`),
      ],
      ['a URL in the name', { ...base, name: 'Buy now https://spam.example' }, /web address/],
      ['a formula name', { ...base, name: '=HYPERLINK("x")' }, /cannot start with/],
      ['a name starting with @', { ...base, name: '@someone' }, /cannot start with/],
      ['an invalid email', { ...base, email: 'not-an-email' }, /valid email address/],
      ['an invalid postcode', { ...base, postcode: 'ZZZZZZZZ' }, /UK postcode/],
    ];
    for (const [label, form, message] of cases) {
      const res = await post(form);
      assert.equal(res.statusCode, 422, `${label}: ${res.statusCode}`);
      assert.match(res.body, message, label);
    }
    const noToken = await post({ ...base, ft: '' });
    assert.equal(noToken.statusCode, 403);
    assert.match(noToken.body, /expired/);
    const wrongToken = await post({ ...base, ft: `${Date.now() - 10_000}.${'A'.repeat(32)}` });
    assert.equal(wrongToken.statusCode, 403);
    const otherSite = await post(base, { origin: 'https://evil.example' });
    assert.equal(otherSite.statusCode, 403);
    assert.match(otherSite.body, /another site/);
    const tooFast = await post({ ...base, ft: issueFormToken(app.petitions.formSecret, p.id) });
    assert.equal(tooFast.statusCode, 422);
    assert.match(tooFast.body, /quicker than anyone/);
    const malformed = await app.inject({
      method: 'POST',
      url: `/p/${p.slug}/sign`,
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    assert.equal(malformed.statusCode, 400);
    const huge = await post({ ...base, answer: 'y'.repeat(20_000) });
    assert.equal(huge.statusCode, 413);
    const rows = await ctx.db.kysely
      .selectFrom('petition_signatures')
      .select('id')
      .where('petition_id', '=', p.id)
      .execute();
    assert.equal(rows.length, 0, 'nothing was stored');

    await organiser.get(`/admin/petitions/${p.id}`);
    await organiser.post(`/admin/petitions/${p.id}/status`, { action: 'close' });
    const closed = await post(await signatureForm(app, p.id));
    assert.equal(closed.statusCode, 410);
    assert.match(closed.body, /closed/);
  });

  it('drops honeypot submissions silently and flags disposable domains', async () => {
    const p = await fresh();
    const page = await visitor(app).get(`/p/${p.slug}`);
    assert.match(
      page.body,
      /<div class="pt-hp" aria-hidden="true">\s*<label for="website">Leave this empty<\/label>\s*<input\s+id="website"\s+name="website"\s+type="text"\s+tabindex="-1"/,
      'the trap is on the form, hidden from people and out of the tab order',
    );
    const bot = await sign(app, p, { website: 'http://x', email: 'bot@example.org' });
    assert.equal(bot.statusCode, 200);
    await sign(app, p, { email: 'throw@mailinator.com' });
    const rows = await ctx.db.kysely
      .selectFrom('petition_signatures')
      .select(['email', 'disposable'])
      .where('petition_id', '=', p.id)
      .execute();
    assert.deepEqual(rows, [{ email: 'throw@mailinator.com', disposable: 1 }]);
  });

  it('limits signatures per IP address', async () => {
    const p = await fresh();
    const same = visitor(app);
    let last = 0;
    for (let i = 0; i < 51; i++)
      last = (await sign(app, p, { email: `ip${i}@example.org` }, same)).statusCode;
    assert.equal(last, 429);
  });

  it('lets moderators invalidate a trending domain, keeping the count exact', async () => {
    const p = await fresh();
    for (const email of ['a@spam.example', 'b@spam.example', 'c@good.example']) {
      await sign(app, p, { email });
    }
    await runJobs(app);
    for (const email of ['a@spam.example', 'c@good.example'])
      await confirmByButton(visitor(app), (await confirmationLink(app, email)) ?? '');
    assert.equal(await count(p.slug), 2);
    const moderator = await loginAs(app, 'moderator');
    const report = await moderator.get(`/admin/petitions/${p.id}/report`);
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /spam\.example/);
    const res = await moderator.post(`/admin/petitions/${p.id}/invalidate`, {
      domain: 'spam.example',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(await count(p.slug), 1);
    assert.deepEqual((await reconcile(app.services)).mismatches, []);
  });

  it('serves open data and the live count', async () => {
    const p = await fresh({ title: 'Open data petition' });
    await sign(app, p, { email: 'od@example.org', postcode: 'LS28 5AB' });
    await runJobs(app);
    await confirmByButton(visitor(app), (await confirmationLink(app, 'od@example.org')) ?? '');
    app.petitions.counts.invalidate(p.id);
    const data = await app.inject(`/p/${p.slug}.json`);
    assert.equal(data.statusCode, 200);
    const body = data.json<{
      count: number;
      by_constituency: { name: string; count: number }[];
    }>();
    assert.equal(body.count, 1);
    assert.equal(body.by_constituency[0]?.name, 'Pudsey');
    const all = (await app.inject('/petitions.json')).json<{ petitions: { slug: string }[] }>();
    assert.ok(all.petitions.some((x) => x.slug === p.slug));
    assert.equal((await app.inject('/p/no-such-thing.json')).statusCode, 404);
    const index = await app.inject('/petitions');
    assert.match(index.body, /Open data petition/);

    const embed = await app.inject(`/p/${p.slug}/embed`);
    assert.equal(embed.statusCode, 200);
    assert.match(embed.body, /data-live-count>1</);
    assert.match(String(embed.headers['content-security-policy']), /frame-ancestors \*/);
    assert.equal(embed.headers['x-frame-options'], undefined);
    assert.equal(embed.headers['set-cookie'], undefined);
    const page = await app.inject(`/p/${p.slug}`);
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal((await app.inject('/p/no-such-thing/embed')).statusCode, 404);
  });

  it('streams the live count with the same open-data headers as count.json', async () => {
    const p = await fresh();
    const json = await app.inject(`/p/${p.slug}/count.json`);
    const stream = await app.inject({
      method: 'GET',
      url: `/p/${p.slug}/events`,
      headers: { origin: 'https://news.example' },
      payloadAsStream: true,
    });
    try {
      assert.equal(stream.statusCode, 200);
      assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
      for (const name of [
        'access-control-allow-origin',
        'cross-origin-resource-policy',
        'x-content-type-options',
      ]) {
        assert.ok(json.headers[name], `count.json sends ${name}`);
        assert.equal(stream.headers[name], json.headers[name], name);
      }
      assert.equal(stream.headers['content-security-policy'], undefined);
      assert.equal(stream.headers['cache-control'], 'no-store');
    } finally {
      stream.raw.res.destroy();
    }
  });

  it('reads the count from the database at most once a second however many ask', async () => {
    const p = await fresh();
    const before = app.petitions.counts.queries;
    await app.inject(`/p/${p.slug}/count.json`);
    await Promise.all(Array.from({ length: 50 }, () => app.inject(`/p/${p.slug}/count.json`)));
    assert.ok(app.petitions.counts.queries - before <= 1);
  });

  it('exports consent-aware, formula-safe CSV and a delivery page without emails', async () => {
    const p = await fresh({ customQuestion: 'Why?' });
    await sign(app, p, {
      name: 'Keen Person',
      email: 'keen@example.org',
      consent: '1',
      answer: '=1+2',
    });
    await sign(app, p, { name: 'Quiet Person', email: 'quiet@example.org' });
    const csv = await organiser.get(`/admin/petitions/${p.id}/signatures.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, /keen@example\.org/);
    assert.doesNotMatch(csv.body, /quiet@example\.org/, 'no email without consent');
    assert.match(csv.body, /'=1\+2/);
    const delivery = await organiser.get(`/admin/petitions/${p.id}/delivery`);
    assert.equal(delivery.statusCode, 200);
    assert.doesNotMatch(delivery.body, /@example\.org/);
  });

  it('checks eligibility against an uploaded list and marks signatures verified', async () => {
    const p = await fresh({ eligibility: 'membership_number', eligibilityLabel: 'Members only' });
    await organiser.get(`/admin/petitions/${p.id}`);
    const up = await organiser.post(`/admin/petitions/${p.id}/eligibility`, {
      list: 'M-1001\nm-1002\n',
    });
    assert.equal(up.statusCode, 303);
    const missing = await sign(app, p, { email: 'm0@example.org' });
    assert.equal(missing.statusCode, 422);
    assert.match(missing.body, /membership number/);
    await sign(app, p, { email: 'm1@example.org', membershipNumber: 'm-1002' });
    await sign(app, p, { email: 'm2@example.org', membershipNumber: 'X-9' });
    const rows = await verifiedByEmail(p.id);
    assert.deepEqual(rows, [
      { email: 'm1@example.org', verified: 1 },
      { email: 'm2@example.org', verified: 0 },
    ]);
  });

  it('takes the eligibility list as an uploaded CSV file, reading the named column', async () => {
    const p = await fresh({ eligibility: 'email', eligibilityLabel: 'Members only' });
    await organiser.get(`/admin/petitions/${p.id}`);
    const csv =
      '\uFEFFName;E-mail;Joined\nAda;Ada@Example.org;2020\nAlan;alan@example.org;2021\nBad;not-an-email;2022\n';
    const up = await organiser.postMultipart(
      `/admin/petitions/${p.id}/eligibility`,
      { list: 'grace@example.org' },
      { file: { filename: 'members.csv', content: csv } },
    );
    assert.equal(up.statusCode, 303, up.body.slice(0, 500));
    const page = await organiser.get(`/admin/petitions/${p.id}`);
    assert.ok(page.body.includes('Stored 3 entries; 1 line was not valid and skipped'));
    assert.ok(page.body.includes('against 3 entries'));
    await sign(app, p, { email: 'ada@example.org' });
    await sign(app, p, { email: 'mallory@example.org' });
    const rows = await verifiedByEmail(p.id);
    assert.deepEqual(rows, [
      { email: 'ada@example.org', verified: 1 },
      { email: 'mallory@example.org', verified: 0 },
    ]);

    await organiser.get(`/admin/petitions/${p.id}`);
    const unnamed = await organiser.postMultipart(
      `/admin/petitions/${p.id}/eligibility`,
      {},
      {
        file: { filename: 'members.csv', content: 'Ada,ada@example.org\nAlan,alan@example.org\n' },
      },
    );
    assert.equal(unnamed.statusCode, 422);
    assert.match(
      unnamed.body,
      /name the one to use (&quot;|&#34;)email(&quot;|&#34;) in its first row/,
    );
    const forged = await organiser.postMultipart(
      `/admin/petitions/${p.id}/eligibility`,
      { _csrf: 'forged' },
      { file: { filename: 'members.csv', content: 'email\nx@example.org\n' } },
    );
    assert.equal(forged.statusCode, 403);
    await organiser.get(`/admin/petitions/${p.id}`);
    const tooBig = await organiser.postMultipart(
      `/admin/petitions/${p.id}/eligibility`,
      {},
      { file: { filename: 'big.csv', content: Buffer.alloc(ELIGIBILITY_MAX_BYTES + 10, 'a') } },
    );
    assert.equal(tooBig.statusCode, 422);
    assert.ok(tooBig.body.includes('The file is too large'));
    assert.ok(
      (await organiser.get(`/admin/petitions/${p.id}`)).body.includes('against 3 entries'),
      'a refused upload leaves the list as it was',
    );
  });

  it("reaches signatures in a person's data export and erasure, keeping the count", async () => {
    const p = await fresh({ title: 'Erasure petition' });
    const email = 'erase.me@example.org';
    await sign(app, p, { name: 'Ursula Erasable', email, answer: '' });
    await runJobs(app);
    const link = await confirmationLink(app, email);
    await confirmByButton(visitor(app), link ?? '');
    const person = await findPersonByEmail(ctx.db, email);
    assert.ok(person);
    const owner = await createStaff(ctx.db, { role: 'owner' });
    const exported = await exportPersonData(app.services, person.id, {
      id: owner.id,
      role: 'owner',
    });
    assert.deepEqual(
      (exported.other.petitions as { petition: string; status: string; name: string }[]).map(
        (s) => [s.petition, s.status, s.name],
      ),
      [[p.slug, 'confirmed', 'Ursula Erasable']],
    );
    assert.equal(await count(p.slug), 1);

    await erasePerson(app.services, person.id, { id: owner.id, role: 'owner' });
    const left = await ctx.db.kysely
      .selectFrom('petition_signatures')
      .selectAll()
      .where('petition_id', '=', p.id)
      .execute();
    assert.equal(left.length, 1);
    const text = JSON.stringify(left);
    assert.ok(!/erase\.me|Ursula|Erasable/i.test(text), text);
    assert.equal(left[0]?.status, 'confirmed');
    assert.equal(await count(p.slug), 1, 'the count is unchanged');
    assert.deepEqual((await reconcile(app.services)).mismatches, []);
  });

  it('opens a discussion under a published petition, linked from its page', async () => {
    const draft = await fresh({ title: 'Discussed petition' }, false);
    assert.equal(await findCommentThread(ctx.db, `petition:${draft.id}`), undefined);
    await organiser.get(`/admin/petitions/${draft.id}`);
    await organiser.post(`/admin/petitions/${draft.id}/status`, { action: 'publish' });
    const thread = await findCommentThread(ctx.db, `petition:${draft.id}`);
    assert.ok(thread, 'publishing opens the thread');
    assert.equal(thread.title, 'Discussed petition');
    assert.equal(thread.url, `/p/${draft.slug}`);
    const page = await visitor(app).get(`/p/${draft.slug}`);
    assert.match(page.body, /<h2[^>]*>Discussion<\/h2>/);
    assert.ok(page.body.includes(`href="${thread.path}#form"`));
    const threadPage = await visitor(app).get(thread.path);
    assert.equal(threadPage.statusCode, 200);
    assert.ok(threadPage.body.includes(`href="/p/${draft.slug}"`), 'the thread links back');
  });

  it('shows targets from a target list and emails them the count and link', async () => {
    const list = await createTargetList(
      app.services,
      { name: 'Council', slug: 'council-pt', description: '' },
      null,
    );
    assert.ok(list.ok);
    const target = await createTarget(
      app.services,
      {
        listId: list.list.id,
        fields: { name: 'Cllr Jane Doe', role: 'Leader', email: 'jane.doe@council.example' },
      },
      null,
    );
    assert.ok(target.ok);
    const p = await fresh({
      title: 'Targeted petition',
      targetListId: String(list.list.id),
      targetIds: String(target.target.id),
    });
    const page = await app.inject(`/p/${p.slug}`);
    assert.match(page.body, /To:\s*<span>\s*Cllr Jane Doe/);
    await organiser.get(`/admin/petitions/${p.id}`);
    const sent = await organiser.post(`/admin/petitions/${p.id}/email-targets`, {});
    assert.equal(sent.statusCode, 303);
    const mail = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', 'jane.doe@council.example')
      .executeTakeFirstOrThrow();
    assert.match(mail.subject, /^0 people signed: Targeted petition/);
    assert.match(mail.text_body, new RegExp(`/p/${p.slug}`));
  });

  it('refuses a target list or target that does not exist, when creating and when editing', async () => {
    const list = await createTargetList(
      app.services,
      { name: 'Parish', slug: 'parish-pt', description: '' },
      null,
    );
    assert.ok(list.ok);
    const listId = String(list.list.id);
    const p = await fresh({}, false);
    const edited = async (fields: Record<string, string>) => {
      await organiser.get(`/admin/petitions/${p.id}/edit`);
      return organiser.post(`/admin/petitions/${p.id}`, {
        kind: 'petition',
        title: 'Save the library',
        slug: p.slug,
        body: 'We ask the council to **keep it open**.',
        goal: '100',
        ...fields,
      });
    };
    const created = async (fields: Record<string, string>) => {
      await organiser.get('/admin/petitions/new');
      return organiser.post('/admin/petitions', {
        kind: 'petition',
        title: 'Unsaved petition',
        body: 'Never stored.',
        goal: '100',
        ...fields,
      });
    };
    for (const save of [created, edited]) {
      const noList = await save({ targetListId: '999999' });
      assert.equal(noList.statusCode, 422, noList.body.slice(0, 300));
      assert.match(noList.body, /Choose a target list that exists/);
      const noTarget = await save({ targetListId: listId, targetIds: '999999' });
      assert.equal(noTarget.statusCode, 422, noTarget.body.slice(0, 300));
      assert.match(noTarget.body, /One of the chosen targets is no longer in that list/);
    }
    const stored = await ctx.db.kysely
      .selectFrom('petitions')
      .select(['title', 'target_list_id'])
      .where('title', '=', 'Unsaved petition')
      .execute();
    assert.deepEqual(stored, []);
  });

  it('refuses an unknown action, or one named after an inherited property, with a 400 and a message', async () => {
    const p = await fresh({}, false);
    for (const action of [
      'archive',
      '',
      'toString',
      '__proto__',
      'constructor',
      'valueOf',
      'hasOwnProperty',
    ]) {
      await organiser.get(`/admin/petitions/${p.id}`);
      const res = await organiser.post(`/admin/petitions/${p.id}/status`, { action });
      assert.equal(res.statusCode, 400, `${action}: ${res.body.slice(0, 300)}`);
      assert.match(res.body, /Unknown action/, action);
    }
    assert.match((await organiser.get(`/admin/petitions/${p.id}`)).body, /Draft/);
  });

  it('answers a repeated admin form field with a 400 that names it, and an id no petition can have with 404', async () => {
    await organiser.get('/admin/petitions/new');
    const repeated = await organiser.post('/admin/petitions', {
      kind: 'petition',
      title: ['Save the library', 'Close the library'],
      body: 'b',
      goal: '5',
    });
    assert.equal(repeated.statusCode, 400, repeated.body.slice(0, 300));
    assert.match(repeated.body, /title: /);

    const p = await fresh();
    await organiser.get(`/admin/petitions/${p.id}/report`);
    const twoIps = await organiser.post(`/admin/petitions/${p.id}/invalidate`, {
      ip: ['192.0.2.1', '192.0.2.2'],
    });
    assert.equal(twoIps.statusCode, 400, twoIps.body.slice(0, 300));
    assert.match(twoIps.body, /ip: /);
    const twoPages = await organiser.get(`/admin/petitions/${p.id}/delivery?page=1&page=2`);
    assert.equal(twoPages.statusCode, 400);

    for (const id of ['2147483648', '99999999999', '01', '-1', '1e3'])
      for (const path of ['', '/edit', '/report', '/delivery', '/signatures.csv']) {
        const res = await organiser.get(`/admin/petitions/${id}${path}`);
        assert.equal(res.statusCode, 404, `${id}${path}: ${res.statusCode}`);
      }
    await organiser.get(`/admin/petitions/${p.id}`);
    const status = await organiser.post('/admin/petitions/2147483648/status', {
      action: 'publish',
    });
    assert.equal(status.statusCode, 404);
    const upload = await organiser.postMultipart(
      '/admin/petitions/2147483648/eligibility',
      {},
      { file: { filename: 'list.csv', content: 'a@example.org\n' } },
    );
    assert.equal(upload.statusCode, 404);
  });

  it('answers a repeated sign or confirm field with a 400 that names it, and stores nothing', async () => {
    const p = await fresh();
    const signer = visitor(app);
    const form = await signatureForm(app, p.id, { email: 'twice@example.org' });
    const repeated = await signer.post(`/p/${p.slug}/sign`, {
      ...form,
      name: ['Ada Lovelace', 'Charles Babbage'],
    });
    assert.equal(repeated.statusCode, 400, repeated.body.slice(0, 300));
    assert.match(repeated.body, /name: /);
    await runJobs(app);
    assert.equal(await confirmationLink(app, 'twice@example.org'), undefined, 'nothing stored');

    await signer.post(`/p/${p.slug}/sign`, form);
    await runJobs(app);
    const link = (await confirmationLink(app, 'twice@example.org')) ?? '';
    const ft = await confirmFormToken(p.id);
    const twoTokens = await signer.post(new URL(link).pathname, { ft: [ft, ft] });
    assert.equal(twoTokens.statusCode, 400, twoTokens.body.slice(0, 300));
    assert.match(twoTokens.body, /ft: /);
    assert.equal(await count(p.slug), 0, 'not confirmed');
  });

  it('guards the admin pages by role', async () => {
    const p = await fresh();
    const viewer = await loginAs(app, 'viewer');
    assert.equal((await viewer.get(`/admin/petitions/${p.id}`)).statusCode, 200);
    assert.equal((await viewer.get('/admin/petitions/new')).statusCode, 403);
    assert.equal((await viewer.get(`/admin/petitions/${p.id}/report`)).statusCode, 403);
    assert.equal((await viewer.get(`/admin/petitions/${p.id}/signatures.csv`)).statusCode, 403);
    const anon = await app.inject({ url: '/admin/petitions', headers: { accept: 'text/html' } });
    assert.equal(anon.statusCode, 302);
    assert.equal((await organiser.get('/admin/petitions/999999')).statusCode, 404);
    const rec = await organiser.post('/admin/petitions/reconcile', {});
    assert.equal(rec.statusCode, 200);
    assert.match(rec.body, /counts match/);
  });

  it('tells a reader a token issued by this app is accepted', async () => {
    const p = await fresh();
    const t = await readerToken(app, p.id);
    assert.equal(checkFormToken(app.petitions.formSecret, p.id, t).ok, true);
  });
});

describeEachDatabase('petitions demo seed', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('seeds an open petition with confirmed signatures and an open letter', async () => {
    await seedPetitionsDemo(app.services);
    const page = await app.inject('/p/keep-our-libraries-open');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-live-count>8</);
    assert.equal((await app.inject('/p/safe-routes-to-school')).statusCode, 200);
    const all = (await app.inject('/petitions.json')).json<{ petitions: unknown[] }>();
    assert.equal(all.petitions.length, 2);
    assert.deepEqual((await reconcile(app.services)).mismatches, []);
  });
});
