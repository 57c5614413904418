import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { THREAT, THREAT_LABEL, THREAT_WORDS } from '../../../test/helpers/civility.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff, loginAs } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { Worker } from '../../infra/jobs/worker.js';
import { erasePerson, exportPersonData } from '../people/data-rights.service.js';
import { findPersonByEmail, listActivities, listConsentHistory } from '../people/people.service.js';
import { createTarget, createTargetList } from '../targets/targets.service.js';
import { isoToLondonInput, londonInputToIso } from '../../infra/clock/london-time.js';
import { CONFIRM_MAIL_CATEGORY, confirmPost, recordPost } from './posting.service.js';
import { stormReport, timeCurve } from './storms.report.js';
import { MAX_VARIANTS, type StormForm, VARIANT_MAX_LENGTH } from './storms.rules.js';
import { CHECKS_PER_IP_PER_WINDOW, POSTS_PER_IP_PER_WINDOW } from './storms.runtime.js';
import { changeStatus, createStorm, phaseOf, updateStorm } from './storms.service.js';
import { seedStormsDemo } from './storms.seed.js';
import {
  composePost,
  normaliseHashtag,
  normaliseInstance,
  parseHandle,
  postLength,
} from './storm-text.js';
import {
  MIN_FILL_MS,
  checkConfirmToken,
  checkFormToken,
  issueConfirmToken,
  issueFormToken,
  participantKey,
} from './storm-tokens.js';

/** Blocked by the guard's threat rule, whatever the trained model scores it. */
const ABUSIVE = `Keep the library open. ${THREAT}`;
const VARIANTS = [
  'Libraries are where children learn to read. Fund every public library so none has to close.',
  'My local library is a warm room, free books and a friendly face. Keep it open.',
  'Every library that closes takes books and computers away from our community.',
];

const minutesFromNow = (m: number) =>
  isoToLondonInput(new Date(Date.now() + m * 60_000).toISOString());

/** A valid organiser form for a storm happening now, with any field replaced. */
function liveForm(fields: Partial<StormForm> = {}): StormForm {
  return {
    title: 'Save our libraries',
    slug: '',
    description: 'We post together so MPs cannot miss it.',
    startsAt: minutesFromNow(-10),
    endsAt: minutesFromNow(60),
    hashtag: '#SaveOurLibraries',
    linkUrl: 'https://example.org/petition',
    targetListId: '',
    targetIds: [],
    handles: '',
    variants: VARIANTS,
    ...fields,
  };
}

describe('storm text', () => {
  const parts = {
    hashtag: 'SaveOurLibraries',
    link: 'https://example.org/p',
    mentions: {
      x: ['@LibMin'],
      bluesky: ['@libmin.bsky.social'],
      mastodon: ['@lib@mastodon.social'],
    },
  };

  it('adds what each platform needs, once', () => {
    assert.equal(
      composePost('Keep them open.', parts, 'x'),
      'Keep them open. @LibMin #SaveOurLibraries https://example.org/p',
    );
    assert.equal(
      composePost('Keep them open @libmin #saveourlibraries https://example.org/p', parts, 'x'),
      'Keep them open @libmin #saveourlibraries https://example.org/p',
    );
    assert.equal(
      composePost('Open!', parts, 'bluesky'),
      'Open! @libmin.bsky.social #SaveOurLibraries https://example.org/p',
    );
  });

  it('counts as each platform does', () => {
    const link = `https://example.org/${'a'.repeat(80)}`;
    assert.equal(postLength(`Hi ${link}`, 'x'), 3 + 23);
    assert.equal(postLength(`Hi ${link}`, 'bluesky'), 3 + link.length);
    assert.equal(postLength(`Hi ${link}`, 'mastodon'), 3 + 23);
    assert.equal(postLength('日本', 'x'), 4, 'CJK counts double on X');
    assert.equal(postLength('👍🏽!', 'x'), 3, 'an emoji counts 2 on X');
    assert.equal(postLength('👍🏽!', 'bluesky'), 2, 'Bluesky counts graphemes');
    assert.equal(postLength('hi @someone@mastodon.social', 'mastodon'), 'hi @someone'.length);
  });

  it('reads hashtags, handles and Mastodon servers', () => {
    assert.equal(normaliseHashtag('#SaveOurLibraries'), 'SaveOurLibraries');
    assert.equal(normaliseHashtag('Save Our Libraries'), null);
    assert.equal(normaliseHashtag('#2025'), null);
    assert.equal(normaliseHashtag(`#${'a'.repeat(61)}`), null);
    assert.deepEqual(parseHandle('@Lucy_Powell'), { platform: 'x', mention: '@Lucy_Powell' });
    assert.deepEqual(parseHandle('Lucy.bsky.social'), {
      platform: 'bluesky',
      mention: '@lucy.bsky.social',
    });
    assert.deepEqual(parseHandle('@lucy@Mastodon.Social'), {
      platform: 'mastodon',
      mention: '@lucy@mastodon.social',
    });
    assert.equal(parseHandle('not a handle'), null);
    assert.equal(parseHandle('@waytoolongforxhandles'), null);
    assert.equal(normaliseInstance('https://Mastodon.Social/'), 'mastodon.social');
    assert.equal(normaliseInstance('@me@fosstodon.org'), 'fosstodon.org');
    for (const bad of ['localhost', '127.0.0.1', 'evil.com/path', 'evil.com:8080', 'a b.org', ''])
      assert.equal(normaliseInstance(bad), null, bad);
  });
});

describe('storm times', () => {
  it('reads UK time, summer and winter, and refuses times the clocks skip', () => {
    assert.deepEqual(londonInputToIso('2025-06-12T19:00'), {
      ok: true,
      iso: '2025-06-12T18:00:00.000Z',
    });
    assert.deepEqual(londonInputToIso('2025-01-12T19:00'), {
      ok: true,
      iso: '2025-01-12T19:00:00.000Z',
    });
    assert.deepEqual(londonInputToIso('2025-03-30T01:30'), { ok: false, reason: 'nonexistent' });
    assert.deepEqual(londonInputToIso('2025-02-30T10:00'), { ok: false, reason: 'format' });
    assert.equal(isoToLondonInput('2025-06-12T18:00:00.000Z'), '2025-06-12T19:00');
  });
});

describe('storm tokens', () => {
  it('refuses forged, too fresh and too old form tokens', () => {
    const now = Date.now();
    assert.deepEqual(checkFormToken('s', 1, issueFormToken('s', 1, now - 10_000), now), {
      ok: true,
    });
    assert.deepEqual(checkFormToken('s', 2, issueFormToken('s', 1, now - 10_000), now), {
      ok: false,
      reason: 'invalid',
    });
    assert.deepEqual(checkFormToken('s', 1, issueFormToken('s', 1, now), now), {
      ok: false,
      reason: 'too-fast',
    });
    assert.deepEqual(checkFormToken('s', 1, issueFormToken('s', 1, now - 2 * 86_400_000), now), {
      ok: false,
      reason: 'expired',
    });
  });

  it('confirms only the post a link was issued for', () => {
    const token = issueConfirmToken('s', 42);
    assert.equal(checkConfirmToken('s', token), 42);
    assert.equal(checkConfirmToken('other', token), null);
    assert.equal(checkConfirmToken('s', token.replace(/^42/, '43')), null);
  });

  it('keys participants by browser id, else by network', () => {
    const a = participantKey('s', 1, { browserId: 'a'.repeat(32), ip: '1.1.1.1', userAgent: 'x' });
    const b = participantKey('s', 1, { browserId: 'a'.repeat(32), ip: '2.2.2.2', userAgent: 'y' });
    const c = participantKey('s', 1, { ip: '1.1.1.1', userAgent: 'x' });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.notEqual(
      a,
      participantKey('s', 2, { browserId: 'a'.repeat(32), ip: '', userAgent: '' }),
    );
  });
});

describe('storm time curve', () => {
  it('uses minutes for an hour and wider buckets for longer storms', () => {
    const start = '2025-06-12T18:00:00.000Z';
    const m0 = Date.parse(start) / 60_000;
    const hour = timeCurve(start, '2025-06-12T19:00:00.000Z', [
      { minute: m0, posts: 3 },
      { minute: m0 + 59, posts: 1 },
    ]);
    assert.equal(hour.bucketMinutes, 1);
    assert.equal(hour.buckets.length, 60);
    assert.equal(hour.buckets[0]?.posts, 3);
    assert.equal(hour.buckets[59]?.posts, 1);
    const day = timeCurve(start, '2025-06-13T18:00:00.000Z', [
      { minute: m0 + 14, posts: 2 },
      { minute: m0 + 15, posts: 5 },
    ]);
    assert.equal(day.bucketMinutes, 15);
    assert.equal(day.buckets.length, 96);
    assert.deepEqual(
      day.buckets.slice(0, 2).map((b) => b.posts),
      [2, 5],
    );
    const late = timeCurve(start, '2025-06-12T19:00:00.000Z', [{ minute: m0 + 70, posts: 4 }]);
    assert.equal(late.buckets.length, 71, 'posts in the grace time after the end are shown');
  });
});

describeEachDatabase('storms service', (ctx) => {
  let app: FastifyInstance;
  let n = 0;
  const services = () => app.services;
  const context = () => app.services;
  const form = (fields: Partial<StormForm> = {}) => liveForm({ slug: `storm-${++n}`, ...fields });

  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('validates the hashtag, the times, the link and the suggestions', async () => {
    const result = await createStorm(
      context(),
      form({
        hashtag: 'two words',
        startsAt: minutesFromNow(60),
        endsAt: minutesFromNow(30),
        linkUrl: 'javascript:alert(1)',
        variants: ['x'.repeat(VARIANT_MAX_LENGTH + 1)],
        handles: 'not a handle',
      }),
      null,
    );
    assert.ok(!result.ok);
    assert.match(result.errors.hashtag ?? '', /letters, digits or underscores/);
    assert.match(result.errors.endsAt ?? '', /after the start/);
    assert.match(result.errors.linkUrl ?? '', /web address/);
    assert.match(result.errors['variant-1'] ?? '', /at most 500 characters/);
    assert.match(result.errors.handles ?? '', /not a handle/);
    const none = await createStorm(context(), form({ variants: [] }), null);
    assert.ok(!none.ok);
    assert.match(none.errors.variants ?? '', /at least one/);
    const many = await createStorm(
      context(),
      form({ variants: Array.from({ length: MAX_VARIANTS + 1 }, (_, i) => `Suggestion ${i}`) }),
      null,
    );
    assert.ok(!many.ok);
    assert.match(many.errors.variants ?? '', /at most 10/);
  });

  it('blocks an abusive suggestion with the guard, and says where', async () => {
    const result = await createStorm(
      context(),
      form({ variants: [VARIANTS[0] ?? '', ABUSIVE] }),
      null,
    );
    assert.ok(!result.ok);
    assert.match(result.errors['variant-2'] ?? '', /civility guard/);
    const flagged = result.flagged.find((f) => f.field === 'variant-2');
    assert.ok(flagged);
    assert.ok(flagged.assessment.spans.some((s) => s.text === THREAT_WORDS));
    assert.equal(result.errors['variant-1'], undefined);
  });

  it('refuses a suggestion that no longer fits X once the handles are added', async () => {
    const handles = Array.from({ length: 12 }, (_, i) => `@MemberNo${i}`).join('\n');
    const result = await createStorm(
      context(),
      form({ handles, variants: ['a'.repeat(200)] }),
      null,
    );
    assert.ok(!result.ok);
    assert.match(result.errors['variant-1'] ?? '', /too long for X \(Twitter\)/);
  });

  it('takes targets from the directory with their handles', async () => {
    const list = await createTargetList(context(), { slug: `mps-${n}`, name: 'MPs' }, null);
    assert.ok(list.ok);
    const mp = await createTarget(
      context(),
      {
        listId: list.list.id,
        fields: { name: 'Ada Member', twitter: '@AdaMP', bluesky: 'ada.bsky.social' },
      },
      null,
    );
    assert.ok(mp.ok);
    const result = await createStorm(
      context(),
      form({
        targetListId: String(list.list.id),
        targetIds: [String(mp.target.id)],
        handles: '@other@mastodon.social',
      }),
      null,
    );
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    await changeStatus(context(), { storm: result.record, action: 'publish' }, null);
    const snapshot = await app.storms.cache.snapshot(result.record.slug);
    assert.deepEqual(snapshot?.parts.mentions, {
      x: ['@AdaMP'],
      bluesky: ['@ada.bsky.social'],
      mastodon: ['@other@mastodon.social'],
    });
    const wrong = await createStorm(
      context(),
      form({ targetListId: String(list.list.id), targetIds: ['999999'] }),
      null,
    );
    assert.ok(!wrong.ok);
    assert.match(wrong.errors.targetIds ?? '', /not in that list/);
  });

  it('counts posts by suggestion and platform, people once, and buckets them by minute', async () => {
    const created = await createStorm(context(), form(), null);
    assert.ok(created.ok);
    await changeStatus(context(), { storm: created.record, action: 'publish' }, null);
    const storm = created.record;
    const start = Date.parse(storm.starts_at);
    const post = (variant: number, platform: string, who: string, at: number, text = '') =>
      recordPost(
        services(),
        storm,
        {
          variant: String(variant),
          platform,
          text,
          email: '',
          consent: false,
          participantKey: who,
        },
        'secret',
        at,
      );
    assert.ok((await post(1, 'x', 'a', start + 30_000)).ok);
    assert.ok((await post(1, 'bluesky', 'a', start + 40_000)).ok);
    assert.ok((await post(2, 'x', 'b', start + 5 * 60_000)).ok);
    assert.ok(
      (
        await post(
          3,
          'mastodon',
          'c',
          start + 5 * 60_000,
          'Thank you for keeping the library open.',
        )
      ).ok,
    );
    const abusive = await post(1, 'x', 'd', start + 6 * 60_000, ABUSIVE);
    assert.ok(!abusive.ok);
    assert.equal(abusive.assessment?.decision, 'block');
    assert.ok(!(await post(9, 'x', 'd', start)).ok, 'unknown suggestion');
    assert.ok(!(await post(1, 'myspace', 'd', start)).ok, 'unknown platform');

    const report = await stormReport(ctx.db, storm);
    assert.equal(report.posts, 4);
    assert.equal(report.participants, 3);
    assert.deepEqual(
      report.byVariant.map((v) => [v.variant, v.posts, v.edited]),
      [
        [1, 2, 0],
        [2, 1, 0],
        [3, 1, 1],
      ],
    );
    assert.deepEqual(
      report.byPlatform.map((p) => [p.platform, p.posts]),
      [
        ['x', 2],
        ['bluesky', 1],
        ['mastodon', 1],
        ['facebook', 0],
      ],
    );
    assert.equal(report.curve.bucketMinutes, 1);
    assert.equal(report.curve.buckets[0]?.posts, 2);
    assert.equal(report.curve.buckets[5]?.posts, 2);
  });

  it('adds a confirmed supporter to the people list, with consent only when ticked, and erases them', async () => {
    const created = await createStorm(context(), form(), null);
    assert.ok(created.ok);
    await changeStatus(context(), { storm: created.record, action: 'publish' }, null);
    const storm = created.record;
    const send = (email: string, consent: boolean) =>
      recordPost(
        services(),
        storm,
        { variant: '1', platform: 'x', text: '', email, consent, participantKey: email },
        'secret',
      );
    const bad = await send('not-an-email', true);
    assert.ok(!bad.ok);
    const yes = await send('Rosa@Example.org', true);
    const no = await send('sam@example.org', false);
    assert.ok(yes.ok && yes.mailed && no.ok && no.mailed);
    const again = await send('rosa@example.org', true);
    assert.ok(again.ok && !again.mailed, 'one confirmation mail per address per hour');
    assert.equal(
      await findPersonByEmail(ctx.db, 'rosa@example.org'),
      undefined,
      'not before confirming',
    );

    assert.equal(await confirmPost(services(), storm, yes.postId), 'confirmed');
    assert.equal(await confirmPost(services(), storm, yes.postId), 'already');
    assert.equal(await confirmPost(services(), storm, no.postId), 'confirmed');
    const rosa = await findPersonByEmail(ctx.db, 'rosa@example.org');
    const sam = await findPersonByEmail(ctx.db, 'sam@example.org');
    assert.ok(rosa && sam);
    assert.deepEqual(
      (await listConsentHistory(ctx.db, rosa.id)).map((c) => [c.channel, c.status, c.source]),
      [['email', 'granted', `storm:${storm.slug}`]],
    );
    assert.deepEqual(await listConsentHistory(ctx.db, sam.id), []);
    const timeline = await listActivities(ctx.db, sam.id);
    assert.ok(timeline.some((a) => a.kind === 'storm' && /X \(Twitter\)/.test(a.summary)));

    const owner = await createStaff(ctx.db, { role: 'owner' });
    const exported = await exportPersonData(app.services, rosa.id, { id: owner.id, role: 'owner' });
    const posts = exported.other.storms as { storm: string; platform: string }[];
    assert.ok(posts.length >= 1 && posts.every((p) => p.storm === storm.slug));
    await erasePerson(app.services, rosa.id, { id: owner.id, role: 'owner' });
    const rows = await ctx.db.kysely
      .selectFrom('storm_posts')
      .selectAll()
      .where('storm_id', '=', storm.id)
      .execute();
    assert.ok(!/rosa/i.test(JSON.stringify(rows)), JSON.stringify(rows));
    assert.equal(rows.length, 3, 'erased posts still count');
  });

  it('keeps a published address, and says whether a storm is upcoming, live or over', async () => {
    const created = await createStorm(
      context(),
      form({ startsAt: minutesFromNow(120), endsAt: minutesFromNow(180) }),
      null,
    );
    assert.ok(created.ok);
    assert.equal(phaseOf(created.record), 'upcoming');
    await changeStatus(context(), { storm: created.record, action: 'publish' }, null);
    const published = { ...created.record, status: 'published' as const };
    const moved = await updateStorm(
      context(),
      { storm: published, form: form({ slug: 'elsewhere' }) },
      null,
    );
    assert.ok(!moved.ok);
    assert.match(moved.errors.slug ?? '', /cannot change/);
    assert.equal(phaseOf(created.record, Date.parse(created.record.starts_at) + 1), 'live');
    assert.equal(phaseOf(created.record, Date.parse(created.record.ends_at)), 'ended');
  });

  it('seeds the demo storms, with a past one that has a report', async () => {
    await seedStormsDemo(app.services);
    const storms = await ctx.db.kysely
      .selectFrom('storms')
      .selectAll()
      .where('slug', 'in', ['save-our-libraries', 'library-week-storm'])
      .orderBy('slug')
      .execute();
    assert.equal(storms.length, 2);
    assert.ok(storms.every((s) => s.status === 'published'));
    const past = storms.find((s) => s.slug === 'library-week-storm');
    assert.ok(past);
    const report = await stormReport(ctx.db, past);
    assert.ok(report.posts > 50);
    assert.ok((report.curve.buckets[0]?.posts ?? 0) > (report.curve.buckets[50]?.posts ?? 0));
  });
});

describeEachDatabase('storms over HTTP', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  let n = 0;
  let ip = 0;
  const visitor = () => new TestClient(app, { remoteAddress: `198.51.100.${++ip}` });

  /** Creates (and publishes) a storm through the organiser's form; returns id and slug. */
  async function createThroughForm(fields: Record<string, string | string[]> = {}, publish = true) {
    const slug = `http-storm-${++n}`;
    const f = liveForm();
    await organiser.get('/admin/storms/new');
    const res = await organiser.post('/admin/storms', {
      title: f.title,
      slug,
      description: f.description,
      startsAt: f.startsAt,
      endsAt: f.endsAt,
      hashtag: f.hashtag,
      linkUrl: f.linkUrl,
      handles: '@LibMinister',
      variants: [...f.variants, ''],
      ...fields,
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 800));
    const id = Number(/\/admin\/storms\/(\d+)/.exec(String(res.headers.location))?.[1]);
    await organiser.get(`/admin/storms/${id}`);
    if (publish) {
      const pub = await organiser.post(`/admin/storms/${id}/status`, { action: 'publish' });
      assert.equal(pub.statusCode, 303);
    }
    return { id, slug };
  }

  async function readerToken(stormId: number) {
    return issueFormToken(app.storms.secret, stormId, Date.now() - MIN_FILL_MS - 1000);
  }

  /** Says "I posted" with an email address; returns the path of the mailed confirmation link. */
  async function postWithEmail(storm: { id: number; slug: string }, email: string) {
    const res = await visitor().post(`/storms/${storm.slug}/posted`, {
      ft: await readerToken(storm.id),
      variant: '1',
      text: VARIANTS[0] ?? '',
      platform: 'x',
      email,
      consent: '1',
    });
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    return confirmPathMailedTo(email);
  }

  /** The path of the confirmation link in the latest mail to `email`. */
  async function confirmPathMailedTo(email: string) {
    const mail = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', email)
      .where('category', '=', CONFIRM_MAIL_CATEGORY)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const link = /https?:\/\/\S+\/confirm\/\S+/.exec(mail.text_body)?.[0];
    assert.ok(link, `a confirmation link in the mail to ${email}`);
    return new URL(link).pathname;
  }

  /** Opens a confirmation link and presses its button, as a person does. */
  async function confirmByButton(client: TestClient, path: string) {
    const page = await client.get(path);
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
    return action ? client.post(action) : page;
  }

  before(async () => {
    app = await createTestApp(ctx.db);
    organiser = await loginAs(app, 'organiser');
  });
  after(() => app.close());

  it('refuses an action named after an inherited property with a 400 and a message', async () => {
    const { id } = await createThroughForm({}, false);
    for (const action of ['toString', '__proto__', 'constructor', 'valueOf', 'hasOwnProperty']) {
      await organiser.get(`/admin/storms/${id}`);
      const res = await organiser.post(`/admin/storms/${id}/status`, { action });
      assert.equal(res.statusCode, 400, `${action}: ${res.body.slice(0, 300)}`);
      assert.match(res.body, /Unknown action/, action);
    }
  });

  it('answers a repeated field with a 400 naming it and a malformed id with 404, never a 500', async () => {
    const { id, slug } = await createThroughForm();
    await organiser.get(`/admin/storms/${id}/edit`);
    const edit = await organiser.post(`/admin/storms/${id}`, { ...liveForm(), title: ['a', 'b'] });
    assert.equal(edit.statusCode, 400, edit.body.slice(0, 300));
    assert.match(edit.body, /title/);
    for (const url of [
      '/admin/storms/abc',
      '/admin/storms/2147483648/edit',
      '/admin/storms/0/report',
    ])
      assert.equal((await organiser.get(url)).statusCode, 404, url);
    const variants = await app.inject(`/storms/${slug}?variant=1&variant=2`);
    assert.equal(variants.statusCode, 400);
    assert.match(variants.body, /variant/);
    const posted = await visitor().post(`/storms/${slug}/posted`, {
      ft: await readerToken(id),
      variant: '1',
      platform: ['x', 'bluesky'],
    });
    assert.equal(posted.statusCode, 400);
    assert.match(posted.body, /platform/);
  });

  it('lets viewers read, organisers edit, and sends anonymous visitors to log in', async () => {
    const { id } = await createThroughForm();
    const viewer = await loginAs(app, 'viewer');
    for (const url of ['/admin/storms', `/admin/storms/${id}`, `/admin/storms/${id}/report`])
      assert.equal((await viewer.get(url)).statusCode, 200, url);
    assert.doesNotMatch((await viewer.get('/admin/storms')).body, /New storm/);
    assert.equal((await viewer.get('/admin/storms/new')).statusCode, 403);
    assert.equal((await viewer.get(`/admin/storms/${id}/edit`)).statusCode, 403);
    await viewer.get('/admin/storms');
    assert.equal((await viewer.post('/admin/storms', { title: 'x' })).statusCode, 403);
    assert.equal(
      (await viewer.post(`/admin/storms/${id}/status`, { action: 'unpublish' })).statusCode,
      403,
    );
    const anonymous = await new TestClient(app).get('/admin/storms');
    assert.equal(anonymous.statusCode, 302);
    assert.match(String(anonymous.headers.location), /^\/login/);
    assert.equal((await organiser.get('/admin/storms/999999')).statusCode, 404);
    assert.equal((await organiser.get('/admin/storms/abc/edit')).statusCode, 404);
  });

  it('refuses bad organiser input with 422 and a message', async () => {
    await organiser.get('/admin/storms/new');
    const base = liveForm();
    const post = (fields: Record<string, string | string[]>) =>
      organiser.post('/admin/storms', {
        title: base.title,
        slug: `bad-${++n}`,
        startsAt: base.startsAt,
        endsAt: base.endsAt,
        hashtag: base.hashtag,
        variants: base.variants,
        ...fields,
      });
    const hashtag = await post({ hashtag: '#no spaces' });
    assert.equal(hashtag.statusCode, 422);
    assert.match(hashtag.body, /role="alert"/);
    assert.match(hashtag.body, /letters, digits or underscores/);
    const backwards = await post({ startsAt: base.endsAt, endsAt: base.startsAt });
    assert.equal(backwards.statusCode, 422);
    assert.match(backwards.body, /The end must be after the start/);
    const long = await post({ variants: ['x'.repeat(VARIANT_MAX_LENGTH + 1)] });
    assert.equal(long.statusCode, 422);
    assert.match(long.body, /at most 500 characters/);
    const abusive = await post({ variants: [ABUSIVE] });
    assert.equal(abusive.statusCode, 422);
    assert.match(abusive.body, /blocked by the civility guard/);
    assert.ok(abusive.body.includes(`<mark title="${THREAT_LABEL}">${THREAT_WORDS}</mark>`));
    const badTime = await post({ startsAt: 'tomorrow' });
    assert.equal(badTime.statusCode, 422);
    assert.match(badTime.body, /date and time/);
  });

  it('finds targets for the picker without saving', async () => {
    const list = await createTargetList(
      app.services,
      { slug: `picker-${++n}`, name: 'Picker MPs' },
      null,
    );
    assert.ok(list.ok);
    await createTarget(
      app.services,
      { listId: list.list.id, fields: { name: 'Zelda Findable', twitter: 'ZeldaMP' } },
      null,
    );
    await organiser.get('/admin/storms/new');
    const res = await organiser.post('/admin/storms', {
      op: 'find',
      title: 'Kept while searching',
      targetListId: String(list.list.id),
      targetQuery: 'zelda',
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Zelda Findable[^<]*@ZeldaMP/);
    assert.match(res.body, /value="Kept while searching"/);
    assert.equal(
      (
        await ctx.db.kysely
          .selectFrom('storms')
          .select('id')
          .where('title', '=', 'Kept while searching')
          .execute()
      ).length,
      0,
    );
  });

  it('serves the live page from memory, with intent links carrying the suggestion', async () => {
    const { slug } = await createThroughForm();
    const reader = visitor();
    const first = await reader.get(`/storms/${slug}?variant=2`);
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['set-cookie'], undefined, 'no per-visitor cookies');
    assert.match(String(first.headers['cache-control']), /public/);
    const text = `${VARIANTS[1]} @LibMinister #SaveOurLibraries https://example.org/petition`;
    const encoded = encodeURIComponent(text).replace(/'/g, '&#39;');
    assert.ok(first.body.includes(`https://twitter.com/intent/tweet?text=${encoded}`), 'X link');
    assert.ok(
      first.body.includes(
        `https://bsky.app/intent/compose?text=${encodeURIComponent(`${VARIANTS[1]} #SaveOurLibraries https://example.org/petition`)}`,
      ),
      'Bluesky link',
    );
    assert.match(first.body, /https:\/\/www\.facebook\.com\/sharer\/sharer\.php\?u=/);
    assert.match(first.body, /Suggestion 2 of 3/);
    assert.match(first.body, /href="\/storms\/[a-z0-9-]+\?variant=3"[^>]*>Another suggestion/);
    const loads = app.storms.cache.loads;
    const second = await visitor().get(`/storms/${slug}?variant=2`);
    assert.equal(second.body, first.body);
    assert.equal(app.storms.cache.loads, loads, 'the second reader costs no query');
    const random = await visitor().get(`/storms/${slug}`);
    assert.match(random.body, /Suggestion [123] of 3/);
    assert.equal((await visitor().get(`/storms/${slug}?variant=7`)).statusCode, 404);
    assert.equal((await visitor().get('/storms/no-such-storm')).statusCode, 404);
    const list = await visitor().get('/storms');
    assert.match(list.body, /Happening now/);
    assert.ok(list.body.includes(`/storms/${slug}`));
  });

  it('shows a countdown before the start, hides drafts, and shows edits at once', async () => {
    const { id, slug } = await createThroughForm({
      startsAt: minutesFromNow(24 * 60 + 30),
      endsAt: minutesFromNow(25 * 60 + 30),
    });
    const page = await visitor().get(`/storms/${slug}`);
    assert.match(page.body, /Starts in/);
    assert.match(page.body, /data-storm-countdown/);
    assert.match(page.body, /1 day/);
    assert.doesNotMatch(page.body, /intent\/tweet/);
    await organiser.get(`/admin/storms/${id}/edit`);
    const edit = await organiser.post(`/admin/storms/${id}`, {
      title: 'Renamed storm',
      slug,
      startsAt: minutesFromNow(24 * 60 + 30),
      endsAt: minutesFromNow(25 * 60 + 30),
      hashtag: 'Renamed',
      variants: VARIANTS,
    });
    assert.equal(edit.statusCode, 303, edit.body.slice(0, 500));
    assert.match((await visitor().get(`/storms/${slug}`)).body, /Renamed storm/);
    await organiser.get(`/admin/storms/${id}`);
    await organiser.post(`/admin/storms/${id}/status`, { action: 'unpublish' });
    assert.equal((await visitor().get(`/storms/${slug}`)).statusCode, 404);
  });

  it('sends Mastodon posts to the chosen server after checking it and the words', async () => {
    const { slug } = await createThroughForm();
    const base = `/storms/${slug}/mastodon?variant=1`;
    const sameSite = { 'sec-fetch-site': 'same-origin' };
    const ok = await visitor().get(
      `${base}&instance=${encodeURIComponent('@me@Mastodon.Social')}&text=${encodeURIComponent('Libraries matter to me.')}`,
      sameSite,
    );
    assert.equal(ok.statusCode, 303);
    const location = String(ok.headers.location);
    assert.ok(location.startsWith('https://mastodon.social/share?text='), location);
    assert.equal(
      decodeURIComponent(location.split('text=')[1] ?? ''),
      'Libraries matter to me. #SaveOurLibraries https://example.org/petition',
    );
    for (const bad of ['localhost', '10.0.0.1', 'evil.example/path', ''])
      assert.equal(
        (await visitor().get(`${base}&instance=${encodeURIComponent(bad)}`, sameSite)).statusCode,
        400,
        bad,
      );
    const abusive = await visitor().get(
      `${base}&instance=mastodon.social&text=${encodeURIComponent(ABUSIVE)}`,
      sameSite,
    );
    assert.equal(abusive.statusCode, 422);
    assert.match(abusive.body, /<mark/);
    const long = await visitor().get(
      `${base}&instance=mastodon.social&text=${'a'.repeat(VARIANT_MAX_LENGTH + 1)}`,
      sameSite,
    );
    assert.equal(long.statusCode, 422);
    const fromElsewhere = await visitor().get(`${base}&instance=mastodon.social`);
    assert.equal(fromElsewhere.statusCode, 200, 'a link from another site shows where it leads');
    assert.match(fromElsewhere.body, /Continue to mastodon\.social/);
  });

  it('checks edited words for the page as JSON, rate-limited', async () => {
    const { slug } = await createThroughForm();
    const client = visitor();
    const json = { accept: 'application/json' };
    const fine = await client.post(
      `/storms/${slug}/check`,
      { text: 'Fund our libraries, please.' },
      json,
    );
    assert.equal(fine.statusCode, 200);
    assert.equal(fine.json<{ allowed: boolean }>().allowed, true);
    const bad = await client.post(`/storms/${slug}/check`, { text: ABUSIVE }, json);
    const body = bad.json<{ allowed: boolean; spans: { text: string }[] }>();
    assert.equal(body.allowed, false);
    assert.ok(body.spans.length > 0);
    const foreign = await client.post(
      `/storms/${slug}/check`,
      { text: 'x' },
      { ...json, origin: 'https://evil.example' },
    );
    assert.equal(foreign.statusCode, 403);
    const busy = visitor();
    let status = 0;
    for (let i = 0; i <= CHECKS_PER_IP_PER_WINDOW; i++)
      status = (await busy.post(`/storms/${slug}/check`, { text: VARIANTS[0] ?? '' }, json))
        .statusCode;
    assert.equal(status, 429);
  });

  it('counts "I posted", as JSON or a page, and refuses forgeries, floods and early posts', async () => {
    const { id, slug } = await createThroughForm();
    const form = async (fields: Record<string, string> = {}) => ({
      ft: await readerToken(id),
      variant: '1',
      text: VARIANTS[0] ?? '',
      platform: 'x',
      ...fields,
    });
    const client = visitor();
    const json = { accept: 'application/json' };
    const first = await client.post(`/storms/${slug}/posted`, await form(), json);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json<{ count: number }>().count, 1);
    const page = await client.post(`/storms/${slug}/posted`, await form({ platform: 'bluesky' }));
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Thank you for posting/);
    assert.match(page.body, /<strong>2<\/strong>/);
    const count = await app.inject(`/storms/${slug}/count.json`);
    assert.equal(count.json<{ count: number }>().count, 2);

    const tooFast = await client.post(
      `/storms/${slug}/posted`,
      await form({ ft: issueFormToken(app.storms.secret, id) }),
    );
    assert.equal(tooFast.statusCode, 422);
    const forged = await client.post(`/storms/${slug}/posted`, await form({ ft: 'nope' }));
    assert.equal(forged.statusCode, 403);
    const foreign = await client.post(`/storms/${slug}/posted`, await form(), {
      origin: 'https://evil.example',
    });
    assert.equal(foreign.statusCode, 403);
    const abusive = await client.post(`/storms/${slug}/posted`, await form({ text: ABUSIVE }));
    assert.equal(abusive.statusCode, 422);
    assert.match(abusive.body, /<mark/);
    const unknownPlatform = await client.post(
      `/storms/${slug}/posted`,
      await form({ platform: 'myspace' }),
    );
    assert.equal(unknownPlatform.statusCode, 422);

    const flood = visitor();
    let status = 0;
    for (let i = 0; i <= POSTS_PER_IP_PER_WINDOW; i++)
      status = (await flood.post(`/storms/${slug}/posted`, await form(), json)).statusCode;
    assert.equal(status, 429);

    const upcoming = await createThroughForm({
      startsAt: minutesFromNow(60),
      endsAt: minutesFromNow(120),
    });
    const early = await visitor().post(
      `/storms/${upcoming.slug}/posted`,
      await form({ ft: await readerToken(upcoming.id) }),
    );
    assert.equal(early.statusCode, 409);
    assert.equal((await visitor().post('/storms/nope/posted', await form())).statusCode, 404);
  });

  it('mails a confirmation link that adds the person with their consent', async () => {
    const { id, slug } = await createThroughForm();
    const res = await visitor().post(`/storms/${slug}/posted`, {
      ft: await readerToken(id),
      variant: '2',
      text: VARIANTS[1] ?? '',
      platform: 'mastodon',
      email: 'june@example.org',
      consent: '1',
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /sent you an email/);
    const path = await confirmPathMailedTo('june@example.org');
    await new Worker(app.services.jobs).runUntilIdle();
    const confirmed = await confirmByButton(visitor(), path);
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /Your email is confirmed/);
    const person = await findPersonByEmail(ctx.db, 'june@example.org');
    assert.ok(person);
    assert.equal((await listConsentHistory(ctx.db, person.id))[0]?.status, 'granted');
    assert.ok((await listActivities(ctx.db, person.id)).some((a) => a.kind === 'storm'));
    const forged = await visitor().get(`/storms/${slug}/confirm/1.${'a'.repeat(32)}`);
    assert.equal(forged.statusCode, 404);
  });

  it('changes nothing when a mail scanner opens the link; the button confirms, once', async () => {
    const storm = await createThroughForm();
    const email = 'scanned@example.org';
    const path = await postWithEmail(storm, email);
    const postId = Number(/\/confirm\/(\d+)\./.exec(path)?.[1]);
    const postConfirmed = async () =>
      (
        await ctx.db.kysely
          .selectFrom('storm_posts')
          .select('confirmed_at')
          .where('id', '=', postId)
          .executeTakeFirstOrThrow()
      ).confirmed_at !== null;

    // A scanner (no cookies, no JavaScript) fetching the link, even repeatedly.
    for (let i = 0; i < 2; i++) {
      const scanned = await app.inject({ method: 'GET', url: path });
      assert.equal(scanned.statusCode, 200);
      assert.match(scanned.body, new RegExp(`<form method="post" action="${path}"`));
      assert.match(scanned.body, /<button type="submit">Confirm my email<\/button>/);
      assert.equal(scanned.headers['cache-control'], 'no-store', 'the link is private');
    }
    assert.equal(await postConfirmed(), false);
    assert.equal(await findPersonByEmail(ctx.db, email), undefined, 'no one joins the list');

    // A form posted from elsewhere, or without the page's token, is refused and changes nothing.
    const person = visitor();
    await person.get(path);
    const foreign = await person.post(path, {}, { origin: 'https://evil.example' });
    assert.equal(foreign.statusCode, 403);
    const forged = await visitor().post(path, { _csrf: 'nope' });
    assert.equal(forged.statusCode, 403);
    assert.equal(await postConfirmed(), false);
    assert.equal(await findPersonByEmail(ctx.db, email), undefined);

    const pressed = await person.post(path);
    assert.equal(pressed.statusCode, 200, pressed.body.slice(0, 500));
    assert.match(pressed.body, /Your email is confirmed/);
    assert.equal(await postConfirmed(), true);
    const joined = await findPersonByEmail(ctx.db, email);
    assert.ok(joined);
    assert.deepEqual(
      (await listConsentHistory(ctx.db, joined.id)).map((c) => c.status),
      ['granted'],
    );

    // Pressing again (a double click, the back button) is harmless and records nothing twice.
    const twice = await person.post(path);
    assert.equal(twice.statusCode, 200);
    assert.match(twice.body, /Already confirmed/);
    assert.equal((await listConsentHistory(ctx.db, joined.id)).length, 1, 'consent once');
    const activities = await listActivities(ctx.db, joined.id);
    assert.equal(activities.filter((a) => a.kind === 'storm').length, 1, 'the post noted once');
    const reopened = await visitor().get(path);
    assert.equal(reopened.statusCode, 200);
    assert.match(reopened.body, /Already confirmed/);
    assert.doesNotMatch(reopened.body, /<form method="post"/, 'a used link shows no button');
  });

  it('answers an unknown confirmation link with a clear 4xx page, shown or pressed', async () => {
    const storm = await createThroughForm();
    const client = visitor();
    // A page with a form first, so the POSTs below carry a good CSRF token and reach the link.
    await client.get(await postWithEmail(storm, 'unknown-link@example.org'));
    const other = await createThroughForm();
    const otherPath = await postWithEmail(other, 'other-storm@example.org');
    for (const path of [
      `/storms/${storm.slug}/confirm/not-a-real-token-at-all-xyz`,
      `/storms/${storm.slug}/confirm/1.${'a'.repeat(32)}`,
      `/storms/no-such-storm/confirm/${otherPath.split('/').pop()}`,
      // a link issued for another storm's post
      otherPath.replace(other.slug, storm.slug),
    ]) {
      const shown = await client.get(path);
      assert.equal(shown.statusCode, 404, path);
      assert.match(shown.body, /Link not recognised/);
      assert.match(shown.body, /not valid/);
      const pressed = await client.post(path);
      assert.equal(pressed.statusCode, 404, path);
      assert.match(pressed.body, /not valid/);
    }
    assert.equal(await findPersonByEmail(ctx.db, 'other-storm@example.org'), undefined);
  });

  it('reports participants, posts by suggestion and platform, and a time curve', async () => {
    const { id, slug } = await createThroughForm();
    for (const platform of ['x', 'x', 'bluesky'])
      await visitor().post(`/storms/${slug}/posted`, {
        ft: await readerToken(id),
        variant: '1',
        platform,
      });
    const report = await organiser.get(`/admin/storms/${id}/report`);
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /<svg[^>]*role="img"/);
    assert.match(report.body, /class="storm-bar"/);
    assert.match(report.body, /<summary>The numbers as a table<\/summary>/);
    assert.doesNotMatch(report.body, /style=/);
    assert.match(report.body, /<dt>Participants<\/dt>\s*<dd>\s*3/);
    const csv = await organiser.get(`/admin/storms/${id}/curve.csv`);
    assert.equal(csv.statusCode, 200);
    const [header, ...rows] = csv.body.trim().split('\n');
    assert.equal(header, 'bucket_start_utc,bucket_minutes,posts');
    const total = rows.reduce((sum, r) => sum + Number(r.split(',')[2]), 0);
    assert.equal(
      total,
      Number(/<dt>Posts[^<]*<\/dt>\s*<dd>([\d,]+)/.exec(report.body)?.[1]?.replace(',', '')),
    );
  });
});
