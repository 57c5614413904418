import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loadUkCommons } from '../targets/uk-commons.service.js';
import { DEMO_TRACKER_SLUG, seedTrackersDemo } from './trackers.seed.js';
import { getTrackerBySlug, loadBoard, trackerHistory } from './trackers.service.js';

describeEachDatabase('trackers demo', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
    await loadUkCommons(app.services);
    await seedTrackersDemo(app.services);
  });
  after(() => app.close());

  it('runs a nomination drive over the Labour MPs, with twenty changes and evidence', async () => {
    const tracker = await getTrackerBySlug(app.services, DEMO_TRACKER_SLUG);
    assert.ok(tracker?.published);
    assert.equal(tracker.threshold, 35);
    const board = await loadBoard(app.services, tracker);
    assert.ok(board.entries.length > 150, `${board.entries.length} Labour MPs`);
    assert.ok(board.entries.every((e) => e.party?.startsWith('Labour')));
    assert.equal(board.count, 12);
    const history = await trackerHistory(app.services, { tracker, board, page: 1 });
    assert.equal(history.total, 20);
    assert.ok(history.entries.every((h) => h.evidenceUrl?.startsWith('https://example.org/')));
    assert.ok(board.regions.length > 5, 'MPs from many regions');

    const page = await app.inject(`/trackers/${DEMO_TRACKER_SLUG}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Nominate a libraries champion/);
    assert.ok(page.body.includes('href="/storms/save-our-libraries"'), 'contact them: the storm');
    assert.match(page.body, /href="\/letters\/fund-our-libraries\?target=\d+"/);
    const json = await app.inject(`/trackers/${DEMO_TRACKER_SLUG}.json`);
    assert.equal(json.json<{ count: number }>().count, 12);
  });
});
