import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { eventsFeature } from '../events/events.feature.js';
import { listEventSummaries } from '../events/events.service.js';
import { peopleFeature } from '../people/people.feature.js';
import { allocationReport } from './allocation.service.js';
import { fieldFeature } from './field.feature.js';

describeEachDatabase('field and events demo seed', (ctx) => {
  let app: FastifyInstance;
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  before(async () => {
    app = await createTestApp(ctx.db, {}, { clock });
    await peopleFeature.seedDemo!(app.services);
    await fieldFeature.seedDemo!(app.services);
    await eventsFeature.seedDemo!(app.services);
  });
  after(() => app.close());

  it('tells the 2017 story: effort in Leeds North East, nobody in Pudsey', async () => {
    const report = await allocationReport(app.services);
    assert.deepEqual(report.warnings.map((w) => [w.kind, w.seatCode]).sort(), [
      ['safe-seat-effort', 'E14000779'],
      ['target-without-anyone', 'E14000886'],
    ]);
    const viewer = await loginAs(app, 'viewer');
    const page = await viewer.get('/admin/field/allocation');
    assert.match(page.body, /24 hours a week go to Leeds North East/);
    assert.match(page.body, /Nobody is assigned to Pudsey/);
  });

  it('has a week of sessions in the target seats, with a weekly series in Pudsey', async () => {
    const week = await listEventSummaries(app.services, {
      to: new Date(clock.now().getTime() + 7 * 86_400_000).toISOString(),
    });
    assert.equal(week.length, 6);
    assert.ok(week.some((e) => e.seatCode === 'E14000886' && e.seriesId !== null));
    const all = await listEventSummaries(app.services, {});
    assert.equal(all.filter((e) => e.title === 'Pudsey Saturday canvass').length, 5);
  });
});
