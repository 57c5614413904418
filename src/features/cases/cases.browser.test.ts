import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  browserSkip,
  logInThroughForm,
  useBrowserSuite,
  watchConsole,
} from '../../../test/helpers/browser.js';
import { createStaff } from '../../../test/helpers/staff.js';
import { setPermission } from '../staff/permissions.service.js';

describe('Conduct cases in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();

  it('takes a complaint from the public form to a decision in the respondent’s inbox', async () => {
    const { app, baseUrl } = suite.server;
    const db = app.services.db.kysely;
    const latestMailTo = async (to: string) =>
      db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', to)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
    const linkIn = (text: string, path: string) =>
      new RegExp(`${baseUrl}/${path}/[\\w-]+`).exec(text)?.[0] ?? '';

    const context = await suite.browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    const fitsPhone = (p: typeof page) =>
      p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

    // The complainant, without an account.
    await page.goto(`${baseUrl}/complaints/new`);
    assert.ok(await fitsPhone(page), 'the complaint form fits a phone');
    await page.getByLabel('Your email address').fill('cara@example.org');
    await page.getByLabel('What is it about?').selectOption('harassment');
    await page.getByLabel('Who is the complaint about?').fill('Rob Respondent');
    await page.getByLabel(/Their email address/).fill('rob@example.org');
    await page.getByLabel('What happened?').fill('He followed a passer-by shouting at her.');
    await page.getByLabel(/Do not tell/).check();
    await page.getByRole('button', { name: 'Send the complaint' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await page.goto(
      linkIn((await latestMailTo('cara@example.org')).text_body, 'complaints/confirm'),
    );
    await page.getByRole('button', { name: 'Confirm my complaint' }).click();
    await page.getByText('Your complaint is confirmed').waitFor();

    // The caseworker.
    const handler = await createStaff(app.services.db, { role: 'viewer', name: 'Hana Handler' });
    await setPermission(
      app.services,
      { userId: handler.id, permission: 'caseworker', granted: true },
      null,
    );
    const staffPage = await context.newPage();
    await logInThroughForm(staffPage, baseUrl, handler);
    await staffPage
      .getByRole('list', { name: 'Sections' })
      .getByRole('link', { name: 'Conduct cases' })
      .click();
    await staffPage
      .getByRole('link', { name: /^#\d+$/ })
      .first()
      .click();
    for (const button of [
      'Handle this case',
      'Acknowledge',
      'Start investigating',
      'Tell the respondent what is alleged',
    ]) {
      await staffPage.getByRole('button', { name: button }).click();
      await staffPage.waitForURL(/\/admin\/cases\/\d+$/);
    }

    // The respondent replies through the link in their email.
    const told = await latestMailTo('rob@example.org');
    assert.doesNotMatch(told.text_body, /cara/i, 'the complainant asked not to be named');
    const replyPage = await context.newPage();
    await replyPage.goto(linkIn(told.text_body, 'cases/respond'));
    await replyPage
      .getByLabel('Your reply')
      .fill('I was trying to give her a leaflet she dropped.');
    await replyPage.getByRole('button', { name: 'Send my reply' }).click();
    await replyPage.getByText('your reply is part of the case').waitFor();

    // The decision, with reasons, reaches the respondent.
    await staffPage.reload();
    assert.match(await staffPage.locator('main').innerText(), /leaflet she dropped/);
    assert.ok(await fitsPhone(staffPage), 'the case page fits a phone');
    await staffPage.getByLabel('Outcome').selectOption('warning');
    await staffPage
      .getByLabel('Reasons (sent to the respondent)')
      .fill('Following someone who said no is harassment.');
    await staffPage.getByRole('button', { name: 'Propose the decision' }).click();
    await staffPage.waitForURL(/\/admin\/cases\/\d+$/);
    assert.match(await staffPage.locator('[role=status]').innerText(), /Decision issued/);
    const outcome = await latestMailTo('rob@example.org');
    assert.match(outcome.subject, /Warning/);
    assert.match(outcome.text_body, /Following someone who said no is harassment\./);
    assert.match(outcome.text_body, /cases\/appeal\//);
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
    await context.close();
  });
});
