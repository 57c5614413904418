import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAsNew } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { setPermission } from '../staff/permissions.service.js';
import { casesFeature } from './cases.feature.js';

describeEachDatabase('conduct cases: demo seed', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('gives the demo cases in different states, one of them late', async () => {
    await casesFeature.seedDemo?.(app.services);
    const { client, user } = await loginAsNew(app, 'viewer');
    await setPermission(
      app.services,
      { userId: user.id, permission: 'caseworker', granted: true },
      null,
    );
    const list = await client.get('/admin/cases');
    for (const status of ['Received', 'Investigating', 'appeal window open', 'Closed'])
      assert.match(list.body, new RegExp(status));
    const late = await client.get('/admin/cases?late=1');
    assert.match(late.body, /Stall volunteer/);
    const report = await new TestClient(app).get('/transparency');
    assert.match(report.body, /data-figure="received">fewer than 5</);
  });
});
