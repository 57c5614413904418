import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';

const RALLY = fileURLToPath(new URL('../../../bin/rally.js', import.meta.url));

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
        DATABASE_URL: ctx.url,
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
