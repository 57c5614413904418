import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { peopleFeature } from './people.feature.js';
import { listSegmentMembers, listSegments } from './segments.service.js';

describeEachDatabase('people demo seed', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('gives the demo supporters with constituencies, consent and a useful segment', async () => {
    assert.ok(peopleFeature.seedDemo);
    await peopleFeature.seedDemo(app.services);
    const viewer = await loginAs(app, 'viewer');
    const list = await viewer.get('/admin/people');
    assert.match(list.body, />\s*8 people\s*</);
    assert.match(list.body, /Doncaster Central/);
    const [segment] = await listSegments(ctx);
    assert.equal(segment?.name, 'Volunteers we can email');
    const members = await listSegmentMembers(ctx.db, segment.id);
    assert.deepEqual(members.map((m) => m.firstName).sort(), ['Amira', 'Elena', 'Grace']);
  });
});
