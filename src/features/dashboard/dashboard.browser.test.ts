import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  browserSkip,
  logInThroughForm,
  useBrowserSuite,
  watchConsole,
} from '../../../test/helpers/browser.js';
import { createStaff } from '../../../test/helpers/staff.js';
import { recordActivity, upsertPerson } from '../people/people.service.js';

describe('dashboard in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();

  it('shows the numbers, the chart with its table, switches period and opens the activity link', async () => {
    const { db } = suite.server.app.services;
    const staff = await createStaff(db, { role: 'viewer' });
    const { id } = await upsertPerson(db, {
      email: 'sam.ng@example.org',
      firstName: 'Sam',
      lastName: 'Ng',
      source: 'stall:pudsey',
    });
    await recordActivity(db, id, {
      kind: 'comment',
      summary: 'Commented on "Keep our libraries open"',
      refType: 'comment',
      refId: 1,
    });
    const page = await suite.browser.newPage();
    const problems = watchConsole(page);
    await logInThroughForm(page, suite.server.baseUrl, staff);
    await page.goto(`${suite.server.baseUrl}/admin`);
    assert.equal(await page.locator('[data-stat="New supporters"]').innerText(), '1');
    assert.ok(await page.locator('figure.dashboard-chart svg[role="img"]').isVisible());
    assert.equal(await page.getByRole('table', { name: 'By day' }).locator('tbody tr').count(), 30);
    await page.getByRole('link', { name: '7 days' }).click();
    await page.waitForURL(/period=7/);
    assert.equal(await page.getByRole('table', { name: 'By day' }).locator('tbody tr').count(), 7);
    const sentence = page.locator('.activity-list li').first();
    assert.match(await sentence.innerText(), /^Sam Ng commented on "Keep our libraries open"/);
    await sentence.getByRole('link', { name: 'Sam Ng' }).click();
    await page.waitForURL(new RegExp(`/admin/people/${id}$`));
    assert.deepEqual(problems, []);
  });
});
