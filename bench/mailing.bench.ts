// npm run bench:mailing — 100,000 recipients (BENCH_RECIPIENTS) sent by `rally worker` to a local
// smtp-server sink in a separate process; the worker is killed with SIGKILL half-way and
// restarted. Reports throughput over the time spent sending (the lease wait after the kill is
// left out and reported apart), the worker's peak RSS, duplicates and missing recipients, and how
// long building the audience and the audit takes for 100,000 people on SQLite and PostgreSQL.
// Last line: one JSON object.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS } from '../src/features/index.js';
import { walkAudience } from '../src/features/mailings/audience.js';
import { deliveryAudit } from '../src/features/mailings/delivery-audit.service.js';
import {
  DEFAULT_SETTINGS,
  saveMailingSettings,
} from '../src/features/mailings/mailing-settings.js';
import {
  NO_TEST_FIELDS,
  createMailing,
  getMailing,
  scheduleMailing,
} from '../src/features/mailings/mailings.service.js';
import { HANDED_OFF_BEFORE_CRASH } from '../src/features/mailings/sending.js';
import { saveSegment } from '../src/features/people/segments.service.js';
import { loadConfig } from '../src/config.js';
import { type Db, openDatabase } from '../src/infra/db/database.js';
import { migrateToLatest } from '../src/infra/db/migrator.js';
import { createServices } from '../src/infra/services.js';
import { ROOT } from './lib.js';

const N = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CHUNK = 1_000;
const REGIONS = ['London', 'North West', 'Wales', 'Scotland', 'South East'];
const SEATS = ['E14000768', 'E14000673', 'W07000043', 'S14000046', 'E14000612'];

/** N supporters with email consent, tagged "bench" (and a few insiders), in chunks. */
async function seedPeople(db: Db): Promise<void> {
  const now = new Date().toISOString();
  for (let start = 0; start < N; start += CHUNK) {
    const people = [];
    for (let i = start; i < Math.min(N, start + CHUNK); i++)
      people.push({
        email: `p${i}@bench.example.org`,
        first_name: `P${i}`,
        last_name: null,
        postcode: null,
        constituency_code: SEATS[i % SEATS.length]!,
        constituency_name: null,
        region: REGIONS[i % REGIONS.length]!,
        phone: null,
        tags: JSON.stringify(i % 10 === 0 ? ['bench', 'staff'] : ['bench']),
        custom_fields: '{}',
        source: 'bench',
        search_text: `p${i}@bench.example.org`,
        created_at: new Date(Date.now() - (i % 900) * 86_400_000).toISOString(),
        updated_at: now,
        erased_at: null,
      });
    const ids = await db.kysely.insertInto('people').values(people).returning('id').execute();
    await db.kysely
      .insertInto('consents')
      .values(
        ids.map((r) => ({
          person_id: r.id,
          channel: 'email' as const,
          status: 'granted' as const,
          method: 'import' as const,
          wording: 'bench',
          source: 'bench',
          created_at: now,
        })),
      )
      .execute();
  }
}

async function timeAudienceAndAudit(db: Db): Promise<{ audience_s: number; audit_s: number }> {
  const services = createServices({ config: loadConfig({}), db });
  const seg = await saveSegment(services, { name: 'Bench', filters: { tag: 'bench' } }, null);
  const t0 = performance.now();
  const b = await walkAudience(
    services,
    { segmentIds: [seg], excludeSegmentIds: [] },
    { ...DEFAULT_SETTINGS, capCount: 0 },
  );
  const audience_s = (performance.now() - t0) / 1000;
  if (b.recipients !== N) throw new Error(`audience ${b.recipients} ≠ ${N}`);
  const rows = await db.kysely
    .selectFrom('mailings')
    .select('id')
    .where('status', '=', 'sent')
    .executeTakeFirst();
  let audit_s = 0;
  if (rows) {
    const t1 = performance.now();
    const audit = await deliveryAudit(services, { id: rows.id, startedAt: null });
    audit_s = (performance.now() - t1) / 1000;
    if (audit.delivered === 0) throw new Error('empty audit');
  }
  return { audience_s, audit_s };
}

/** A process's resident memory in MB: total, and its anonymous (heap) and file-backed parts. */
function rssOf(pid: number | undefined): { total: number; anon: number; file: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { total: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
  } catch {
    return { total: 0, anon: 0, file: 0 };
  }
}

function ask<T>(sink: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve) => {
    sink.once('message', (m) => resolve(m as T));
    sink.send(what);
  });
}

async function sendWithKill(databaseUrl: string, db: Db) {
  const sink = fork(join(ROOT, 'bench/mailing-sink.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise<{ port: number }>((r) =>
    sink.once('message', (m) => r(m as { port: number })),
  );
  const services = createServices({ config: loadConfig({}), db });
  await saveMailingSettings(db, { ...DEFAULT_SETTINGS, capCount: 0, perMinute: 600_000 });
  const seg = await saveSegment(services, { name: 'Bench send', filters: { tag: 'bench' } }, null);
  const created = await createMailing(
    services,
    {
      subject: 'Hello {{first_name|friend}}',
      preheader: 'Benchmark',
      fromName: 'Bench',
      replyTo: '',
      body: 'Dear {{first_name|friend}},\n\nPlease [act now](http://localhost:3000/p/x).',
      segmentIds: [String(seg)],
      excludeSegmentIds: [],
      clickTracking: false,
      ...NO_TEST_FIELDS,
      subjectVariants: [],
    },
    null,
  );
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const scheduled = await scheduleMailing(
    services,
    { mailing: (await getMailing(services, created.id))!, when: '' },
    null,
  );
  if (!scheduled.ok) throw new Error(scheduled.error);

  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
  };
  const profile = process.env.BENCH_WORKER_PROFILE; // e.g. --cpu-prof-dir=/tmp/prof
  const worker = () =>
    spawn(process.execPath, [...(profile ? [profile] : []), join(ROOT, 'bin/rally.js'), 'worker'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  // Peak RSS of each worker process: the first builds the rows and sends half, the second resumes.
  const peaks = [
    { total: 0, anon: 0, file: 0 },
    { total: 0, anon: 0, file: 0 },
  ];
  let child = worker();
  let run = 0;
  const sampler = setInterval(() => {
    const now = rssOf(child.pid);
    if (now.total > peaks[run]!.total) peaks[run] = now;
  }, 100);
  const t0 = Date.now();
  for (;;) {
    const { total } = await ask<{ total: number }>(sink, 'total');
    // Half-way, off a batch boundary (500 a run), so the kill lands with messages in flight.
    if (total >= N / 2 + 137) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const killedAt = Date.now();
  const atKill = await ask<{ total: number; first: number }>(sink, 'total');
  run = 1;
  child = worker();
  let resumedAt = 0;
  for (;;) {
    const status = (await getMailing(services, created.id))?.status;
    const { total, last } = await ask<{ total: number; last: number }>(sink, 'total');
    if (!resumedAt && total > atKill.total) resumedAt = Date.now();
    if (status === 'sent') {
      const report = await ask<{
        total: number;
        first: number;
        last: number;
        duplicates: number;
        addresses: string[];
      }>(sink, 'report');
      clearInterval(sampler);
      child.kill('SIGTERM');
      sink.kill();
      const received = new Set(report.addresses);
      const rows = await db.kysely
        .selectFrom('mailing_recipients')
        .select(['email', 'status', 'smtp_response'])
        .where('mailing_id', '=', created.id)
        .execute();
      // At most once: rows claimed without a dot on the wire at the kill are queued again; rows
      // recorded handed off (their dot was on its way) count as sent and are never retried. Those
      // are the only ones in doubt: any of them missing would mean a dot that never went out.
      const missing = rows.filter((r) => !received.has(r.email)).length;
      const doubtful = (r: { status: string; smtp_response: string | null }) =>
        r.status === 'failed' || r.smtp_response === HANDED_OFF_BEFORE_CRASH;
      const inDoubt = rows.filter(doubtful);
      const inDoubtReceived = inDoubt.filter((r) => received.has(r.email)).length;
      const missingNotInDoubt = rows.filter((r) => !received.has(r.email) && !doubtful(r)).length;
      const sendingSeconds = (killedAt - atKill.first) / 1000 + (last - resumedAt) / 1000;
      return {
        messages_per_s: Math.round(report.total / sendingSeconds),
        rss_mb: Math.round(Math.max(...peaks.map((p) => p.total))),
        rss_first_worker_mb: Math.round(peaks[0]!.total),
        rss_first_worker_anon_mb: Math.round(peaks[0]!.anon),
        rss_resumed_worker_mb: Math.round(peaks[1]!.total),
        rss_resumed_worker_anon_mb: Math.round(peaks[1]!.anon),
        duplicates: report.duplicates,
        missing,
        in_doubt: inDoubt.length,
        in_doubt_received: inDoubtReceived,
        missing_not_in_doubt: missingNotInDoubt,
        recipients: rows.length,
        received: report.total,
        restart_wait_s: Math.round((resumedAt - killedAt) / 100) / 10,
        wall_s: Math.round((Date.now() - t0) / 100) / 10,
      };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'rally-mailing-bench-'));
  const sqliteUrl = `sqlite:${join(dir, 'bench.db')}`;
  const sqlite = openDatabase(sqliteUrl);
  await migrateToLatest(sqlite, MIGRATIONS);
  await seedPeople(sqlite);
  console.error(`seeded ${N} people (sqlite); sending…`);
  const send = await sendWithKill(sqliteUrl, sqlite);
  console.error(JSON.stringify(send));
  const sqliteTimes = await timeAudienceAndAudit(sqlite);
  await sqlite.destroy();

  let pgTimes: { audience_s: number; audit_s: number } | null = null;
  const name = `rally_mailing_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(PG_ADMIN);
    url.pathname = `/${name}`;
    const pgDb = openDatabase(url.toString());
    await migrateToLatest(pgDb, MIGRATIONS);
    await seedPeople(pgDb);
    // The audit half needs a sent mailing's rows: the same send, without the kill, is not timed.
    await sendWithKill(url.toString(), pgDb).catch((e: unknown) => console.error(e));
    pgTimes = await timeAudienceAndAudit(pgDb);
    await pgDb.destroy();
  } catch (err) {
    console.error(`PostgreSQL part skipped: ${String(err)}`);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
  console.log(
    JSON.stringify({
      ...send,
      sqlite_audience_s: Math.round(sqliteTimes.audience_s * 100) / 100,
      sqlite_audit_s: Math.round(sqliteTimes.audit_s * 100) / 100,
      postgres_audience_s: pgTimes ? Math.round(pgTimes.audience_s * 100) / 100 : null,
      postgres_audit_s: pgTimes ? Math.round(pgTimes.audit_s * 100) / 100 : null,
    }),
  );
  process.exit(0);
}

await main();
