import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff, logIn } from '../../../test/helpers/staff.js';
import { main } from '../../cli/main.js';
import { openDatabase } from '../../infra/db/database.js';
import { type CliOutput, addUserCommand } from './staff.cli.js';

function capture(): CliOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describeEachDatabase('rally user add', (ctx) => {
  const suite = appWithStaff(ctx, []);

  it('adds an account and prints the generated password once', async () => {
    const io = capture();
    const code = await addUserCommand(
      suite.app.services,
      { email: 'cli@example.org', role: 'organiser', name: 'Cli Person' },
      io,
    );
    assert.equal(code, 0);
    const password = /^Password: (\S+)/m.exec(io.lines.join('\n'))?.[1];
    assert.ok(password, io.lines.join('\n'));
    const client = await logIn(suite.app, { email: 'cli@example.org', password });
    assert.match((await client.get('/admin')).body, /Welcome, Cli Person/);
  });

  it('uses a given password and does not print it', async () => {
    const io = capture();
    const code = await addUserCommand(
      suite.app.services,
      { email: 'given@example.org', role: 'viewer', password: 'a chosen password' },
      io,
    );
    assert.equal(code, 0);
    assert.doesNotMatch(io.lines.join('\n'), /chosen/);
    await logIn(suite.app, { email: 'given@example.org', password: 'a chosen password' });
  });

  it('exits with 2 and a message on bad input or a duplicate', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ role: 'viewer' }, /--email and --role are required/],
      [{ email: 'x@example.org' }, /--email and --role are required/],
      [{ email: 'not an email', role: 'viewer' }, /valid email/],
      [{ email: 'x@example.org', role: 'admin' }, /Role must be one of/],
      [{ email: 'x@example.org', role: 'viewer', password: 'short' }, /at least 12/],
      [{ email: 'CLI@example.org', role: 'viewer' }, /already a staff account/],
    ];
    for (const [values, message] of cases) {
      const io = capture();
      assert.equal(await addUserCommand(suite.app.services, values, io), 2, JSON.stringify(values));
      assert.match(io.errors.join('\n'), message);
    }
  });
});

it('is found by `rally user add` and reads DATABASE_URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rally-cli-'));
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = `sqlite:${join(dir, 'cli.db')}`;
  const logged: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...args: unknown[]) => logged.push(args.join(' '));
  console.error = (...args: unknown[]) => logged.push(args.join(' '));
  try {
    assert.equal(await main(['user', 'add', '--email', 'main@example.org', '--role', 'owner']), 0);
    assert.match(logged.join('\n'), /Added main@example\.org as owner/);
    assert.equal(await main(['user', 'add', '--email', 'main@example.org', '--bogus']), 2);
    assert.equal(await main(['user', 'add', '--email', 'main@example.org', '--role', 'owner']), 2);
  } finally {
    console.log = log;
    console.error = error;
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  }
  const db = openDatabase(`sqlite:${join(dir, 'cli.db')}`);
  const rows = await db.kysely.selectFrom('staff_users').select(['email', 'role']).execute();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(rows, [{ email: 'main@example.org', role: 'owner' }]);
});
