import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/helpers/app.js';
import {
  type DatabaseContext,
  TEST_POSTGRES_URL,
  describeEachDatabase,
} from '../../../test/helpers/databases.js';

const RALLY = fileURLToPath(new URL('../../../bin/rally.js', import.meta.url));

/** A DATABASE_URL another process can open to reach this suite's database. */
async function databaseUrlOf(ctx: DatabaseContext): Promise<string> {
  if (ctx.dialect === 'sqlite') return ctx.db.describe;
  const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(
    ctx.db.kysely,
  );
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${rows[0]!.name}`);
  return url.toString();
}

describeEachDatabase('rally worker', (ctx) => {
  let app: FastifyInstance;
  let child: ChildProcess | undefined;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await app.close();
  });

  it('runs queued jobs in its own process and stops cleanly on SIGTERM', async () => {
    const id = await app.services.mailer.send({
      to: 'ada@example.org',
      subject: 'From the worker process',
      text: 'Hello',
      category: 'test.worker',
    });
    let output = '';
    child = spawn(process.execPath, [RALLY, 'worker'], {
      env: {
        ...process.env,
        DATABASE_URL: await databaseUrlOf(ctx),
        LOG_LEVEL: 'info',
        SMTP_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const status = async () =>
      (
        await ctx.db.kysely
          .selectFrom('mail_outbox')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).status;
    for (let i = 0; i < 300 && (await status()) === 'queued' && child.exitCode === null; i++)
      await sleep(50);
    assert.equal(await status(), 'stored', output);
    assert.match(output, /Rally job worker started/);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, output);
  });
});
