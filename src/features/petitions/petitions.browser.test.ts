import assert from 'node:assert/strict';
import { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type LiveServer,
  browserSkip,
  useBrowserSuite,
  watchConsole,
} from '../../../test/helpers/browser.js';
import { OffsetClock } from '../../infra/clock/clock.js';
import { COUNT_REFRESH_MS } from './live-counts.js';
import { SNAPSHOT_TTL_MS } from './public-cache.js';
import { MIN_FILL_MS } from './form-token.js';
import { publishedPetition } from './petitions.test-support.js';

async function outboxLink(server: LiveServer, to: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const row = await server.app.services.db.kysely
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', to)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const link = row ? /https?:\/\/\S+\/confirm\/\S+/.exec(row.text_body)?.[0] : undefined;
    if (link) return link;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no confirmation mail to ${to}`);
}

/** The app's clock: a signer's reading time passes when the test moves it, not by waiting. */
const clock = new OffsetClock();

async function signOnPage(page: Page, url: string, email: string) {
  await page.goto(url);
  await page.getByLabel('Your name').fill('Rosa Parks');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Postcode').fill('LS28 5AB');
  // A person takes a moment to read; the form refuses instant submissions.
  clock.advance(MIN_FILL_MS);
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  await page.waitForLoadState();
}

describe('signing a petition in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite({}, { clock });

  it('signs, confirms from the outbox link, counts once, and not again when signing twice', async () => {
    const ctx = suite.server.app.services;
    const created = await publishedPetition(ctx, {
      title: 'Plant more trees',
      slug: 'plant-more-trees',
      body: 'Every street deserves trees.',
      goal: '10',
      thankYou: 'Thanks for planting with us.',
    });
    const url = `${suite.server.baseUrl}/p/plant-more-trees`;

    const context = await suite.browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await signOnPage(page, url, 'rosa@example.org');
    assert.match(await page.locator('h1').innerText(), /Check your email/);

    await page.goto(await outboxLink(suite.server, 'rosa@example.org'));
    assert.match(await page.locator('h1').innerText(), /Confirm your signature/);
    await page.getByRole('button', { name: 'Confirm my signature' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('h1').innerText(), /confirmed/);
    assert.match(await page.locator('main').innerText(), /Thanks for planting with us/);

    await page.goto(url);
    // The live script brings a page cached a moment before the confirmation up to date.
    await page.waitForFunction(
      () => document.querySelector('[data-live-count]')?.textContent === '1',
      undefined,
      { timeout: 5000 },
    );
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(overflow, false, 'no horizontal scrolling on a phone');

    await signOnPage(page, url, 'Rosa@Example.org');
    assert.match(await page.locator('h1').innerText(), /Check your email/);
    // The answer comes once the signature is committed, so the table is final here.
    const rows = await suite.server.app.services.db.kysely
      .selectFrom('petition_signatures')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('petition_id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), 1, 'the second signature by the same person is not stored');
    // Past the cached page and count, so the page shows the database's count.
    clock.advance(Math.max(COUNT_REFRESH_MS, SNAPSHOT_TTL_MS) + 1);
    await page.goto(url);
    assert.equal(
      await page.locator('[data-live-count]').innerText(),
      '1',
      'signing twice does not count twice',
    );
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
    await context.close();
  });

  it('frames the embed widget on another site, live count and all, but never the full page', async () => {
    const ctx = suite.server.app.services;
    await publishedPetition(ctx, {
      title: 'Fix the buses',
      slug: 'fix-the-buses',
      body: 'Buses every ten minutes.',
      goal: '100',
      thankYou: 'Thanks.',
    });
    const url = `${suite.server.baseUrl}/p/fix-the-buses`;
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(url);
    const snippet = await page.locator('#pt-embed-code').inputValue();
    assert.match(snippet, /<iframe src="http:\/\/127\.0\.0\.1:\d+\/p\/fix-the-buses\/embed"/);

    // Another site (another origin: localhost, not 127.0.0.1) pastes the snippet, and someone
    // tries to frame the full page too.
    const other = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><title>Blog</title>${snippet}<iframe id="full" src="${url}"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => other.listen(0, 'localhost', resolve));
    try {
      const port = (other.address() as AddressInfo).port;
      await page.goto(`http://localhost:${port}/`);
      const widget = page.frameLocator('iframe[title="Fix the buses"]');
      await widget.getByRole('link', { name: 'Sign now' }).waitFor({ timeout: 5000 });
      assert.equal(await widget.locator('[data-live-count]').innerText(), '0');
      assert.equal(
        await widget.getByRole('link', { name: 'Sign now' }).getAttribute('target'),
        '_blank',
        'signing opens the full page, never inside the other site',
      );
      const framed = await (await page.locator('#full').elementHandle())?.contentFrame();
      assert.ok(framed);
      assert.equal(
        await framed.locator('text=Buses every ten minutes').count(),
        0,
        `the full page refuses to be framed (frame at ${framed.url()})`,
      );
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
    assert.ok(
      problems.every((p) => /frame-ancestors|Refused to (display|frame)/.test(p)),
      problems.join('\n'),
    );
    await context.close();
  });
});
