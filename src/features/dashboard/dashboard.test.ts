import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff, loginAs, loginAsNew } from '../../../test/helpers/staff.js';
import { FEATURES } from '../index.js';
import { RECENT_EVENTS_SHOWN } from './dashboard.feature.js';

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
    assert.doesNotMatch(page.body, /<li class="card">\s*<h2><a href="\/admin\/users">/);

    const owner = await loginAs(suite.app, 'owner');
    const ownerPage = await owner.get('/admin');
    assert.match(ownerPage.body, /<li class="card">\s*<h2><a href="\/admin\/users">Staff<\/a>/);
  });

  it(`lists the ${RECENT_EVENTS_SHOWN} most recent audit events with who did them`, async () => {
    const { client: owner, user } = await loginAsNew(suite.app, 'owner', {
      name: 'Audrey Auditor',
    });
    for (let i = 0; i < RECENT_EVENTS_SHOWN + 5; i++) {
      await suite.app.services.audit.record({
        actorUserId: user.id,
        action: `test.event-${i}`,
        subjectType: 'thing',
        subjectId: i,
      });
    }
    const page = await owner.get('/admin');
    const rows = page.body.match(/<code>test\.event-\d+<\/code>/g) ?? [];
    assert.equal(rows.length, RECENT_EVENTS_SHOWN);
    assert.match(page.body, /test\.event-24/);
    assert.doesNotMatch(page.body, /test\.event-4</);
    assert.match(page.body, /Audrey Auditor/);
    assert.match(page.body, /thing 24/);
  });

  it('shows events from the staff pages', async () => {
    const owner = await loginAs(suite.app, 'owner');
    await owner.get('/admin/users');
    await owner.post('/admin/users', {
      email: 'dashboard-new@example.org',
      name: 'Dee',
      role: 'viewer',
    });
    const page = await owner.get('/admin');
    assert.match(page.body, /<code>staff\.create<\/code>/);
  });
});
