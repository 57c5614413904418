import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  browserSkip,
  logInThroughForm,
  useBrowserSuite,
  watchConsole,
} from '../../../test/helpers/browser.js';
import { createStaff } from '../../../test/helpers/staff.js';
import { LIVE_POLL_MS } from './trackers.public.views.js';
import { createTracker } from './trackers.service.js';
import { makeTargets, trackerForm } from './trackers.test-support.js';

/** Waits, from outside the page (its timers are faked), until the text is as expected. */
async function waitForText(page: Page, selector: string, expected: string): Promise<void> {
  let last = '';
  for (let i = 0; i < 50; i++) {
    last = (await page.locator(selector).textContent())?.trim() ?? '';
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${selector}: expected "${expected}", still "${last}"`);
}

describe('tracker boards in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();

  it('shows an organiser’s status change on an open public board, live and after reload', async () => {
    const { services } = suite.server.app;
    const targets = await makeTargets(services.db);
    const created = await createTracker(
      services,
      trackerForm(targets.listId, { slug: 'nominate-live', letterSlug: 'write-to-them' }),
      null,
    );
    assert.ok(created.ok);
    const tracker = created.record;
    const alice = targets.ids.Alice as number;
    const boardUrl = `${suite.server.baseUrl}/trackers/nominate-live`;
    const card = `[data-tk-target="${alice}"]`;

    // The public board, open on a phone before the change.
    const publicContext = await suite.browser.newContext({ viewport: { width: 375, height: 740 } });
    const board = await publicContext.newPage();
    const problems = watchConsole(board);
    await board.clock.install();
    await board.goto(boardUrl);
    assert.equal(await board.locator(`${card} [data-tk-status]`).innerText(), 'no reply');
    assert.equal(await board.locator('[data-tk-count]').innerText(), '0');
    assert.equal(await board.locator(`${card} [data-tk-evidence]`).isVisible(), false);
    assert.equal(
      await board.locator(`${card} a`, { hasText: 'Write to Alice Able' }).getAttribute('href'),
      `/letters/write-to-them?target=${alice}`,
    );
    const overflow = await board.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(overflow, false, 'no horizontal scrolling on a phone');

    // The organiser changes Alice's status from the admin board.
    const organiser = await createStaff(services.db, {
      role: 'organiser',
      name: 'Olive Organiser',
    });
    const adminContext = await suite.browser.newContext();
    const admin = await adminContext.newPage();
    const adminProblems = watchConsole(admin);
    await logInThroughForm(admin, suite.server.baseUrl, organiser);
    await admin.goto(`${suite.server.baseUrl}/admin/trackers/${tracker.id}`);
    await admin.getByLabel('New status for Alice Able').selectOption('nominated');
    await admin
      .getByLabel('Evidence link for Alice Able')
      .fill('https://example.org/alice-nominates');
    await admin.getByRole('button', { name: 'Save Alice Able' }).click();
    await admin.waitForLoadState();
    assert.match(await admin.locator('.flash').innerText(), /Alice Able is now "nominated"/);

    // The open board catches up at its next poll, without a reload.
    await board.clock.fastForward(LIVE_POLL_MS + 500);
    await waitForText(board, `${card} [data-tk-status]`, 'nominated');
    await waitForText(board, '[data-tk-count]', '1');
    assert.equal(
      await board.locator(`${card} [data-tk-evidence]`).getAttribute('href'),
      'https://example.org/alice-nominates',
    );
    assert.equal(await board.locator(`${card} [data-tk-when]`).isVisible(), true);
    assert.equal(await board.locator('[data-tk-status-count="nominated"]').innerText(), '1');
    assert.equal(await board.locator('[data-tk-progress]').getAttribute('max'), '2');
    assert.equal(await board.evaluate(() => document.querySelector('progress')?.value), 1);

    await board.reload();
    assert.equal(await board.locator(`${card} [data-tk-status]`).innerText(), 'nominated');
    assert.equal(await board.locator('[data-tk-count]').innerText(), '1');

    // The filter form works as a plain GET form.
    await board.getByLabel('Status', { exact: true }).selectOption('nominated');
    await board.getByRole('button', { name: 'Show' }).click();
    await board.waitForURL(/status=nominated/);
    assert.deepEqual(await board.locator('.tk-card h3').allInnerTexts(), ['Alice Able']);

    // And the history records who did it.
    await admin.goto(`${suite.server.baseUrl}/admin/trackers/${tracker.id}/targets/${alice}`);
    assert.match(await admin.locator('main').innerText(), /Olive Organiser/);

    assert.deepEqual(problems, [], 'no script errors or CSP violations on the board');
    assert.deepEqual(adminProblems, [], 'no script errors or CSP violations in admin');
    await publicContext.close();
    await adminContext.close();
  });
});
