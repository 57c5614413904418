import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  type LiveServer,
  browserSkip,
  logInThroughForm,
  useBrowserSuite,
  watchConsole,
} from '../../../test/helpers/browser.js';
import { THREAT } from '../../../test/helpers/civility.js';
import { createStaff } from '../../../test/helpers/staff.js';
import type { CommentThread } from './comment-thread.js';
import { confirmationLink, newThread, uniqueEmail } from './comments.test-support.js';

/** OWASP filter-evasion classics: each must show as the text it is, and none may run. */
const XSS_VECTORS = [
  `<script>alert(1)</script>`,
  `<img src=x onerror=alert(1)>`,
  `<svg onload=alert(1)>`,
  `<a href="javascript:alert(1)">click me</a> javascript:alert(1)`,
  `"><script>alert(1)</script>`,
  `'><img src=x onerror=alert(1)>`,
  `&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62; &#x3C;svg/onload=alert(1)&#x3E;`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  `<div onmouseover="alert(1)">hover me</div> <body onload=alert(1)>`,
  `https://example.org/"onmouseover="alert(1)`,
  `</textarea><script>alert(1)</script>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
];
const XSS_NAME = `"><img src=x onerror=alert(1)>`;

/** Elements or attributes that only injected markup would bring into a comment. */
async function injectedMarkup(page: Page, scope: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const found: string[] = [];
    for (const root of document.querySelectorAll(selector)) {
      for (const el of root.querySelectorAll('*')) {
        const tag = el.tagName.toLowerCase();
        // ul/li/q: the guard's reasons on a blocked comment (civilityReasons), all text escaped
        const ours = ['a', 'mark', 'div', 'strong', 'time', 'span', 'header', 'p', 'article'];
        if (![...ours, 'ul', 'li', 'q'].includes(tag)) found.push(tag);
        for (const attr of el.getAttributeNames())
          if (attr.startsWith('on') || attr === 'style') found.push(`${tag}[${attr}]`);
        const href = el.getAttribute('href');
        if (href && !/^(https?:|\/|#)/.test(href)) found.push(`${tag}[href=${href}]`);
      }
    }
    return found;
  }, scope);
}

const CANARY = 'canary: the test opened this dialog';

/** Opens a dialog from a task queued after everything the page has queued, and waits for it. */
async function canaryDialog(page: Page): Promise<void> {
  const shown = page.waitForEvent('dialog', (d) => d.message() === CANARY);
  await page.evaluate((message) => {
    setTimeout(() => alert(message), 0);
  }, CANARY);
  await shown;
}

function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return dialogs;
}

async function postFirstComment(
  page: Page,
  server: LiveServer,
  thread: CommentThread,
  opts: { name: string; email: string; body: string },
) {
  await page.goto(`${server.baseUrl}${thread.path}`);
  await page.getByLabel('Your name').fill(opts.name);
  await page.getByLabel('Email', { exact: true }).fill(opts.email);
  await page.getByLabel('Your comment').fill(opts.body);
  await page.getByRole('button', { name: 'Post comment' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('h1').innerText(), /Check your email/);
  await page.goto(await confirmationLink(server.app.services.db, opts.email));
  await page.getByRole('button', { name: 'Confirm my comment' }).click();
  await page.waitForLoadState();
}

async function postAgain(page: Page, body: string) {
  await page.getByLabel('Your comment').fill(body);
  await page.getByRole('button', { name: 'Post comment' }).click();
  await page.waitForLoadState();
}

describe('comments in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();
  let moderatorContext: BrowserContext;
  let moderatorPage: Page;

  async function asModerator(): Promise<Page> {
    if (moderatorPage) return moderatorPage;
    const staff = await createStaff(suite.server.app.services.db, { role: 'moderator' });
    moderatorContext = await suite.browser.newContext();
    moderatorPage = await moderatorContext.newPage();
    await logInThroughForm(moderatorPage, suite.server.baseUrl, staff);
    return moderatorPage;
  }

  it('post → confirm from the outbox → held → approved in the queue → visible; report; ban', async () => {
    const { server } = suite;
    const thread = await newThread(server.app.services.db, { mode: 'pre', title: 'Bus routes' });
    const context = await suite.browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    const email = uniqueEmail('rosa');

    await postFirstComment(page, server, thread, {
      name: 'Rosa',
      email,
      body: 'Please keep the number 9 bus running on Sundays.',
    });
    assert.match(await page.locator('.flash').innerText(), /awaits moderation/);
    assert.equal(await page.locator('.cm-list').getByText('number 9 bus').count(), 0);
    assert.match(await page.locator('.cm-awaiting').innerText(), /number 9 bus/);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(overflow, false, 'no horizontal scrolling on a phone');

    const mod = await asModerator();
    await mod.goto(`${server.baseUrl}/admin/moderation?tab=pending`);
    await mod.getByLabel('Select the comment by Rosa').check();
    await mod.getByRole('button', { name: 'Approve ticked' }).click();
    await mod.waitForLoadState();
    assert.match(await mod.locator('.flash').innerText(), /Approved 1 comment/);

    await page.reload();
    const listed = page.locator('.cm-list .cm-comment', { hasText: 'number 9 bus' });
    assert.equal(await listed.count(), 1);
    assert.match(await listed.locator('.cm-author').innerText(), /Rosa/);

    // A reader reports it; it shows in the queue's "Reported" tab.
    const reader = await suite.browser.newContext();
    const readerPage = await reader.newPage();
    await readerPage.goto(`${server.baseUrl}${thread.path}`);
    await readerPage.getByRole('link', { name: 'Report this comment by Rosa' }).click();
    await readerPage.getByLabel('Spam or advertising').check();
    await readerPage.getByLabel(/Anything a moderator should know/).fill('Looks like an ad');
    await readerPage.getByRole('button', { name: 'Send report' }).click();
    await readerPage.waitForLoadState();
    assert.match(await readerPage.locator('.flash').innerText(), /Thank you for your report/);
    await mod.goto(`${server.baseUrl}/admin/moderation?tab=reported`);
    const item = mod.locator('.cm-item', { hasText: 'number 9 bus' });
    assert.match(await item.innerText(), /Spam or advertising: “Looks like an ad”/);

    // The moderator bans Rosa; she is told why when she tries to post again.
    await item.getByRole('link', { name: 'Suspend or ban the commenter' }).click();
    await mod.getByLabel('Reason (emailed to them)').last().fill('Advertising after a warning');
    await mod.getByRole('button', { name: 'Ban and notify' }).click();
    await mod.waitForLoadState();
    assert.match(await mod.locator('.flash').innerText(), /banned and has been told by email/);

    await page.goto(`${server.baseUrl}${thread.path}`);
    await page.getByLabel('Your comment').fill('Why was my comment reported?');
    await page.getByRole('button', { name: 'Post comment' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('h1').innerText(), /You cannot comment/);
    assert.match(await page.locator('main').innerText(), /banned from commenting/);
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
    await reader.close();
    await context.close();
  });

  it('shows OWASP XSS vectors as text, on the thread and in the queue, and runs none', async () => {
    const { server } = suite;
    const thread = await newThread(server.app.services.db, { title: 'XSS check' });
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const dialogs = watchDialogs(page);
    const problems = watchConsole(page);
    const groups = [XSS_VECTORS.slice(0, 4), XSS_VECTORS.slice(4, 8), XSS_VECTORS.slice(8)];

    await postFirstComment(page, server, thread, {
      name: XSS_NAME,
      email: uniqueEmail('xss'),
      body: groups[0]!.join('\n'),
    });
    for (const group of groups.slice(1)) await postAgain(page, group.join('\n'));
    // A blocked comment comes back in the form: the vector must stay text there too.
    await postAgain(page, `</textarea><script>alert(1)</script> ${THREAT}`);
    assert.match(await page.locator('.cm-blocked').innerText(), /Please rephrase/);
    assert.equal(
      await page.getByLabel('Your comment').inputValue(),
      `</textarea><script>alert(1)</script> ${THREAT}`,
    );
    assert.deepEqual(await injectedMarkup(page, '.cm-blocked'), []);

    await page.goto(`${server.baseUrl}${thread.path}`);
    const bodies = await page.locator('.cm-list .cm-body').allTextContents();
    for (const group of groups) assert.ok(bodies.includes(group.join('\n')), group[0]);
    assert.deepEqual(
      [...new Set(await page.locator('.cm-list .cm-author').allTextContents())],
      [XSS_NAME],
    );
    assert.deepEqual(await injectedMarkup(page, '.cm-list .cm-comment'), []);
    await page.locator('.cm-body').first().hover();

    const mod = await asModerator();
    const modDialogs = watchDialogs(mod);
    await mod.goto(`${server.baseUrl}/admin/moderation?tab=approved`);
    assert.deepEqual(await injectedMarkup(mod, '.cm-item-text'), []);
    const queueTexts = await mod.locator('.cm-item-text').allTextContents();
    for (const group of groups) assert.ok(queueTexts.includes(group.join('\n')), group[0]);

    // A dialog an injected script opened would come before one the test asks for afterwards.
    await Promise.all([canaryDialog(page), canaryDialog(mod)]);
    assert.deepEqual(dialogs, [CANARY], 'no dialog opened on the public page');
    assert.deepEqual(modDialogs, [CANARY], 'no dialog opened in the moderation queue');
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
    await context.close();
    await moderatorContext.close();
  });
});
