import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { markTargetSeat, unmarkTargetSeat } from '../field/field.service.js';
import { deliveryAudit, mergeSmallGroups, publicAudit } from './delivery-audit.service.js';
import { DEFAULT_SETTINGS, saveMailingSettings } from './mailing-settings.js';
import { listMailings } from './mailings.service.js';
import { seedMailingsDemo } from './mailings.seed.js';
import { addSupporter, mailingForm, sendMailing, tagSegment } from './mailings.test-support.js';

/** Dulwich and West Norwood: a safe seat in 2019. */
const SAFE = 'SE21 7AA';
/** Kensington: won by 150 votes in 2019. */
const MARGINAL = 'W8 4PT';

it('merges groups under 10 into "Other", and hides an "Other" that is itself under 10', () => {
  assert.deepEqual(
    mergeSmallGroups([
      { label: 'A', count: 40 },
      { label: 'B', count: 6 },
      { label: 'C', count: 5 },
    ]),
    [
      { label: 'A', count: 40 },
      { label: 'Other', count: 11 },
    ],
  );
  assert.deepEqual(
    mergeSmallGroups([
      { label: 'A', count: 12 },
      { label: 'B', count: 3 },
    ]),
    [
      { label: 'A', count: 12 },
      { label: 'Other', count: 0, note: 'fewer than 10' },
    ],
  );
});

describeEachDatabase('mailings: the delivery audit', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db, {});
    await loadUkConstituencies(ctx.db);
    await saveMailingSettings(ctx.db, { ...DEFAULT_SETTINGS, perMinute: 600_000 });
  });
  after(() => app.close());

  async function send(segmentTag: string) {
    const seg = await tagSegment(app.services, segmentTag);
    return sendMailing(app, mailingForm({ segmentIds: [String(seg)] }));
  }

  it('shows an insider-heavy audience for what it is, from who actually received it', async () => {
    for (let i = 0; i < 12; i++)
      await addSupporter(ctx.db, { tags: ['hq', i % 2 ? 'staff' : 'donor'], postcode: SAFE });
    for (let i = 0; i < 2; i++)
      await addSupporter(ctx.db, { tags: ['hq', 'supporter'], postcode: MARGINAL });
    const m = await send('hq');
    const audit = await deliveryAudit(app.services, m);
    assert.equal(audit.delivered, 14);
    assert.equal(audit.insiderShare, 12 / 14);
    assert.equal(audit.targetSeatShare, 2 / 14);
    assert.equal(audit.warnings.length, 2, audit.warnings.join(' | '));
    assert.match(audit.warnings[0]!, /86% of recipients are tagged staff, officer, donor/);
    assert.match(audit.warnings[1]!, /Only 14% of recipients live in target \(marginal\) seats/);
    assert.deepEqual(
      audit.byConstituency.map((g) => [g.label, g.count, g.note?.split(' ')[0]]),
      [
        ['Dulwich and West Norwood', 12, 'safe'],
        ['Kensington', 2, 'marginal'],
      ],
    );
    assert.deepEqual(
      audit.byTag.map((g) => [g.label, g.count]),
      [
        ['hq', 14],
        ['donor', 6],
        ['staff', 6],
        ['supporter', 2],
      ],
    );
    assert.equal(audit.byJoinAge[0]?.count, 14, 'everyone joined in the last month');

    // Once the campaign marks its own target seats, the audit measures against those instead.
    await markTargetSeat(app.services, { code: 'E14000673', note: 'Our seat to hold' }, null);
    const againstTargets = await deliveryAudit(app.services, m);
    assert.equal(againstTargets.targetSeatShare, 12 / 14);
    assert.equal(againstTargets.warnings.length, 1, againstTargets.warnings.join(' | '));
    assert.match(againstTargets.byConstituency[0]!.note ?? '', /^target seat, safe/);
    await unmarkTargetSeat(app.services, 'E14000673', null);

    // What changes later (tags, people leaving) does not rewrite what happened.
    await ctx.db.kysely.updateTable('people').set({ tags: '[]' }).execute();
    assert.equal((await deliveryAudit(app.services, m)).insiderShare, 12 / 14);

    const pub = publicAudit(audit);
    assert.deepEqual(
      pub.byConstituency.map((g) => [g.label, g.count]),
      [
        ['Dulwich and West Norwood', 12],
        ['Other', 0],
      ],
    );
    assert.deepEqual(
      pub.byTag.map((g) => g.label),
      ['hq', 'Other'],
    );

    const anonymous = new TestClient(app);
    assert.equal(
      (await anonymous.get(`/mailings/${m.id}/audit`)).statusCode,
      404,
      'private until published',
    );
    const organiser = await loginAs(app, 'organiser');
    await organiser.get(`/admin/mailings/${m.id}`);
    const published = await organiser.post(`/admin/mailings/${m.id}/audit-visibility`, {
      public: '1',
    });
    assert.equal(published.statusCode, 303);
    const page = await anonymous.get(`/mailings/${m.id}/audit`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-audit-warning/);
    assert.doesNotMatch(page.body, /Kensington/, 'a group of 2 is not shown by name');
    assert.doesNotMatch(page.body, /@example\.org/, 'count only: no addresses');
  });

  it('raises no warning for a healthy audience in the target seats', async () => {
    for (let i = 0; i < 20; i++)
      await addSupporter(ctx.db, { tags: ['healthy', 'supporter'], postcode: MARGINAL });
    const audit = await deliveryAudit(app.services, await send('healthy'));
    assert.equal(audit.delivered, 20);
    assert.equal(audit.insiderShare, 0);
    assert.equal(audit.targetSeatShare, 1);
    assert.deepEqual(audit.warnings, []);
  });

  it('the demo seed sends one insider-heavy mailing and one healthy one', async () => {
    await seedMailingsDemo(app.services);
    const demo = (await listMailings(app.services)).filter((m) =>
      [
        'Our national campaign is live',
        'Your MP can save the library: one email this week',
      ].includes(m.subject),
    );
    assert.equal(demo.length, 2);
    const [healthy, insiders] = demo;
    assert.equal(insiders?.status, 'sent');
    const bad = await deliveryAudit(app.services, insiders);
    const good = await deliveryAudit(app.services, healthy!);
    assert.equal(bad.warnings.length, 2, bad.warnings.join(' | '));
    assert.deepEqual(good.warnings, []);
  });
});
