import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff, loginAs, loginAsNew } from '../../../test/helpers/staff.js';
import { FEATURES } from '../index.js';
import { recordActivity, recordConsent, upsertPerson } from '../people/people.service.js';
import { ACTIVITY_PAGE_SIZE } from './dashboard.service.js';

describeEachDatabase('admin dashboard', (ctx) => {
  const suite = appWithStaff(ctx, []);

  it('is the first admin nav entry', () => {
    assert.deepEqual(suite.app.adminNav[0], { href: '/admin', label: 'Dashboard', role: 'viewer' });
    assert.equal(FEATURES[0]?.name, 'dashboard');
  });

  it('welcomes by name and shows a card for each section the role may open', async () => {
    const { client: viewer } = await loginAsNew(suite.app, 'viewer', { name: 'Val Viewer' });
    const page = await viewer.get('/admin');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Welcome, Val Viewer/);
    const cards = page.body.match(/<li class="card">/g) ?? [];
    const visible = suite.app.adminNav.filter(
      (n) => n.href !== '/admin' && n.role === 'viewer' && !n.permission,
    );
    assert.equal(cards.length, visible.length);
    assert.doesNotMatch(page.body, /<a href="\/admin\/users">Staff<\/a>/);
    const owner = await loginAs(suite.app, 'owner');
    assert.match((await owner.get('/admin')).body, /<a href="\/admin\/users">Staff<\/a>/);
  });

  it('shows an empty campaign as zeros and "nothing yet", not an error', async () => {
    const owner = await loginAs(suite.app, 'owner');
    const page = await owner.get('/admin?period=7');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-stat="New supporters">0</);
    assert.match(page.body, /Nothing has happened yet|signed|Signed/);
    assert.match(page.body, /<svg/);
  });

  it('counts new supporters, net growth, actions and sources for the period, and tells the activity in English', async () => {
    const db = suite.app.services.db;
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { id } = await upsertPerson(db, {
        email: `dash-${i}@example.org`,
        firstName: 'Sam',
        lastName: `Ng${i}`,
        postcode: 'LS28 5AB',
        source: i < 3 ? 'stall:pudsey' : 'petition:libraries',
      });
      ids.push(id);
      await recordActivity(db, id, {
        kind: 'signed',
        summary: 'Signed the petition "Keep our libraries open"',
        refType: 'petition',
        refId: 7,
      });
    }
    await recordConsent(db, ids[0]!, {
      channel: 'email',
      status: 'withdrawn',
      method: 'form',
      wording: 'Unsubscribed',
      source: 'test',
    });
    const owner = await loginAs(suite.app, 'owner');
    const page = await owner.get('/admin?period=30');
    assert.match(page.body, /data-stat="New supporters">4</);
    assert.match(page.body, /data-stat="Net growth">\+3</);
    assert.match(page.body, /after 1 unsubscribed and 0 erased/);
    assert.match(page.body, /<th scope="row">Signatures<\/th>\s*<td class="num">4</);
    assert.match(page.body, /<code>stall:pudsey<\/code><\/th>\s*<td class="num">3</);
    assert.match(
      page.body,
      /<a href="\/admin\/people\/\d+">Sam Ng3<\/a> <a href="\/admin\/petitions\/7">signed the petition &quot;Keep our libraries open&quot;<\/a>/,
    );
  });

  it(`pages the activity list ${ACTIVITY_PAGE_SIZE} at a time`, async () => {
    const db = suite.app.services.db;
    const { id } = await upsertPerson(db, { email: 'pager@example.org', source: 'test' });
    for (let i = 0; i < ACTIVITY_PAGE_SIZE + 3; i++)
      await recordActivity(db, id, { kind: 'comment', summary: `Commented on "Thread ${i}"` });
    const owner = await loginAs(suite.app, 'owner');
    const first = await owner.get('/admin');
    assert.equal(
      (first.body.match(/<li>\s*<a href="\/admin\/people\/\d+"/g) ?? []).length,
      ACTIVITY_PAGE_SIZE,
    );
    const older = /href="(\/admin\?period=30&amp;before=\d+)#activity"\s+rel="next"/.exec(
      first.body,
    );
    assert.ok(older, 'an Older link');
    const second = await owner.get(older[1]!.replace('&amp;', '&'));
    assert.match(second.body, /Newest/);
    assert.match(second.body, /commented on &quot;Thread 0&quot;/);
  });

  it('answers a period it does not offer with a 400 naming the choices', async () => {
    const owner = await loginAs(suite.app, 'owner');
    const page = await owner.get('/admin?period=12');
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /7, 30, 90 days/);
  });
});
