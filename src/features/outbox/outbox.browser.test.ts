import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserSkip, useBrowserSuite, logInThroughForm } from '../../../test/helpers/browser.js';
import { createStaff } from '../../../test/helpers/staff.js';

describe('outbox message in Chromium', { skip: browserSkip }, () => {
  const suite = useBrowserSuite();

  it('shows the HTML part in a sandboxed frame where its scripts do not run', async () => {
    const staff = await createStaff(suite.server.app.services.db, { role: 'organiser' });
    const id = await suite.server.app.services.mailer.send({
      to: 'ada@example.org',
      subject: 'Framed',
      text: 'Plain: https://example.org/plain',
      html: '<p id="greeting">Hello from the mail</p><script>document.getElementById("greeting").textContent = "script ran"</script><a href="https://example.org/">a link</a>',
      category: 'test.browser',
    });
    const page = await suite.browser.newPage();
    const blocked: string[] = [];
    page.on('console', (msg) => {
      if (/frame-ancestors|X-Frame-Options|Refused to (display|frame)/i.test(msg.text()))
        blocked.push(msg.text());
    });
    await logInThroughForm(page, suite.server.baseUrl, staff);

    await page.goto(`${suite.server.baseUrl}/admin/outbox/${id}`);
    assert.equal(
      await page.getByRole('link', { name: 'https://example.org/plain' }).getAttribute('href'),
      'https://example.org/plain',
    );
    const frame = page.frameLocator('iframe.mail-html');
    assert.equal(await frame.locator('#greeting').innerText(), 'Hello from the mail');
    assert.equal(await frame.getByRole('link', { name: 'a link' }).count(), 1);
    assert.deepEqual(blocked, [], 'the detail page may frame its own HTML route');
  });
});
