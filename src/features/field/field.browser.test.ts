import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  browserSkip,
  logInThroughForm,
  useBrowserSuite,
  watchConsole,
} from '../../../test/helpers/browser.js';
import { createStaff } from '../../../test/helpers/staff.js';
import { isoToLondonInput } from '../../infra/clock/london-time.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { createEvent } from '../events/events.service.js';
import { markTargetSeat } from './field.service.js';

const PHONE = { width: 375, height: 740 };

describe('nearest marginal to check-in, in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();

  it('finds the nearest marginal from a postcode, signs up, confirms by email and is checked in on a phone', async () => {
    const services = suite.server.app.services;
    await loadUkConstituencies(services.db);
    await markTargetSeat(services, { code: 'E14000886', note: 'Held by 331 votes' }, null);
    const start = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const day = isoToLondonInput(start).slice(0, 10);
    const created = await createEvent(
      services,
      {
        type: 'canvass',
        title: 'Pudsey Saturday canvass',
        description: 'Meet at the library.',
        startsAt: `${day}T10:00`,
        endsAt: `${day}T12:00`,
        venue: 'Pudsey Library',
        postcode: 'LS28 7BL',
        onlineUrl: '',
        capacity: '10',
        waitingList: true,
        hostName: 'Hana',
        hostStaffId: '',
        visibility: 'public',
        repeat: '',
        repeatUntil: '',
      },
      null,
    );
    assert.ok(created.ok);

    const context = await suite.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${suite.server.baseUrl}/nearest-marginal`);
    await page.getByLabel('Postcode').fill('ls18 5hd');
    await page.getByRole('button', { name: "Find where I'm needed" }).click();
    await page.getByRole('status').filter({ hasText: 'LS18 5HD is in' }).waitFor();
    assert.match((await page.getByRole('status').first().textContent()) ?? '', /Pudsey/);
    await page.getByRole('link', { name: 'Pudsey Saturday canvass' }).click();

    await page.getByLabel('Your name').fill('Robin Volunteer');
    await page.getByLabel('Email', { exact: true }).fill('robin@example.org');
    await page.getByLabel('Postcode').fill('LS18 5HD');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    const mail = await services.db.kysely
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', 'robin@example.org')
      .where('category', '=', 'events.confirm')
      .executeTakeFirstOrThrow();
    const link = /(http:\/\/[^\s]+\/events\/rsvp\/confirm\/[A-Za-z0-9_-]+)/.exec(
      mail.text_body,
    )?.[1];
    assert.ok(link);
    await page.goto(link);
    await page.getByRole('button', { name: 'Yes, I am coming' }).click();
    await page.getByRole('heading', { name: 'You are going!' }).waitFor();

    // The host, on a phone, with no script needed: one press checks Robin in.
    const host = await createStaff(services.db, { role: 'moderator' });
    const hostPage = await (
      await suite.browser.newContext({ viewport: PHONE, javaScriptEnabled: false })
    ).newPage();
    await logInThroughForm(hostPage, suite.server.baseUrl, host);
    await hostPage.goto(`${suite.server.baseUrl}/admin/events/${created.ok ? created.ids[0] : 0}`);
    assert.match(
      (await hostPage.getByTestId('counts').textContent()) ?? '',
      /1 going · 0 checked in/,
    );
    const button = hostPage.getByRole('button', { name: 'Check in Robin Volunteer' });
    const box = await button.boundingBox();
    assert.ok(box && box.x + box.width <= PHONE.width, 'the button fits on the phone screen');
    await button.click();
    await hostPage.getByTestId('counts').filter({ hasText: '1 checked in' }).waitFor();
    // The organiser's hex map draws under the page's CSP (no inline styles, no scripts).
    await logInThroughForm(page, suite.server.baseUrl, host);
    await page.goto(`${suite.server.baseUrl}/admin/field/seats?party=lab&election=2017`);
    assert.equal(await page.locator('svg.hexmap path').count(), 650);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
