import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import {
  type LiveServer,
  browserSkip,
  launchBrowser,
  startLiveServer,
  watchConsole,
} from '../../../test/helpers/browser.js';
import { THREAT, THREAT_LABEL, THREAT_WORDS } from '../../../test/helpers/civility.js';
import type { CampaignRow } from './letters.repository.js';
import {
  type Mps,
  SmtpPeer,
  addresses,
  loadMps,
  openCampaign,
  ownWords,
  tokenFromMail,
} from './letters.test-support.js';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('writing to an MP in Chromium', { skip: browserSkip }, () => {
  const peer = new SmtpPeer();
  let server: LiveServer;
  let browser: Browser;
  let mps: Mps;
  let campaign: CampaignRow;

  before(async () => {
    // The live server delivers through a real SMTP peer, as it would through a campaign's mail host.
    server = await startLiveServer({
      smtpUrl: await peer.start(),
      mailFrom: 'Rally <rally@example.org>',
    });
    browser = await launchBrowser();
    mps = await loadMps(server.app);
    campaign = await openCampaign(server.app, mps.listId, {
      minOwnWords: '30',
      minOwnPercent: '60',
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await peer.stop();
  });

  it('postcode → MP → write → confirm by email → delivered by SMTP with the right headers', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${server.baseUrl}/letters/${campaign.slug}`);
    await page.getByLabel('Your postcode').fill('m1 1ae');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.waitForLoadState();
    assert.match(
      await page.locator('main').innerText(),
      new RegExp(`Your letter to ${mps.manchester.name}`),
    );
    assert.equal(await page.getByLabel('Postcode', { exact: true }).inputValue(), 'M1 1AE');

    await page.getByLabel('Your name').fill('Rosa Parks');
    await page.getByLabel('Email', { exact: true }).fill('rosa@example.org');
    await page.getByLabel('Address (optional)').fill('12 Oxford Road');
    const body = `My local library is where I learnt English. ${ownWords(50)}`;
    await page.getByLabel('Your letter', { exact: true }).fill(body);
    // The meter is the page's own script: it counts as the server will, against the brief.
    await page.waitForFunction(() =>
      /your own \(100%\)\. Enough/.test(
        document.querySelector('[data-letters-meter]')?.textContent ?? '',
      ),
    );
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(overflow, false, 'no horizontal scrolling on a phone');
    await page.getByRole('button', { name: 'Check and send my letter' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('h1').innerText(), /Check your email/);

    const token = await waitFor('the confirmation mail', () =>
      tokenFromMail(server.app, 'letters.confirm', 'rosa@example.org').catch(() => undefined),
    );
    await page.goto(`${server.baseUrl}/letters/${campaign.slug}/confirm/${token}`);
    assert.match(
      await page.locator('main').innerText(),
      new RegExp(`Dear ${mps.manchester.name},`),
    );
    await page.getByRole('button', { name: 'Confirm and send' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('h1').innerText(), /Your letter is on its way/);

    const received = await waitFor('the letter at the SMTP peer', () =>
      peer.received.find((m) => m.envelope.includes(mps.manchester.email!)),
    );
    const mail = await simpleParser(received.raw);
    assert.deepEqual(addresses(mail.to), [`${mps.manchester.name} <${mps.manchester.email}>`]);
    assert.deepEqual(addresses(mail.replyTo), ['Rosa Parks <rosa@example.org>']);
    assert.ok(received.envelope.includes('rosa@example.org'), 'the sender gets a copy');
    assert.equal(mail.subject, campaign.subject);
    assert.ok(mail.text?.includes(body));
    assert.ok(mail.text?.includes('12 Oxford Road'));
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
    await context.close();
  });

  it('blocks an abusive letter and says why, marking the words', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(
      `${server.baseUrl}/letters/${campaign.slug}?target=${mps.manchester.id}&postcode=M1%201AE`,
    );
    await page.getByLabel('Your name').fill('Angry Person');
    await page.getByLabel('Email', { exact: true }).fill('angry@example.org');
    await page.getByLabel('Your letter', { exact: true }).fill(`${ownWords(40)} ${THREAT}`);
    await page.getByRole('button', { name: 'Check and send my letter' }).click();
    await page.waitForLoadState();
    const alert = await page.getByRole('alert').innerText();
    assert.ok(alert.includes(`not accepted because parts of it read as ${THREAT_LABEL}`), alert);
    assert.deepEqual(await page.locator('.lt-marked mark').allInnerTexts(), [THREAT_WORDS]);
    assert.ok(
      (await page.getByLabel('Your letter', { exact: true }).inputValue()).endsWith(THREAT),
      'the text is kept to edit',
    );
    // A blocked letter is refused before anything is stored: with no letter and no queued mail
    // once the page has answered, there is nothing left that could ever be sent.
    const db = server.app.services.db.kysely;
    const letters = await db
      .selectFrom('letters')
      .select('id')
      .where('sender_email', '=', 'angry@example.org')
      .execute();
    assert.deepEqual(letters, [], 'no letter stored');
    const mails = await db
      .selectFrom('mail_outbox')
      .select('id')
      .where('to_address', '=', 'angry@example.org')
      .execute();
    assert.deepEqual(mails, [], 'no mail queued');
    assert.equal(peer.received.filter((m) => m.envelope.includes('angry@example.org')).length, 0);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
