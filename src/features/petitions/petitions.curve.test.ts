import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff } from '../../../test/helpers/staff.js';
import { signThroughApi } from './petitions-feed.service.js';
import { publishedPetition } from './petitions.test-support.js';

describeEachDatabase('petition time curve', (ctx) => {
  const suite = appWithStaff(ctx, ['viewer']);

  it('shows signatures per day as a chart and table, and downloads the series as CSV', async () => {
    const petition = await publishedPetition(suite.app.services, {
      title: 'Curve',
      slug: 'curve',
    });
    const empty = await suite.as.viewer.get(`/admin/petitions/${petition.id}/curve`);
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /No signatures yet/);
    for (const name of ['Ada One', 'Bea Two', 'Cy Three'])
      await signThroughApi(suite.app.services, {
        petitionId: petition.id,
        name,
        email: `${name.split(' ')[0]!.toLowerCase()}@example.org`,
        postcode: 'LS28 5AB',
        answer: null,
        membershipNumber: null,
        consentWording: null,
        showName: false,
        ip: '192.0.2.1',
      });
    const page = await suite.as.viewer.get(`/admin/petitions/${petition.id}/curve`);
    assert.match(page.body, /<svg/);
    const today = new Date().toISOString().slice(0, 10);
    assert.match(
      page.body,
      new RegExp(`<th scope="row">${today}</th><td class="num">3</td><td class="num">0</td>`),
    );
    const csv = await suite.as.viewer.get(`/admin/petitions/${petition.id}/curve.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-disposition'] as string, /curve-signatures-by-day\.csv/);
    assert.equal(csv.body.trim(), `day,signed,confirmed\n${today},3,0`);
    assert.equal((await suite.as.viewer.get('/admin/petitions/999999/curve.csv')).statusCode, 404);
  });
});
