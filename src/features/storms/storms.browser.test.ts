import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserSkip, useBrowserSuite, watchConsole } from '../../../test/helpers/browser.js';
import { THREAT, THREAT_WORDS } from '../../../test/helpers/civility.js';
import { isoToLondonInput } from '../../infra/clock/london-time.js';
import { changeStatus, createStorm } from './storms.service.js';
import { OffsetClock } from '../../infra/clock/clock.js';
import { MIN_FILL_MS } from './storm-tokens.js';

const VARIANTS = [
  'Libraries are where children learn to read. Fund every public library.',
  'My local library is a warm room and a friendly face. Keep it open.',
  'Every library that closes takes books away from our community.',
];
const SUFFIX_X = ' @LibMinister #SaveOurLibraries https://example.org/petition';
const SUFFIX_BLUESKY = ' #SaveOurLibraries https://example.org/petition';

const minutesFromNow = (m: number) =>
  isoToLondonInput(new Date(Date.now() + m * 60_000).toISOString());

describe('a storm in Chromium', { skip: browserSkip }, () => {
  /** The app's clock: the time to post elsewhere passes when the test moves it. */
  const clock = new OffsetClock();
  const suite = useBrowserSuite({}, { clock });

  async function liveStorm(slug: string) {
    const ctx = suite.server.app.services;
    const created = await createStorm(
      ctx,
      {
        title: 'Save our libraries',
        slug,
        description: 'Post with us.',
        startsAt: minutesFromNow(-5),
        endsAt: minutesFromNow(60),
        hashtag: '#SaveOurLibraries',
        linkUrl: 'https://example.org/petition',
        targetListId: '',
        targetIds: [],
        handles: '@LibMinister',
        variants: VARIANTS,
      },
      null,
    );
    assert.ok(created.ok, JSON.stringify(!created.ok && created.errors));
    await changeStatus(ctx, { storm: created.record, action: 'publish' }, null);
    return `${suite.server.baseUrl}/storms/${slug}`;
  }

  it('carries the chosen and edited words in the intent links, and counts "I posted"', async () => {
    const url = await liveStorm('browser-storm');
    const context = await suite.browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${url}?variant=2`);
    const x = page.locator('[data-intent="x"]');
    const bluesky = page.locator('[data-intent="bluesky"]');
    assert.equal(
      await x.getAttribute('href'),
      `https://twitter.com/intent/tweet?text=${encodeURIComponent(VARIANTS[1] + SUFFIX_X)}`,
    );

    await page.getByRole('link', { name: 'Another suggestion' }).click();
    await page.waitForURL(/variant=3/);
    assert.equal(await page.getByLabel('Your post').inputValue(), VARIANTS[2]);
    assert.equal(
      await bluesky.getAttribute('href'),
      `https://bsky.app/intent/compose?text=${encodeURIComponent(VARIANTS[2] + SUFFIX_BLUESKY)}`,
    );

    const mine = 'Our library taught my kids to read & love books. Keep it open!';
    await page.getByLabel('Your post').fill(mine);
    assert.equal(
      await x.getAttribute('href'),
      `https://twitter.com/intent/tweet?text=${encodeURIComponent(mine + SUFFIX_X)}`,
    );
    assert.equal(
      await bluesky.getAttribute('href'),
      `https://bsky.app/intent/compose?text=${encodeURIComponent(mine + SUFFIX_BLUESKY)}`,
    );
    assert.equal(
      await page.locator('[data-length="x"] [data-length-value]').innerText(),
      String(mine.length + ' @LibMinister #SaveOurLibraries '.length + 23),
    );

    // Words the guard refuses turn the links off until they are reworded.
    await page.getByLabel('Your post').fill(THREAT);
    await page
      .locator('[data-storm-civility] mark', { hasText: THREAT_WORDS })
      .waitFor({ timeout: 5000 });
    assert.equal(await x.getAttribute('aria-disabled'), 'true');
    assert.equal(await x.getAttribute('href'), null);
    await page.getByLabel('Your post').fill(mine);
    await page.waitForFunction(
      () => document.querySelector('[data-intent="x"]')?.getAttribute('aria-disabled') === null,
      undefined,
      { timeout: 5000 },
    );
    assert.ok((await x.getAttribute('href'))?.includes(encodeURIComponent(mine)));

    const count = page.locator('[data-storm-count]');
    assert.equal(await count.innerText(), '0');
    clock.advance(MIN_FILL_MS);
    await page.getByRole('button', { name: 'I posted on X' }).click();
    await page.waitForFunction(
      () => document.querySelector('[data-storm-count]')?.textContent === '1',
      undefined,
      { timeout: 5000 },
    );
    assert.match(await page.locator('[data-storm-posted-status]').innerText(), /Counted/);
    const row = await suite.server.app.services.db.kysely
      .selectFrom('storm_posts')
      .select(['variant', 'platform', 'edited'])
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { variant: 3, platform: 'x', edited: 1 });

    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(overflow, false, 'no horizontal scrolling on a phone');
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
    await context.close();
  });

  it('works without JavaScript: the links carry the suggestion and "I posted" shows a page', async () => {
    const url = await liveStorm('no-script-storm');
    const context = await suite.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${url}?variant=1`);
    assert.equal(
      await page.locator('[data-intent="x"]').getAttribute('href'),
      `https://twitter.com/intent/tweet?text=${encodeURIComponent(VARIANTS[0] + SUFFIX_X)}`,
    );
    clock.advance(MIN_FILL_MS);
    await page.getByRole('button', { name: 'I posted on Bluesky' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('h1').innerText(), /Thank you for posting/);
    assert.match(await page.locator('main').innerText(), /1 post so far/);
    await context.close();
  });
});
