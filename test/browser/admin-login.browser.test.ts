import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  browserSkip,
  useBrowserSuite,
  logInThroughForm,
  watchConsole,
} from '../helpers/browser.js';
import { createStaff } from '../helpers/staff.js';

describe('staff login in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();

  it('refuses a wrong password with a message, then logs in, shows the dashboard and logs out', async () => {
    const staff = await createStaff(suite.server.app.services.db, {
      role: 'organiser',
      name: 'Olu Organiser',
    });
    const page = await suite.browser.newPage();
    const problems = watchConsole(page);

    await page.goto(`${suite.server.baseUrl}/admin`);
    assert.match(page.url(), /\/login/, 'anonymous visitors are sent to the login page');

    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: /log in/i }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('[role=alert]').innerText(), /email or password/i);
    assert.equal(await page.getByLabel('Email').inputValue(), staff.email, 'the email is kept');

    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: /log in/i }).click();
    await page.waitForURL(/\/admin$/);
    assert.equal(await page.locator('h1').innerText(), 'Dashboard');
    assert.match(await page.locator('.who').innerText(), /Olu Organiser/);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${suite.server.baseUrl}/admin`);
    assert.match(page.url(), /\/login/, 'the session is gone after logging out');
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
  });

  it('lays out the admin shell for a phone', async () => {
    const staff = await createStaff(suite.server.app.services.db, { role: 'viewer' });
    const context = await suite.browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    await logInThroughForm(page, suite.server.baseUrl, staff);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(overflow, false, 'no horizontal scrolling at 375 px');
    // The menu collapses behind a toggle on narrow screens and opens on tap.
    await page.getByText('Menu').click();
    assert.ok(await page.getByRole('link', { name: 'Dashboard' }).isVisible());
    await context.close();
  });
});
