import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import {
  SOURCE_MAX_LENGTH,
  normaliseSource,
  referrerSource,
} from '../../infra/http/attribution.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { createEvent } from '../events/events.service.js';
import { PUDSEY_CANVASS, eventFormWith } from '../events/events.test-support.js';
import { publishedPetition, signatureForm, visitor } from '../petitions/petitions.test-support.js';
import { signatureSources } from '../petitions/petitions.service.js';
import { rsvpSources } from '../events/rsvp.service.js';
import { stormPostSources } from '../storms/posting.service.js';
import { changeStatus, createStorm } from '../storms/storms.service.js';
import { MIN_FILL_MS, issueFormToken } from '../storms/storm-tokens.js';
import { isoToLondonInput } from '../../infra/clock/london-time.js';
import { createMailing, mailingActions, scheduleMailing, getMailing } from './mailings.service.js';
import { addSupporter, mailingForm, tagSegment } from './mailings.test-support.js';

describe('attribution: normalising a source', () => {
  it('keeps [a-z0-9._:-], lower-cases, cuts at 64 and ignores what is left of nothing', () => {
    assert.equal(normaliseSource('mailing-7'), 'mailing-7');
    assert.equal(normaliseSource('Mailing-7-B'), 'mailing-7-b');
    assert.equal(normaliseSource('<script>alert(1)</script>'), 'script-alert-1-script');
    assert.equal(normaliseSource('a b  c'), 'a-b-c');
    assert.equal(normaliseSource('x'.repeat(100))?.length, SOURCE_MAX_LENGTH);
    assert.equal(normaliseSource('x'.repeat(500)), null, 'a pasted paragraph is ignored');
    assert.equal(normaliseSource('%%%'), null);
    assert.equal(normaliseSource(''), null);
    assert.equal(normaliseSource(['a', 'b']), null, 'a repeated parameter is ignored');
  });

  it('keeps only the domain of another site that referred the visitor', () => {
    const own = 'http://localhost:3000';
    assert.equal(referrerSource('https://www.Twitter.com/some/path?x=1', own), 'ref:twitter.com');
    assert.equal(referrerSource('http://localhost:3000/p/x', own), null, 'our own pages');
    assert.equal(referrerSource('android-app://com.x/', own), null);
    assert.equal(referrerSource('not a url', own), null);
  });
});

describeEachDatabase('attribution: actions counted by the source they came with', (ctx) => {
  let app: FastifyInstance;
  // Form tokens are issued on the wall clock, so this app keeps it.
  const nextYear = new Date().getUTCFullYear() + 1;
  const baseUrl = 'http://localhost:3000';
  before(async () => {
    await loadUkConstituencies(ctx.db);
    app = await createTestApp(ctx.db, { baseUrl });
  });
  after(() => app.close());

  const sourceOf = async (email: string) =>
    (
      await ctx.db.kysely
        .selectFrom('petition_signatures')
        .select('source')
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
    ).source;

  it('a signature from a mailing link is counted for that mailing, on its report', async () => {
    await addSupporter(ctx.db, { tags: ['attr'] });
    const segment = await tagSegment(app.services, 'attr');
    const saved = await createMailing(
      app.services,
      mailingForm({ segmentIds: [String(segment)] }),
      null,
    );
    assert.ok(saved.ok);
    const mailing = (await getMailing(app.services, saved.id))!;
    assert.ok((await scheduleMailing(app.services, { mailing, when: '' }, null)).ok);
    const petition = await publishedPetition(app.services, { title: 'Libraries', slug: 'libs' });

    const reader = visitor(app);
    const page = await reader.get(`/p/libs?source=mailing-${saved.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`name="source" value="mailing-${saved.id}"`));
    // The cached copy of the page serves the next reader with their own source (none here).
    const plain = await visitor(app).get('/p/libs');
    assert.match(plain.body, /name="source" value=""/);

    const res = await reader.post(
      '/p/libs/sign',
      await signatureForm(app, petition.id, {
        email: 'from-mailing@example.org',
        source: `mailing-${saved.id}`,
      }),
    );
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.equal(await sourceOf('from-mailing@example.org'), `mailing-${saved.id}`);
    // A subject variant's signature counts for the mailing too; another mailing's does not.
    await visitor(app).post(
      '/p/libs/sign',
      await signatureForm(app, petition.id, {
        email: 'variant@example.org',
        source: `mailing-${saved.id}-b`,
      }),
    );
    await visitor(app).post(
      '/p/libs/sign',
      await signatureForm(app, petition.id, {
        email: 'other@example.org',
        source: `mailing-${saved.id}0`,
      }),
    );
    assert.equal(
      await signatureSources.countBySourcePrefix(app.services, {
        sourcePrefix: `mailing-${saved.id}`,
      }),
      2,
    );
    const actions = await mailingActions(app.services, saved.id);
    assert.equal(actions.find((a) => a.kind === 'signature')?.n, 2);

    const staff = await loginAs(app, 'viewer');
    const report = await staff.get(`/admin/mailings/${saved.id}`);
    assert.match(report.body, /Actions taken from this mailing/);
    assert.match(report.body, /data-actions="signature">2</);
    assert.match(report.body, /data-actions="letter">0</);
    assert.match(report.body, /data-actions="rsvp">0</);
    assert.match(report.body, /data-actions="storm-post">0</);
  });

  it('with no source, the referring site is kept as ref:<domain> and shown on the dashboard', async () => {
    const petition = await publishedPetition(app.services, { title: 'Parks', slug: 'parks' });
    const reader = visitor(app);
    const page = await reader.get('/p/parks', { referer: 'https://twitter.com/someone/status/1' });
    assert.match(page.body, /name="source" value="ref:twitter.com"/);
    assert.match(String(page.headers['cache-control']), /private/);
    // A browser whose page lost the field: the posting page's Referer is ours, without ?source.
    await reader.post(
      '/p/parks/sign',
      await signatureForm(app, petition.id, { email: 'tweeted@example.org' }),
      { referer: 'https://twitter.com/someone/status/1' },
    );
    assert.equal(await sourceOf('tweeted@example.org'), 'ref:twitter.com');
    // Our own page with ?source= as the Referer: the source in its address counts.
    await visitor(app).post(
      '/p/parks/sign',
      await signatureForm(app, petition.id, { email: 'cached@example.org' }),
      { referer: `${baseUrl}/p/parks?source=newsletter` },
    );
    assert.equal(await sourceOf('cached@example.org'), 'newsletter');

    const staff = await loginAs(app, 'viewer');
    const dashboard = await staff.get('/admin');
    assert.equal(dashboard.statusCode, 200);
    assert.match(dashboard.body, /Where actions came from/);
    assert.match(dashboard.body, /<code>ref:twitter\.com<\/code>/);
    assert.match(dashboard.body, /<code>newsletter<\/code>/);
  });

  it('a bad source is sanitised or ignored, never a 4xx or 5xx', async () => {
    const petition = await publishedPetition(app.services, { title: 'Buses', slug: 'buses' });
    const odd = await visitor(app).get('/p/buses?source=%3Cb%3EHi%3C%2Fb%3E&source=x');
    assert.equal(odd.statusCode, 200);
    assert.match(odd.body, /name="source" value=""/, 'a repeated parameter is ignored');
    const tagged = await visitor(app).get('/p/buses?source=%3Cb%3EHi%3C%2Fb%3E');
    assert.match(tagged.body, /name="source" value="b-hi-b"/);
    assert.doesNotMatch(tagged.body, /<b>Hi/);

    const long = await visitor(app).post(
      '/p/buses/sign',
      await signatureForm(app, petition.id, {
        email: 'long@example.org',
        source: 'x'.repeat(5000),
      }),
    );
    assert.equal(long.statusCode, 200);
    assert.equal(await sourceOf('long@example.org'), null);
    const quoted = await visitor(app).post(
      '/p/buses/sign',
      await signatureForm(app, petition.id, { email: 'quoted@example.org', source: '"><x>' }),
    );
    assert.equal(quoted.statusCode, 200);
    assert.equal(await sourceOf('quoted@example.org'), 'x');
  });

  it('an RSVP and a letter page keep the source they were opened with', async () => {
    const created = await createEvent(
      app.services,
      eventFormWith({
        ...PUDSEY_CANVASS,
        title: 'Doorstep session',
        description: 'Meet at the library.',
        startsAt: `${nextYear}-06-06T10:00`,
        endsAt: `${nextYear}-06-06T12:00`,
      }),
      null,
    );
    assert.ok(created.ok, JSON.stringify(created));
    const slug = created.slugs[0]!;
    const client = new TestClient(app, { remoteAddress: '10.77.0.1' });
    const page = await client.get(`/events/${slug}?source=mailing-42-a`);
    assert.match(page.body, /name="source" value="mailing-42-a"/);
    const res = await client.post(`/events/${slug}/rsvp`, {
      name: 'Sam Volunteer',
      email: 'sam@example.org',
      postcode: 'LS28 5AB',
      source: 'mailing-42-a',
    });
    assert.equal(res.statusCode, 201, res.body.slice(0, 500));
    assert.equal(
      await rsvpSources.countBySourcePrefix(app.services, { sourcePrefix: 'mailing-42' }),
      1,
    );
    assert.equal(
      await rsvpSources.countBySourcePrefix(app.services, { sourcePrefix: 'mailing-42-b' }),
      0,
    );

    // The letters page: a step opened from a page that had ?source= keeps it in its address.
    const step = await new TestClient(app).get('/letters/no-such-campaign?postcode=LS28%205AB', {
      referer: `${baseUrl}/letters/no-such-campaign?source=mailing-42`,
    });
    assert.equal(step.statusCode, 303);
    assert.equal(
      step.headers.location,
      '/letters/no-such-campaign?postcode=LS28%205AB&source=mailing-42',
    );
  });
  it('a storm post keeps the source of the link or the referring site, and counts for the mailing', async () => {
    const london = (minutes: number) =>
      isoToLondonInput(new Date(Date.now() + minutes * 60_000).toISOString());
    const created = await createStorm(
      app.services,
      {
        title: 'Post for libraries',
        slug: 'libs-storm',
        description: 'Together at noon.',
        startsAt: london(-10),
        endsAt: london(60),
        hashtag: '#SaveOurLibraries',
        linkUrl: '',
        targetListId: '',
        targetIds: [],
        handles: '',
        variants: ['Libraries are where children learn to read. Keep them open.'],
      },
      null,
    );
    assert.ok(created.ok, JSON.stringify(created));
    assert.ok(
      (await changeStatus(app.services, { storm: created.record, action: 'publish' }, null)).ok,
    );
    const storm = created.record;
    const post = (client: TestClient, fields: Record<string, string>, referer?: string) =>
      client.post(
        `/storms/${storm.slug}/posted`,
        {
          ft: issueFormToken(app.storms.secret, storm.id, Date.now() - MIN_FILL_MS - 1000),
          variant: '1',
          text: '',
          platform: 'x',
          ...fields,
        },
        referer ? { referer } : {},
      );
    const sourcesOfPosts = async () =>
      (
        await ctx.db.kysely
          .selectFrom('storm_posts')
          .select('source')
          .where('storm_id', '=', storm.id)
          .orderBy('id')
          .execute()
      ).map((r) => r.source);

    const reader = new TestClient(app, { remoteAddress: '10.78.0.1' });
    const page = await reader.get(`/storms/${storm.slug}?variant=1&source=mailing-77-b`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="source" value="mailing-77-b"/);
    // The cached copy serves the next reader with their own source (none, or their referrer).
    const plain = await new TestClient(app).get(`/storms/${storm.slug}?variant=1`);
    assert.match(plain.body, /name="source" value=""/);
    const referred = await new TestClient(app).get(`/storms/${storm.slug}?variant=1`, {
      referer: 'https://bsky.app/profile/someone',
    });
    assert.match(referred.body, /name="source" value="ref:bsky.app"/);
    assert.match(String(referred.headers['cache-control']), /private/);

    const client = (n: number) => new TestClient(app, { remoteAddress: `10.78.1.${n}` });
    assert.equal((await post(reader, { source: 'mailing-77-b' })).statusCode, 200);
    assert.equal((await post(client(1), { source: 'mailing-77' })).statusCode, 200);
    for (const n of [2, 3])
      assert.equal(
        (await post(client(n), {}, 'https://bsky.app/profile/someone/post/1')).statusCode,
        200,
      );
    assert.equal((await post(client(4), { source: '<b>x</b>'.repeat(100) })).statusCode, 200);
    assert.deepEqual(await sourcesOfPosts(), [
      'mailing-77-b',
      'mailing-77',
      'ref:bsky.app',
      'ref:bsky.app',
      null,
    ]);

    assert.equal(
      await stormPostSources.countBySourcePrefix(app.services, { sourcePrefix: 'mailing-77' }),
      2,
    );
    assert.equal(
      await stormPostSources.countBySourcePrefix(app.services, { sourcePrefix: 'mailing-7' }),
      0,
    );
    const actions = await mailingActions(app.services, 77);
    assert.equal(actions.find((a) => a.kind === 'storm-post')?.n, 2);

    const staff = await loginAs(app, 'viewer');
    const dashboard = await staff.get('/admin');
    assert.match(dashboard.body, /<code>ref:bsky\.app<\/code><\/th><td class="num">2</);
  });
});
