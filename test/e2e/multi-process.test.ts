import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testConfig } from '../../src/config.js';
import {
  FORM_SECRET_SETTING,
  issueFormToken,
  MIN_FILL_MS,
} from '../../src/features/petitions/form-token.js';
import { SIGNATURES_PER_IP_PER_WINDOW } from '../../src/features/petitions/fraud-limits.js';
import { publishedPetition } from '../../src/features/petitions/petitions.test-support.js';
import { LOGIN_IP_LIMIT } from '../../src/features/staff/staff.rules.js';
import { getSetting } from '../../src/infra/db/settings.js';
import { createServices } from '../../src/infra/services.js';
import { connectRedis } from '../../src/infra/shared-state/redis.js';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';
import { type RallyServer, startRallyServer } from '../helpers/rally-server.js';
import { TEST_REDIS_URL, deleteRedisKeys, redisSkip, testRedisPrefix } from '../helpers/redis.js';
import { createStaff } from '../helpers/staff.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The promise the issue makes: a change made through one process shows on another within this. */
const PROPAGATION_MS = 1_000;
/** Short, so the killed worker's job is retried within the test. */
const LEASE_MS = 2_000;
const skip =
  process.env.RALLY_TEST_POSTGRES === 'skip'
    ? 'PostgreSQL not reachable: the multi-process tests need it'
    : false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** `rally worker` in its own process, as a deployment runs it beside RUN_WORKER=false servers. */
function startWorker(databaseUrl: string): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'bin/rally.js'), 'worker'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      JOB_LEASE_MS: String(LEASE_MS),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** SIGTERM, resolved once the process has finished its job and closed its connections. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Reads an SSE stream, keeping the last count it announced. */
function watchCount(url: string) {
  const controller = new AbortController();
  const seen: { count: number; at: number }[] = [];
  const done = (async () => {
    const res = await fetch(url, { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      buffer += decoder.decode(value, { stream: true });
      for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
        const event = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (data)
          seen.push({ count: (JSON.parse(data) as { count: number }).count, at: Date.now() });
      }
    }
  })().catch(() => {});
  return {
    seen,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

describe('two Rally processes and a worker on one PostgreSQL database', { skip }, () => {
  let database: TestDatabase;
  let a: RallyServer;
  let b: RallyServer;
  let petition: { id: number; slug: string };
  let formSecret: string;
  let signer = 0;

  before(async () => {
    database = await createTestDatabase('postgres');
    const services = createServices({ config: testConfig(), db: database.db });
    petition = await publishedPetition(services, {
      title: 'Shared count',
      slug: 'shared-count',
      goal: '1000',
    });
    const env = { RUN_WORKER: 'false', SEED_DEMO: 'false', TRUST_PROXY: 'true' };
    [a, b] = await Promise.all([
      startRallyServer({ databaseUrl: database.url, env }),
      startRallyServer({ databaseUrl: database.url, env }),
    ]);
    formSecret = (await getSetting(database.db, FORM_SECRET_SETTING)) ?? '';
    assert.ok(formSecret, 'the form secret is created at start-up, once for both processes');
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.dispose();
  });

  /** One signer through the real public form of `server`, from their own address. */
  const sign = async (server: RallyServer, opts: { ip?: string } = {}) => {
    signer++;
    const res = await fetch(`${server.baseUrl}/p/${petition.slug}/sign`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.baseUrl,
        'x-forwarded-for': opts.ip ?? `10.9.${(signer >> 8) & 255}.${signer & 255}`,
      },
      body: new URLSearchParams({
        ft: issueFormToken(formSecret, petition.id, Date.now() - MIN_FILL_MS - 1000),
        name: `Signer ${signer}`,
        // A big provider: no per-domain limit, as for most real signers.
        email: `signer-${signer}@gmail.com`,
        postcode: 'LS28 5AB',
      }).toString(),
    });
    await res.arrayBuffer();
    return res.status;
  };

  const countOn = async (server: RallyServer) =>
    (
      (await (await fetch(`${server.baseUrl}/p/${petition.slug}/count.json`)).json()) as {
        count: number;
      }
    ).count;

  /** Presses the button behind a mailed confirmation link, on `server`. */
  const confirm = async (server: RallyServer, mailText: string) => {
    const path = /\/p\/[^/\s]+\/confirm\/\S+/.exec(mailText)?.[0];
    assert.ok(path, 'the mail carries a confirmation link');
    const page = await (await fetch(`${server.baseUrl}${path}`)).text();
    const ft = /name="ft" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const res = await fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.baseUrl },
      body: new URLSearchParams({ ft }).toString(),
    });
    await res.arrayBuffer();
    assert.equal(res.status, 200);
  };

  const mails = () =>
    database.db.kysely
      .selectFrom('mail_outbox')
      .select(['id', 'to_address', 'text_body'])
      .where('category', '=', 'petitions.confirm')
      .orderBy('id')
      .execute();

  it('a signature confirmed through A shows in B’s count.json and SSE within a second', async () => {
    const before = await countOn(b);
    const stream = watchCount(`${b.baseUrl}/p/${petition.slug}/events`);
    await until('the stream to open', 5_000, async () => (stream.seen.length ? true : undefined));
    assert.equal(await sign(a), 200);
    const worker = startWorker(database.url);
    try {
      const [mail] = await until('the confirmation mail', 30_000, async () => {
        const rows = await mails();
        return rows.length ? rows : undefined;
      });
      await confirm(a, mail!.text_body);
      const confirmedAt = Date.now();
      await until('B’s count.json', PROPAGATION_MS, async () =>
        (await countOn(b)) === before + 1 ? true : undefined,
      );
      const event = await until('B’s stream', PROPAGATION_MS, async () =>
        stream.seen.find((e) => e.count === before + 1),
      );
      assert.ok(event.at - confirmedAt <= PROPAGATION_MS, `SSE after ${event.at - confirmedAt} ms`);
      assert.ok(
        stream.seen.every((e, i) => i === 0 || e.count >= stream.seen[i - 1]!.count),
        'the count shown never goes backwards',
      );
    } finally {
      await stopProcess(worker);
      await stream.stop();
    }
  });

  it('a signing limit reached through A holds on B', async () => {
    const ip = '10.77.0.1';
    for (let i = 0; i < SIGNATURES_PER_IP_PER_WINDOW; i++) assert.equal(await sign(a, { ip }), 200);
    assert.equal(await sign(b, { ip }), 429, 'B counts the hits A took');
    assert.equal(await sign(b), 200, 'another address still signs');
  });

  it('a login rate limit reached through A holds on B, and A’s CSRF token works on B', async () => {
    const form = await fetch(`${a.baseUrl}/login`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const attempt = async (server: RallyServer, n: number) => {
      const res = await fetch(`${server.baseUrl}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie,
          origin: server.baseUrl,
          'x-forwarded-for': '10.78.0.1',
        },
        body: new URLSearchParams({
          _csrf: csrf,
          email: `nobody-${n}@example.org`,
          password: 'wrong password',
        }).toString(),
      });
      await res.arrayBuffer();
      return res.status;
    };
    assert.equal(await attempt(b, 0), 401, 'B accepts the form A issued (shared secrets)');
    for (let n = 1; n < LOGIN_IP_LIMIT.max; n++) assert.equal(await attempt(a, n), 401);
    assert.equal(await attempt(b, LOGIN_IP_LIMIT.max), 429);
  });

  it('a staff session created on A works on B', async () => {
    const staff = await createStaff(database.db, { role: 'organiser' });
    const form = await fetch(`${a.baseUrl}/login`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const csrfCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]);
    const login = await fetch(`${a.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: csrfCookie.join('; '),
        origin: a.baseUrl,
        'x-forwarded-for': '10.79.0.1',
      },
      body: new URLSearchParams({
        _csrf: csrf,
        email: staff.email,
        password: staff.password,
      }).toString(),
    });
    assert.equal(login.status, 303);
    const session = login.headers.getSetCookie().map((c) => c.split(';')[0]);
    const admin = await fetch(`${b.baseUrl}/admin`, {
      redirect: 'manual',
      headers: { cookie: [...csrfCookie, ...session].join('; ') },
    });
    assert.equal(admin.status, 200, 'B knows the session A created');
    assert.doesNotMatch(await admin.text(), /name="password"/, 'not the login form');
  });

  it('a worker killed mid-batch loses nothing: another finishes after the lease', async () => {
    const already = (await mails()).length;
    const batch = 400;
    const statuses = [];
    for (let i = 0; i < batch; i += 50)
      statuses.push(
        ...(await Promise.all(Array.from({ length: 50 }, () => sign(i % 100 ? a : b)))),
      );
    assert.deepEqual(new Set(statuses), new Set([200]));

    const first = startWorker(database.url);
    await until('the first mails of the batch', 30_000, async () =>
      (await mails()).length > already ? true : undefined,
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = (await mails()).length - already;
    assert.ok(atKill < batch, 'the worker was killed before the batch was done');

    const second = startWorker(database.url);
    try {
      // Every signature so far (earlier tests' too, which no worker had mailed yet): one mail each.
      const signatures = await database.db.kysely
        .selectFrom('petition_signatures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const expected = Number(signatures.n);
      await until('every signature mailed', 60_000, async () =>
        (await mails()).length >= expected ? true : undefined,
      );
      await sleep(LEASE_MS);
      const all = await mails();
      assert.equal(all.length, expected, `one mail per signature (killed after ${atKill})`);
      assert.equal(new Set(all.map((m) => m.to_address)).size, all.length, 'nobody mailed twice');
      const jobs = await database.db.kysely
        .selectFrom('jobs')
        .select(['status'])
        .where('type', '=', 'petitions.process-batch')
        .execute();
      assert.ok(
        jobs.every((j) => j.status === 'done'),
        JSON.stringify(jobs),
      );
      const unfiled = await database.db.kysely
        .selectFrom('petition_signatures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('person_id', 'is', null)
        .where('status', '!=', 'invalidated')
        .executeTakeFirstOrThrow();
      assert.equal(Number(unfiled.n), 0, 'every signer filed as a person');
    } finally {
      await stopProcess(second);
    }
  });
});

describe('two Rally processes sharing one Redis (REDIS_URL)', { skip: skip || redisSkip }, () => {
  let database: TestDatabase;
  let a: RallyServer;
  let b: RallyServer;
  let petition: { id: number; slug: string };
  let formSecret: string;
  const prefix = testRedisPrefix();

  before(async () => {
    database = await createTestDatabase('postgres');
    const services = createServices({ config: testConfig(), db: database.db });
    petition = await publishedPetition(services, { title: 'Redis', slug: 'redis', goal: '100' });
    const env = {
      RUN_WORKER: 'false',
      SEED_DEMO: 'false',
      TRUST_PROXY: 'true',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
    };
    [a, b] = await Promise.all([
      startRallyServer({ databaseUrl: database.url, env }),
      startRallyServer({ databaseUrl: database.url, env }),
    ]);
    formSecret = (await getSetting(database.db, FORM_SECRET_SETTING)) ?? '';
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.dispose();
    await deleteRedisKeys(prefix);
  });

  let signer = 0;
  const sign = async (server: RallyServer, ip: string) => {
    signer++;
    const res = await fetch(`${server.baseUrl}/p/${petition.slug}/sign`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.baseUrl,
        'x-forwarded-for': ip,
      },
      body: new URLSearchParams({
        ft: issueFormToken(formSecret, petition.id, Date.now() - MIN_FILL_MS - 1000),
        name: `Signer ${signer}`,
        email: `redis-signer-${signer}@gmail.com`,
        postcode: 'LS28 5AB',
      }).toString(),
    });
    await res.arrayBuffer();
    return res.status;
  };

  it('a signing limit reached through A holds on B, counted in Redis', async () => {
    const ip = '10.88.0.1';
    for (let i = 0; i < SIGNATURES_PER_IP_PER_WINDOW; i++) assert.equal(await sign(a, ip), 200);
    assert.equal(await sign(b, ip), 429, 'B counts the hits A took');
    assert.equal(await sign(b, '10.88.0.2'), 200, 'another address still signs');
    const inPostgres = await database.db.kysely
      .selectFrom('rate_limit_hits')
      .select('key')
      .execute();
    assert.deepEqual(inPostgres, [], 'nothing counted in PostgreSQL');
    const redis = await connectRedis(TEST_REDIS_URL, prefix);
    try {
      const keys = await redis.client.keys(`${prefix}rl:petitions-sign-ip|*`);
      assert.equal(keys.length, 2, keys.join(', '));
    } finally {
      await redis.close();
    }
  });

  it('a server whose REDIS_URL is unreachable refuses to start, saying why', async () => {
    await assert.rejects(
      startRallyServer({
        databaseUrl: database.url,
        env: { SEED_DEMO: 'false', RUN_WORKER: 'false', REDIS_URL: 'redis://127.0.0.1:1' },
      }),
      /server exited early[\s\S]*Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/,
    );
  });
});
