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
import { HANDED_OFF_BEFORE_CRASH, LEASE_MS } from './sending.js';

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
    'continues after a restart: rows without a dot are sent again, handed-off rows never, nobody twice or missing',
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

      // After KILL_AFTER messages the server keeps what it gets but answers nothing, so the worker
      // is killed with rows whose dot went out ("handed_off") next to rows claimed without one
      // ("sending").
      sink.answerFirst = KILL_AFTER;
      const first = startWorker(ctx.url, smtpUrl);
      workers.push(first);
      const rowsIn = async (status: string) =>
        (
          await ctx.db.kysely
            .selectFrom('mailing_recipients')
            .select(['id', 'email'])
            .where('mailing_id', '=', created.id)
            .where('status', '=', status as never)
            .execute()
        ).map((r) => r.email);
      await until(
        'rows handed off and rows claimed without a dot',
        async () =>
          sink.held > 0 &&
          // (answered ones too, whose result the worker had not written yet)
          (await rowsIn('handed_off')).length >= sink.held &&
          (await rowsIn('sending')).length > 0,
        30_000,
      );
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const handedOff = await rowsIn('handed_off');
      const sending = await rowsIn('sending');
      // Dots the worker wrote just before it died may still be in the sink's socket buffer:
      // let the sink read them (a handed-off message still missing after that was lost).
      await until(
        'the sink to read the last dots',
        () => handedOff.every((e) => sink.received.some((m) => m.to.includes(e))),
        2_000,
      ).catch(() => undefined);
      const atKill = sink.received.length;
      const receivedBeforeKill = new Set(sink.received.flatMap((m) => m.to));
      assert.ok(atKill < PEOPLE, `the kill came mid-send (${atKill} of ${PEOPLE} received)`);
      assert.ok(handedOff.length > 0 && sending.length > 0);
      for (const email of handedOff)
        assert.ok(receivedBeforeKill.has(email), `${email} was handed off: its dot had gone out`);
      for (const email of sending)
        assert.ok(!receivedBeforeKill.has(email), `${email} was only claimed: nothing delivered`);

      sink.answerFirst = Number.POSITIVE_INFINITY;
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
      assert.deepEqual(
        rows.filter((r) => r.status !== 'sent').map((r) => `${r.email}: ${r.status}`),
        [],
        'every row ends sent',
      );
      assert.equal(perAddress.size, PEOPLE, 'nobody is missing');
      for (const r of rows) assert.equal(perAddress.get(r.email), 1, `${r.email} arrived once`);
      const byEmail = new Map(rows.map((r) => [r.email, r]));
      for (const email of handedOff)
        assert.equal(
          byEmail.get(email)!.smtp_response,
          HANDED_OFF_BEFORE_CRASH,
          'a handed-off row is counted sent, never sent again',
        );
      for (const email of sending)
        assert.notEqual(
          byEmail.get(email)!.smtp_response,
          HANDED_OFF_BEFORE_CRASH,
          'a claimed row without a dot went back to the queue and was sent after the restart',
        );
      assert.ok(sink.received.length > atKill, 'the restarted worker carried on');
    },
  );
});
