import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { DEFAULT_SETTINGS, saveMailingSettings } from './mailing-settings.js';
import { createMailing, getMailing, scheduleMailing } from './mailings.service.js';
import { SmtpSink, addSupporter, mailingForm, tagSegment } from './mailings.test-support.js';
import { INTERRUPTED, LEASE_MS } from './sending.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PEOPLE = 300;
/** 100 a second: batches of 100, so the kill lands with batches behind and ahead of it. */
const PER_MINUTE = 6_000;
const KILL_AFTER = 120;

function startWorker(databaseUrl: string, smtpUrl: string): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'bin/rally.js'), 'worker'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SMTP_URL: smtpUrl,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeEachDatabase('mailings: kill -9 of the worker mid-send', (ctx) => {
  let app: FastifyInstance;
  let sink: SmtpSink;
  let smtpUrl: string;
  const workers: ChildProcess[] = [];
  before(async () => {
    sink = new SmtpSink();
    smtpUrl = await sink.start();
    app = await createTestApp(ctx.db, { smtpUrl });
    await saveMailingSettings(ctx.db, { ...DEFAULT_SETTINGS, perMinute: PER_MINUTE });
  });
  after(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await app.close();
    await sink.stop();
  });

  it(
    'continues after a restart, and nobody gets the mailing twice',
    { timeout: 180_000 },
    async () => {
      for (let i = 0; i < PEOPLE; i++) await addSupporter(ctx.db, { tags: ['kill'] });
      const seg = await tagSegment(app.services, 'kill');
      const created = await createMailing(
        app.services,
        mailingForm({ segmentIds: [String(seg)] }),
        null,
      );
      assert.ok(created.ok);
      assert.ok(
        (
          await scheduleMailing(
            app.services,
            { mailing: (await getMailing(app.services, created.id))!, when: '' },
            null,
          )
        ).ok,
      );

      const first = startWorker(ctx.url, smtpUrl);
      workers.push(first);
      await until('the first messages', () => sink.received.length >= KILL_AFTER, 60_000);
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const atKill = sink.received.length;
      assert.ok(atKill < PEOPLE, `the kill came mid-send (${atKill} of ${PEOPLE} received)`);

      workers.push(startWorker(ctx.url, smtpUrl));
      await until(
        'the mailing to finish',
        async () => (await getMailing(app.services, created.id))?.status === 'sent',
        LEASE_MS + 90_000,
      );

      const perAddress = new Map<string, number>();
      for (const m of sink.received)
        for (const to of m.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
      const duplicates = [...perAddress.values()].filter((n) => n > 1).length;
      assert.equal(duplicates, 0, 'at most once per recipient');

      const rows = await ctx.db.kysely
        .selectFrom('mailing_recipients')
        .selectAll()
        .where('mailing_id', '=', created.id)
        .execute();
      assert.equal(rows.length, PEOPLE);
      const interrupted = rows.filter(
        (r) => r.status === 'failed' && r.smtp_response === INTERRUPTED,
      );
      const sent = rows.filter((r) => r.status === 'sent');
      assert.equal(sent.length + interrupted.length, PEOPLE, 'every row ends sent or interrupted');
      for (const r of sent)
        assert.equal(perAddress.get(r.email), 1, `${r.email} was recorded sent and arrived once`);
      assert.ok(interrupted.length <= PER_MINUTE / 60, 'only the batch in flight is in doubt');
      assert.ok(sink.received.length > atKill, 'the restarted worker carried on');
    },
  );
});
