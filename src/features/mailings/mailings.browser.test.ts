import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  browserSkip,
  logInThroughForm,
  useBrowserSuite,
  watchConsole,
} from '../../../test/helpers/browser.js';
import { createStaff } from '../../../test/helpers/staff.js';
import { addSupporter, tagSegment } from './mailings.test-support.js';

describe('a mailing in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();

  it('composes, previews, test-sends, sends and reads the audit', async () => {
    const { app, baseUrl } = suite.server;
    const db = app.services.db;
    const staff = await createStaff(db, { role: 'organiser' });
    const ada = await addSupporter(db, { firstName: 'Ada', tags: ['browser'] });
    await addSupporter(db, { firstName: null, tags: ['browser'] });
    await tagSegment(app.services, 'browser');

    const page = await (await suite.browser.newContext()).newPage();
    const problems = watchConsole(page);
    await logInThroughForm(page, baseUrl, staff);
    await page.goto(`${baseUrl}/admin/mailings/new`);
    await page.getByLabel('Subject', { exact: true }).fill('Hello {{first_name|friend}}');
    await page.getByLabel('From name').fill('Ada at Save Our Libraries');
    await page
      .getByLabel('Message (Markdown)')
      .fill('Dear {{first_name|friend}},\n\nThe library needs you.');
    await page.getByLabel('Send to these segments').selectOption({ index: 0 });
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/admin\/mailings\/\d+$/);
    assert.equal(await page.locator('[data-recipients]').textContent(), '2');

    await page.getByLabel('Preview as (email of a supporter)').fill(ada.email);
    await page.getByRole('button', { name: 'Preview' }).click();
    assert.equal(await page.locator('[data-preview-subject]').textContent(), 'Hello Ada');

    await page.locator('#test-to').fill(staff.email);
    await Promise.all([
      page.waitForURL(/\/admin\/mailings\/\d+$/),
      page.locator('#test-to').press('Enter'),
    ]);
    await page.getByText(`Test sent to ${staff.email}.`).waitFor();

    await page.getByRole('button', { name: 'Schedule or send now' }).click();
    await page.getByText('Sending: the report below fills in as it goes.').waitFor();
    for (let i = 0; i < 100 && !(await page.locator('[data-count="sent"]').count()); i++) {
      await page.waitForTimeout(200);
      await page.reload();
    }
    assert.equal(await page.locator('[data-count="sent"]').textContent(), '2');

    await page.getByRole('link', { name: 'Delivery audit' }).click();
    assert.equal(await page.locator('[data-delivered]').textContent(), '2');
    assert.deepEqual(problems, []);
  });
});
