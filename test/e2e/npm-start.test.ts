import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type RallyServer, startRallyServer } from '../helpers/rally-server.js';

/** `npm start` as a new user runs it: bin/rally.js serve on a fresh SQLite file. */
function start(dbFile: string): Promise<RallyServer> {
  return startRallyServer({ databaseUrl: `sqlite:${dbFile}` });
}

describe('npm start on a fresh machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rally-start-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves within 60 s, prints an owner login once that works, and stops cleanly', async () => {
    const dbFile = join(dir, 'rally.db');
    const first = await start(dbFile);
    const login = /Admin login: (\S+)\s.*\n.*Password:\s+(\S+)/.exec(first.output());
    assert.ok(login, `no login printed:\n${first.output()}`);
    const [, email, password] = login;

    // The printed credentials really log in, through the real form with its CSRF token.
    const form = await fetch(`${first.baseUrl}/login`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const cookies = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const res = await fetch(`${first.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookies,
        origin: first.baseUrl,
      },
      body: new URLSearchParams({
        _csrf: csrf,
        email: email ?? '',
        password: password ?? '',
      }).toString(),
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/admin');
    assert.equal(await first.stop(), 0);

    const second = await start(dbFile);
    assert.doesNotMatch(
      second.output(),
      /Password:/,
      'the password is printed only on the first start',
    );
    await second.stop();
  });
});
