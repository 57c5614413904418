import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff } from '../../../test/helpers/staff.js';

describeEachDatabase('public home page', (ctx) => {
  const suite = appWithStaff(ctx, []);

  it('links to what the public can do, with no script needed', async () => {
    const res = await suite.app.inject({ url: '/', headers: { accept: 'text/html' } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<a href="\/find-your-mp">Find your MP<\/a>/);
    assert.doesNotMatch(
      res.body,
      /<script(?![^>]*src="\/assets\/)/,
      'no inline or third-party script',
    );
  });
});
