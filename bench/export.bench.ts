// npm run bench:export — an organiser downloads signatures.csv of a petition with 1,000,000
// signatures (BENCH_ROWS) while the server's resident memory is sampled every 100 ms from
// /proc/<pid>/status: a streamed export keeps it flat. Server and downloader run in separate
// processes. Last line: one JSON object.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { StaffRepository } from '../src/features/staff/staff.repository.js';
import { changeStatus, createPetition } from '../src/features/petitions/petitions.service.js';
import { testConfig } from '../src/config.js';
import { createServices } from '../src/infra/services.js';
import { hashPassword } from '../src/infra/auth/passwords.js';
import { openDatabase } from '../src/infra/db/database.js';
import { MIGRATIONS } from '../src/features/index.js';
import { migrateToLatest } from '../src/infra/db/migrator.js';
import { startServerProcess } from './lib.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PORT = Number(process.env.BENCH_PORT ?? 3941);
const SAMPLE_MS = 100;
const EMAIL = 'bench-organiser@example.org';
const PASSWORD = 'bench-export-password-1';

const dir = mkdtempSync(join(tmpdir(), 'rally-export-bench-'));
const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;

/** A petition with ROWS signatures, inserted by one INSERT … SELECT over a recursive counter. */
async function seed(): Promise<number> {
  const db = openDatabase(databaseUrl);
  try {
    await migrateToLatest(db, MIGRATIONS);
    const ctx = createServices({ config: testConfig(), db });
    const created = await createPetition(
      ctx,
      {
        kind: 'petition',
        title: 'Export benchmark',
        slug: 'export-bench',
        body: 'Revoke it.',
        goal: String(ROWS),
        deadline: '',
        customQuestion: 'Why does it matter to you?',
        eligibility: 'none',
        eligibilityLabel: '',
        thankYou: '',
        shareText: '',
        targetListId: '',
        targetIds: [],
      },
      null,
    );
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    await changeStatus(ctx, { petition: created.record, action: 'publish' }, null);
    const id = created.record.id;
    await new StaffRepository(db).insert({
      email: EMAIL,
      name: 'Bench organiser',
      role: 'organiser',
      passwordHash: await hashPassword(PASSWORD),
    });
    await sql`
      INSERT INTO petition_signatures (petition_id, email, email_key, email_domain, name, postcode,
        constituency_code, constituency_name, answer, membership_number, verified, consent_email,
        consent_wording, show_name, status, token_hash, mailed_token_hash, ip, disposable,
        person_id, created_at, confirmed_at, last_mail_at, invalidated_at)
      WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${ROWS})
      SELECT ${id}, 'signer' || n || '@example.org', 'signer' || n || '@example.org',
        'example.org', 'Signer number ' || n, 'LS28 5AB', 'E14000887', 'Pudsey',
        CASE WHEN n % 10 = 0 THEN '=HYPERLINK("x") and, a "quote"' ELSE 'Because it matters' END,
        NULL, NULL, n % 2, NULL, 1, 'confirmed', 'token-' || n, 'token-' || n, '203.0.113.1', 0,
        NULL, '2025-01-01T00:00:00.000Z', '2025-01-01T00:05:00.000Z', '2025-01-01T00:00:00.000Z',
        NULL
      FROM seq`.execute(db.kysely);
    await db.kysely
      .updateTable('petitions')
      .set({ signature_count: ROWS })
      .where('id', '=', id)
      .execute();
    return id;
  } finally {
    await db.destroy();
  }
}

/** Cookie jar of one: the name=value pairs of every Set-Cookie so far. */
function remember(jar: Map<string, string>, res: Response) {
  for (const c of res.headers.getSetCookie()) {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** Logs in through the real form, as a browser does: CSRF cookie and field, then POST. */
async function logIn(baseUrl: string): Promise<Map<string, string>> {
  const jar = new Map<string, string>();
  const form = await fetch(`${baseUrl}/login`);
  remember(jar, form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: baseUrl,
      cookie: cookieHeader(jar),
    },
    body: new URLSearchParams({ _csrf: csrf, email: EMAIL, password: PASSWORD }).toString(),
  });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  remember(jar, res);
  return jar;
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round((Number(kb) / 1024) * 10) / 10;
}

const seedStart = performance.now();
const petitionId = await seed();
const seedSeconds = (performance.now() - seedStart) / 1000;
console.error(`seeded ${ROWS} signatures in ${seedSeconds.toFixed(1)} s`);

const server = await startServerProcess(PORT, {
  DATABASE_URL: databaseUrl,
  SEED_DEMO: 'false',
  RUN_WORKER: 'false',
});
try {
  const pid = server.child.pid;
  if (pid === undefined) throw new Error('server has no pid');
  const jar = await logIn(server.baseUrl);
  // Warm the route once so the figure is the export's growth, not first-request start-up.
  await (
    await fetch(`${server.baseUrl}/admin/petitions/${petitionId}`, {
      headers: { cookie: cookieHeader(jar) },
    })
  ).text();
  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMb(pid));
  }, SAMPLE_MS);
  const started = performance.now();
  const res = await fetch(`${server.baseUrl}/admin/petitions/${petitionId}/signatures.csv`, {
    headers: { cookie: cookieHeader(jar) },
  });
  if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}`);
  let bytes = 0;
  let newlines = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const b of value) if (b === 10) newlines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, rssMb(pid));
  console.log(
    JSON.stringify({
      rows: newlines - 1,
      bytes,
      seconds: Math.round(seconds * 10) / 10,
      seed_seconds: Math.round(seedSeconds * 10) / 10,
      rss_before_mb: rssBefore,
      rss_peak_mb: rssPeak,
      rss_growth_mb: Math.round((rssPeak - rssBefore) * 10) / 10,
    }),
  );
} finally {
  await server.stop();
}
