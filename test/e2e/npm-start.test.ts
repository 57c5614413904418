import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await new Promise<number>((resolve) =>
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
  );
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  baseUrl: string;
  stop(): Promise<number | null>;
}

/** `npm start` as a new user runs it: bin/rally.js serve on a fresh SQLite file. */
async function start(dbFile: string): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'bin/rally.js'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${dbFile}`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    assert.equal(child.exitCode, null, `server exited early:\n${out}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // still starting
    }
    assert.ok(Date.now() < deadline, `not serving within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    output: () => out,
    baseUrl,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
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
