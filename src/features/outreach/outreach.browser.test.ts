import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  browserSkip,
  logInThroughForm,
  useBrowserSuite,
  watchConsole,
} from '../../../test/helpers/browser.js';
import { createStaff } from '../../../test/helpers/staff.js';
import { upsertPerson } from '../people/people.service.js';
import { outreachFeature } from './outreach.feature.js';
import { ABUSIVE_POST } from './outreach.test-support.js';

describe('"Not in our name" in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();

  it('records a post on a phone, previews and sends the request, and shows the dashboard', async () => {
    const { app, baseUrl } = suite.server;
    await upsertPerson(app.services.db, {
      email: 'amira.hassan@example.org',
      firstName: 'Amira',
      customFields: { twitter: '@amira_h' },
      source: 'test',
    });
    await outreachFeature.seedDemo?.(app.services);
    const staff = await createStaff(app.services.db, { role: 'moderator', name: 'Mo' });

    const context = await suite.browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    const horizontalOverflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    await logInThroughForm(page, baseUrl, staff);
    await page.getByRole('link', { name: 'Not in our name' }).click();
    await page.getByRole('link', { name: 'Record a post' }).click();
    await page.getByLabel('Address of the post').fill('https://x.com/AMIRA_H/status/42');
    await page.getByLabel('Text of the post').fill(ABUSIVE_POST);
    await page.getByRole('button', { name: 'Record the post' }).click();
    await page.waitForURL(/\/admin\/outreach\/\d+$/);
    assert.match(await page.locator('[role=status]').innerText(), /Matched by handle amira_h/);
    assert.ok((await page.locator('mark').count()) > 0, 'the flagged words are highlighted');

    await page.getByRole('link', { name: 'Preview and send the request' }).click();
    assert.match(await page.locator('pre.outreach-email').innerText(), /^Hello Amira,/);
    assert.equal(await horizontalOverflow(), false, 'the preview fits a phone');
    await page.getByRole('button', { name: 'Send this request' }).click();
    await page.waitForURL(/\/admin\/outreach\/\d+$/);
    assert.match(await page.locator('main').innerText(), /Request sent/);

    await page.getByRole('link', { name: 'Dashboard' }).last().click();
    assert.ok(await page.locator('svg[role=img]').isVisible());
    assert.equal(await horizontalOverflow(), false, 'the dashboard fits a phone');
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
    await context.close();
  });
});
