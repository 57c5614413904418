import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff } from '../../../test/helpers/staff.js';
import { loadMps, openCampaign } from './letters.test-support.js';

describeEachDatabase('letter campaign time curve', (ctx) => {
  const suite = appWithStaff(ctx, ['viewer']);

  it('has an empty state, a CSV with its header, and 404 for no campaign', async () => {
    const mps = await loadMps(suite.app);
    const campaign = await openCampaign(suite.app, mps.listId);
    const detail = await suite.as.viewer.get(`/admin/letters/${campaign.id}`);
    assert.match(detail.body, new RegExp(`href="/admin/letters/${campaign.id}/curve"`));
    const page = await suite.as.viewer.get(`/admin/letters/${campaign.id}/curve`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /No letters yet/);
    const csv = await suite.as.viewer.get(`/admin/letters/${campaign.id}/curve.csv`);
    assert.equal(csv.body.trim(), 'day,written,confirmed,delivered');
    assert.equal((await suite.as.viewer.get('/admin/letters/999999/curve')).statusCode, 404);
  });
});
