import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs, loginAsNew } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { erasePerson, exportPersonData } from '../people/data-rights.service.js';
import { upsertPerson } from '../people/people.service.js';
import { publishedPetition } from '../petitions/petitions.test-support.js';
import { petitionsFeature } from '../petitions/petitions.feature.js';
import { stormsFeature } from '../storms/storms.feature.js';
import { createStorm, getStormBySlug } from '../storms/storms.service.js';
import { reachFeature } from './reach.feature.js';
import { FOLLOWERS_MAX, RECORDS_MAX, reachReport } from './reach.service.js';

/** Noon on 10 May 2026, UTC (13:00 in London). */
const clock = new ManualClock('2026-05-10T12:00:00Z');

const recordCount = (app: FastifyInstance) =>
  app.services.db.kysely
    .selectFrom('reach_records')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

describeEachDatabase('reach: follower counts for storms and petitions', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  let stormId: number;

  before(async () => {
    app = await createTestApp(ctx.db, {}, { clock });
    organiser = await loginAs(app, 'organiser');
    const storm = await createStorm(
      app.services,
      {
        title: 'Save our libraries storm',
        slug: 'reach-storm',
        description: 'Post with us.',
        startsAt: '2026-05-08T10:00',
        endsAt: '2026-05-08T11:00',
        hashtag: 'SaveOurLibraries',
        linkUrl: '',
        targetListId: '',
        targetIds: [],
        handles: '@LibMinister',
        variants: ['Keep our libraries open.'],
      },
      null,
    );
    assert.ok(storm.ok, JSON.stringify(!storm.ok && storm.errors));
    stormId = storm.record.id;
  });
  after(() => app.close());

  const record = async (path: string, fields: Record<string, string>) => {
    await organiser.get(path);
    return organiser.post(path, { kind: 'post', occurredAt: '', ...fields });
  };

  it('adds up a storm: each account once at its latest count, by platform, as a curve with table and CSV', async () => {
    const path = `/admin/reach/storm/${stormId}`;
    const empty = await organiser.get(path);
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /No follower counts recorded yet/);

    const records: Record<string, string>[] = [
      { platform: 'x', handle: '@Alice', followers: '1,200', occurredAt: '2026-05-08T10:05' },
      {
        platform: 'bluesky',
        handle: 'alice.bsky.social',
        followers: '300',
        occurredAt: '2026-05-08T10:20',
      },
      // The same X account again, as a profile address: its newer count replaces the older one.
      {
        platform: 'x',
        handle: 'https://x.com/alice',
        followers: '1500',
        kind: 'share',
        occurredAt: '2026-05-10T10:00',
      },
      {
        platform: 'mastodon',
        handle: '@bob@mastodon.social',
        followers: '50',
        occurredAt: '2026-05-10T11:00',
      },
    ];
    for (const fields of records) {
      const res = await record(path, fields);
      assert.equal(res.statusCode, 303, res.body.slice(0, 1500));
    }

    const page = await organiser.get(path);
    assert.match(page.body, /data-reach="accounts">3</);
    assert.match(page.body, /data-reach="posts">3</);
    assert.match(page.body, /data-reach="shares">1</);
    assert.match(page.body, /data-reach="reach">1,850</);
    assert.match(page.body, /<svg[^>]*reach-curve|id="reach-curve/);
    assert.match(page.body, /<th scope="row"[^>]*>X \(Twitter\)<\/th>/);
    assert.match(page.body, /2026-05-09/, 'a day without records is in the table as zeros');

    const csv = await organiser.get(`${path}/series.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.deepEqual(csv.body.trim().split(/\r?\n/), [
      'day,estimated_reach,new_accounts,posts_and_shares',
      '2026-05-08,1800,2,2',
      '2026-05-09,1800,0,0',
      '2026-05-10,1850,1,2',
    ]);

    const report = await organiser.get(`/admin/storms/${stormId}/report`);
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /<h2 id="reach">Reach<\/h2>/);
    assert.match(report.body, /data-reach="reach">1,850</);
    assert.match(report.body, new RegExp(`/admin/reach/storm/${stormId}/series.csv`));
  });

  it('refuses bad counts with field messages and a 422, saving nothing', async () => {
    const path = `/admin/reach/storm/${stormId}`;
    const before = await recordCount(app);
    const bad = async (fields: Record<string, string>, message: RegExp) => {
      const res = await record(path, {
        platform: 'x',
        handle: '@carol',
        followers: '10',
        ...fields,
      });
      assert.equal(res.statusCode, 422, JSON.stringify(fields));
      assert.match(res.body, message);
    };
    await bad({ followers: '-5' }, /whole number of 0 or more/);
    await bad({ followers: '12.5' }, /whole number of 0 or more/);
    await bad({ followers: '' }, /Give the number of followers/);
    await bad({ followers: String(FOLLOWERS_MAX + 1) }, /at most 1,000,000,000/);
    await bad({ handle: '' }, /Give the account/);
    await bad({ handle: 'two words here' }, /does not look like a handle/);
    await bad({ platform: 'myspace' }, /Choose the platform/);
    await bad({ kind: 'liked' }, /posted or shared/);
    await bad({ occurredAt: '2026-05-11T09:00' }, /in the future/);
    await bad({ occurredAt: 'yesterday' }, /date and a time/);
    assert.equal(await recordCount(app), before);
    const again = await record(path, { platform: 'x', handle: '@carol', followers: '0' });
    assert.equal(again.statusCode, 303, 'zero followers is a count');
  });

  it('shows a petition’s reach on its curve page, empty first; viewers read, only organisers write', async () => {
    const petition = await publishedPetition(app.services, {
      title: 'Keep the pool open',
      slug: 'reach-pool',
    });
    const path = `/admin/reach/petition/${petition.id}`;
    const curve = await organiser.get(`/admin/petitions/${petition.id}/curve`);
    assert.match(curve.body, /<h2 id="reach">Reach<\/h2>/);
    assert.match(curve.body, /No follower counts recorded yet/);

    const viewer = await loginAs(app, 'viewer');
    const seen = await viewer.get(path);
    assert.equal(seen.statusCode, 200);
    assert.doesNotMatch(seen.body, /Record a post or share/);
    const refused = await viewer.post(path, { platform: 'x', handle: '@v', followers: '1' });
    assert.equal(refused.statusCode, 403);

    const shared = await record(path, {
      platform: 'facebook',
      handle: 'https://facebook.com/poolfriends',
      followers: '4000',
      kind: 'share',
    });
    assert.equal(shared.statusCode, 303);
    const after = await organiser.get(`/admin/petitions/${petition.id}/curve`);
    assert.match(after.body, /data-reach="reach">4,000</);
    assert.match(after.body, /data-reach="shares">1</);

    const page = await organiser.get(path);
    const del = /action="([^"]+\/records\/\d+\/delete)"/.exec(page.body);
    assert.ok(del?.[1]);
    assert.equal((await organiser.post(del[1], {})).statusCode, 303);
    assert.match((await organiser.get(path)).body, /data-reach="reach">0</);
    assert.equal((await organiser.post(del[1], {})).statusCode, 404, 'already gone');

    assert.equal((await organiser.get('/admin/reach/petition/999999')).statusCode, 404);
    assert.equal((await organiser.get('/admin/reach/tracker/1')).statusCode, 404);
    assert.equal((await organiser.get('/admin/reach/storm/abc')).statusCode, 404);
  });

  it('reaches the export and erasure of a supporter whose record names the account', async () => {
    const petition = await publishedPetition(app.services, {
      title: 'A petition Ada shared',
      slug: 'reach-erasure',
    });
    const path = `/admin/reach/petition/${petition.id}`;
    const { id: personId } = await upsertPerson(ctx.db, {
      email: 'ada.sharer@example.org',
      firstName: 'Ada',
      lastName: 'Sharer',
      customFields: { Twitter: 'https://x.com/AdaShares', bluesky: 'ada.bsky.social' },
      source: 'test',
    });
    const shares: Record<string, string>[] = [
      { platform: 'x', handle: '@adashares', followers: '900' },
      { platform: 'bluesky', handle: '@ada.bsky.social', followers: '40', kind: 'share' },
      // Same name on another platform, where her record names no account: somebody else's.
      { platform: 'instagram', handle: 'adashares', followers: '7' },
    ];
    for (const fields of shares) assert.equal((await record(path, fields)).statusCode, 303);

    const { user } = await loginAsNew(app, 'owner');
    const owner = { id: user.id, role: 'owner' as const };
    const exported = await exportPersonData(app.services, personId, owner);
    const theirs = exported.other.reach as { platform: string; handle: string }[];
    assert.deepEqual(
      theirs.map((r) => `${r.platform} ${r.handle}`),
      ['x @adashares', 'bluesky @ada.bsky.social'],
    );

    await erasePerson(app.services, personId, owner);
    const page = await organiser.get(path);
    assert.doesNotMatch(page.body, /@adashares|ada\.bsky/);
    assert.match(page.body, />adashares</, 'the Instagram account was not hers');
    assert.match(page.body, />Erased account</);
    assert.match(page.body, /data-reach="accounts">3</, 'her accounts still count, once each');
    assert.match(page.body, /data-reach="reach">947</);
  });

  it(`stops at ${RECORDS_MAX} records for one storm or petition`, async () => {
    const petition = await publishedPetition(app.services, {
      title: 'A very shared petition',
      slug: 'reach-full',
    });
    const rows = Array.from({ length: RECORDS_MAX }, (_, i) => ({
      subject_type: 'petition',
      subject_id: petition.id,
      platform: 'x',
      handle: `account${i}`,
      handle_display: `@account${i}`,
      followers: 1,
      kind: 'post',
      occurred_at: '2026-05-09T10:00:00.000Z',
      recorded_by: null,
      created_at: '2026-05-09T10:00:00.000Z',
    }));
    for (let i = 0; i < rows.length; i += 500)
      await ctx.db.kysely
        .insertInto('reach_records')
        .values(rows.slice(i, i + 500))
        .execute();
    const res = await record(`/admin/reach/petition/${petition.id}`, {
      platform: 'x',
      handle: '@one_more',
      followers: '5',
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /At most 5,000 records/);
    assert.match(res.body, /data-reach="reach">5,000</);
    assert.match(res.body, /The newest 200 of 5,000/);
  });

  it('seeds the demo storm and petition with follower counts, once', async () => {
    await petitionsFeature.seedDemo?.(app.services);
    await stormsFeature.seedDemo?.(app.services);
    await reachFeature.seedDemo?.(app.services);
    await reachFeature.seedDemo?.(app.services);
    const storm = await getStormBySlug(app.services, 'library-week-storm');
    assert.ok(storm);
    const report = await reachReport(app.services, { type: 'storm', id: storm.id });
    assert.equal(report.records.length, 7, 'a second load adds nothing');
    assert.equal(report.accounts, 6, '@ReadingRosa on X counts once');
    assert.equal(report.reach, 2450 + 5100 + 830 + 410 + 190 + 3300);
    const page = await organiser.get(`/admin/storms/${storm.id}/report`);
    assert.match(page.body, /data-reach="reach">12,280</);
  });
});
