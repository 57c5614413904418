import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';
import { messyCsv } from '../../src/features/people/import/fixtures/messy-fixtures.js';
import { findPersonByEmail } from '../../src/features/people/people.service.js';
import {
  browserSkip,
  useBrowserSuite,
  watchConsole,
  logInThroughForm,
} from '../helpers/browser.js';
import { createStaff } from '../helpers/staff.js';

function count(page: Page, name: string) {
  return page.locator(`[data-count="${name}"]`).innerText();
}

describe('people import in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();

  /** Upload → preview → mapping → dry run, up to the "Import" button. */
  async function toDryRun(page: Page, filename: string, expected: { created: string }) {
    await page.goto(`${suite.server.baseUrl}/admin/people/import`);
    await page
      .getByLabel('Spreadsheet')
      .setInputFiles({ name: filename, mimeType: 'text/csv', buffer: messyCsv() });
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    await page.waitForURL(/\/admin\/people\/import\/\d+$/);
    assert.equal(await page.locator('h1').innerText(), `Import ${filename}`);
    assert.equal(await page.getByLabel('Email address').inputValue(), 'email');
    assert.equal(await page.getByLabel('Email opt-in').inputValue(), 'consent:email');
    await page.getByLabel('Internal ID').selectOption('ignore');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.waitForURL(/\/dry-run$/);
    assert.equal(await count(page, 'created'), expected.created);
    assert.equal(await count(page, 'rejected'), '7');
    assert.match(
      await page.locator('.import-rejects').innerText(),
      /6\s+same email as row 2: only the first row with an email is imported/,
    );
  }

  it('uploads, maps, dry-runs, imports with a live progress bar and downloads rejected rows', async () => {
    const staff = await createStaff(suite.server.app.services.db, { role: 'organiser' });
    const context = await suite.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await logInThroughForm(page, suite.server.baseUrl, staff);
    await toDryRun(page, 'members.csv', { created: '6' });

    // Hold the worker so the progress page is seen before the job runs.
    await suite.server.worker.stop();
    await page.getByRole('button', { name: 'Import 6 rows' }).click();
    await page.waitForURL(/\/admin\/people\/import\/\d+$/);
    const bar = page.locator('progress#import-progress');
    assert.equal(await bar.getAttribute('value'), '0');
    assert.match(await page.locator('#import-status').innerText(), /Waiting to start/);
    suite.server.worker.start();

    // The script polls the status and shows the result when the job is done.
    await page.locator('.flash-success').waitFor({ timeout: 30_000 });
    assert.equal(await bar.evaluate((el) => (el as HTMLProgressElement).value), 100);
    assert.equal(await count(page, 'created'), '6');
    assert.equal(await count(page, 'consents'), '3');
    assert.ok(await findPersonByEmail(suite.server.app.services.db, 'kim@example.org'));

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download rejected rows (CSV)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'members-rejected.csv');
    const rows = parse(readFileSync(await download.path()), {
      bom: true,
      relax_column_count: true,
    });
    assert.equal(rows[0]?.at(-1), 'Rejected because');
    assert.deepEqual(
      rows.slice(1).map((r) => r[0]),
      [
        'not-an-email',
        '',
        'ann@example.org',
        'eve@example.org',
        'fay@example.org',
        'gus@example.org',
        'hal@example.org',
      ],
    );
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
    await context.close();
  });

  it('works without JavaScript: the progress page refreshes itself until done', async () => {
    const staff = await createStaff(suite.server.app.services.db, { role: 'organiser' });
    const context: BrowserContext = await suite.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await logInThroughForm(page, suite.server.baseUrl, staff);
    await toDryRun(page, 'again.csv', { created: '0' });
    await suite.server.worker.stop();
    await page.getByRole('button', { name: 'Import 6 rows' }).click();
    await page.waitForURL(/\/admin\/people\/import\/\d+$/);
    assert.match(await page.locator('#import-status').innerText(), /Waiting to start/);
    suite.server.worker.start();
    await page.locator('.flash-success').waitFor({ timeout: 30_000 });
    // Everyone was imported by the first test: this run changes nobody.
    assert.equal(await count(page, 'unchanged'), '6');
    await context.close();
  });
});
