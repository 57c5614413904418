import { ManualClock } from '../../infra/clock/clock.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { type DatabaseContext, describeEachDatabase } from '../../../test/helpers/databases.js';
import { redisSkip, testRedis } from '../../../test/helpers/redis.js';
import { createStaff, logIn } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../../infra/auth/sessions.js';
import {
  ACCOUNT_SLOWDOWN,
  LOGIN_FAILED_MESSAGE,
  LOGIN_IP_LIMIT,
  SOURCE_LOCKOUT,
} from './staff.rules.js';

let ipCounter = 0;
/** A client with an IP of its own, so tests don't share the per-IP login budget. */
function visitor(app: FastifyInstance): TestClient {
  ipCounter += 1;
  return new TestClient(app, { remoteAddress: `192.0.2.${ipCounter}` });
}

describeEachDatabase('staff login', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('logs in with the right password and shows the dashboard with their name', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer', name: 'Vera Viewer' });
    const client = visitor(app);
    await client.get('/login');
    const res = await client.post('/login', { email: user.email, password: user.password });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin');
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.equal(cookie.maxAge, SESSION_TTL_MS / 1000);
    assert.notEqual(cookie.secure, true, 'plain http base URL: cookie must work without TLS');
    const dashboard = await client.get('/admin');
    assert.equal(dashboard.statusCode, 200);
    assert.match(dashboard.body, /Welcome, Vera Viewer/);
  });

  it('accepts the email in any case and with spaces around it', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer', email: 'mixed.case@example.org' });
    const client = visitor(app);
    await client.get('/login');
    const res = await client.post('/login', {
      email: '  Mixed.Case@Example.ORG ',
      password: user.password,
    });
    assert.equal(res.statusCode, 303);
  });

  it('sends a logged-in visitor from /login to the dashboard', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const client = await logIn(app, user, visitor(app));
    const res = await client.get('/login');
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/admin');
  });

  it('refuses a wrong password or unknown email with the same 401 message, keeping the email', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const client = visitor(app);
    await client.get('/login');
    const wrongPassword = await client.post('/login', {
      email: user.email,
      password: 'not the password',
    });
    assert.equal(wrongPassword.statusCode, 401);
    assert.ok(wrongPassword.body.includes(LOGIN_FAILED_MESSAGE));
    assert.ok(wrongPassword.body.includes(`value="${user.email}"`), 'typed email kept');
    assert.equal(client.hasCookie(SESSION_COOKIE), false);

    const unknown = await client.post('/login', {
      email: 'nobody@example.org',
      password: user.password,
    });
    assert.equal(unknown.statusCode, 401);
    assert.ok(unknown.body.includes(LOGIN_FAILED_MESSAGE));
  });

  it('asks for both fields when one is empty', async () => {
    const client = visitor(app);
    await client.get('/login');
    const res = await client.post('/login', { email: 'x@example.org', password: '' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter your email and your password/);
  });

  it('does not let a disabled account log in', async () => {
    const user = await createStaff(ctx.db, { role: 'owner', disabled: true });
    const client = visitor(app);
    await client.get('/login');
    const res = await client.post('/login', { email: user.email, password: user.password });
    assert.equal(res.statusCode, 401);
    assert.ok(res.body.includes(LOGIN_FAILED_MESSAGE));
  });

  it('logs out: the session ends and /admin sends back to the login page', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const client = await logIn(app, user, visitor(app));
    assert.equal((await client.get('/admin')).statusCode, 200);
    const out = await client.post('/logout');
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/login');
    const login = await client.get('/login');
    assert.match(login.body, /You have logged out/);
    const admin = await client.get('/admin');
    assert.equal(admin.statusCode, 302);
    assert.match(String(admin.headers.location), /^\/login\?next=%2Fadmin/);
    const rows = await ctx.db.kysely
      .selectFrom('staff_sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(rows.length, 0, 'session row deleted');
  });

  it('refuses a login form without a valid CSRF token with 403', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const fresh = visitor(app);
    const noToken = await fresh.post('/login', { email: user.email, password: user.password });
    assert.equal(noToken.statusCode, 403);
    assert.equal(fresh.hasCookie(SESSION_COOKIE), false);

    const client = visitor(app);
    await client.get('/login');
    const wrong = await client.post('/login', {
      email: user.email,
      password: user.password,
      _csrf: 'forged-token',
    });
    assert.equal(wrong.statusCode, 403);
    assert.match(wrong.body, /Form expired/);
    assert.equal(client.hasCookie(SESSION_COOKIE), false);
  });

  it('goes to a local `next` after login and refuses other sites', async () => {
    const user = await createStaff(ctx.db, { role: 'owner' });
    const anonymous = visitor(app);
    const bounced = await anonymous.get('/admin/users');
    assert.equal(bounced.statusCode, 302);
    const loginPage = await anonymous.get(String(bounced.headers.location));
    assert.match(loginPage.body, /name="next" value="\/admin\/users"/);
    const ok = await anonymous.post('/login', {
      email: user.email,
      password: user.password,
      next: '/admin/users',
    });
    assert.equal(ok.headers.location, '/admin/users');

    for (const next of [
      '//evil.example/',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
      '/\t/evil.example',
    ]) {
      const client = visitor(app);
      await client.get('/login');
      const res = await client.post('/login', { email: user.email, password: user.password, next });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/admin', `next=${next}`);
    }
  });

  it('a successful login clears earlier failures', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const client = visitor(app);
    await client.get('/login');
    for (let i = 0; i < SOURCE_LOCKOUT.maxFailures - 1; i++)
      await client.post('/login', { email: user.email, password: 'wrong password' });
    assert.equal(
      (await client.post('/login', { email: user.email, password: user.password })).statusCode,
      303,
    );
    const next = visitor(app);
    await next.get('/login');
    for (let i = 0; i < SOURCE_LOCKOUT.maxFailures - 1; i++)
      await next.post('/login', { email: user.email, password: 'wrong password' });
    const res = await next.post('/login', { email: user.email, password: user.password });
    assert.equal(res.statusCode, 303);
  });

  it(`limits one IP to ${LOGIN_IP_LIMIT.max} login attempts a minute`, async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const client = visitor(app);
    await client.get('/login');
    // Every POST counts, even one the form rejects before checking a password.
    for (let i = 0; i < LOGIN_IP_LIMIT.max; i++) {
      const res = await client.post('/login', { email: `guess-${i}@example.org`, password: '' });
      assert.equal(res.statusCode, 400, `attempt ${i + 1}`);
    }
    const blocked = await client.post('/login', { email: user.email, password: user.password });
    assert.equal(blocked.statusCode, 429);
    assert.match(blocked.headers['content-type'] as string, /text\/html/);
    assert.match(blocked.body, /Too many login attempts from your network/);
    assert.equal(client.hasCookie(SESSION_COOKIE), false);

    const elsewhere = visitor(app);
    await elsewhere.get('/login');
    const ok = await elsewhere.post('/login', { email: user.email, password: user.password });
    assert.equal(ok.statusCode, 303, 'another IP is not limited');
  });
});

/**
 * The same lockout behaviour wherever the attempts are counted: the database, or Redis when
 * REDIS_URL is set (a key prefix of the suite's own).
 */
function lockoutSuite(title: string, store: 'database' | 'redis') {
  describeEachDatabase(title, (ctx) => lockoutTests(ctx, store));
}
lockoutSuite('staff login lockout and slowdown', 'database');
describe('with REDIS_URL', { skip: redisSkip }, () =>
  lockoutSuite('staff login lockout and slowdown, counted in Redis', 'redis'),
);

function lockoutTests(ctx: DatabaseContext, store: 'database' | 'redis') {
  let app: FastifyInstance;
  let redis: Awaited<ReturnType<typeof testRedis>> | undefined;
  /** The app's clock: tests move it forward instead of sleeping. */
  const clock = new ManualClock(new Date());
  const advance = (ms: number) => clock.advance(ms);
  before(async () => {
    redis = store === 'redis' ? await testRedis() : undefined;
    app = await createTestApp(
      ctx.db,
      { baseUrl: 'http://rally.test' },
      { clock, ...(redis ? { redis } : {}) },
    );
  });
  after(async () => {
    await app.close();
    await redis?.dispose();
  });

  if (store === 'redis')
    it('counts attempts in Redis, not in the login_attempts table', async () => {
      const user = await createStaff(ctx.db, { role: 'viewer' });
      assert.equal((await attempt(visitor(app), user.email, 'wrong')).statusCode, 401);
      const rows = await ctx.db.kysely
        .selectFrom('login_attempts')
        .select('id')
        .where('email', '=', user.email)
        .execute();
      assert.equal(rows.length, 0);
      assert.equal(await redis?.client.zcard(`${redis.prefix}login:${user.email}`), 1);
    });

  if (store === 'database')
    it('forgets attempts once they are older than any lockout looks back', async () => {
      const tried = await createStaff(ctx.db, { role: 'viewer' });
      const other = await createStaff(ctx.db, { role: 'viewer' });
      const attemptsOf = async (email: string) =>
        (
          await ctx.db.kysely
            .selectFrom('login_attempts')
            .select('id')
            .where('email', '=', email)
            .execute()
        ).length;
      await attempt(visitor(app), tried.email, 'wrong');
      await attempt(visitor(app), tried.email, 'wrong again');
      assert.equal(await attemptsOf(tried.email), 2);
      advance(Math.max(SOURCE_LOCKOUT.windowMs, ACCOUNT_SLOWDOWN.windowMs) + 1000);
      await attempt(visitor(app), tried.email, 'wrong');
      assert.equal(
        await attemptsOf(tried.email),
        1,
        'the account’s old attempts go on its next try',
      );
      await attempt(visitor(app), other.email, 'wrong');
      advance(2 * 60 * 60 * 1000);
      await attempt(visitor(app), tried.email, 'wrong');
      assert.equal(await attemptsOf(other.email), 0, 'an hourly sweep drops accounts nobody tries');
    });

  async function attempt(client: TestClient, email: string, password: string) {
    if (!client.lastCsrf) await client.get('/login');
    return client.post('/login', { email, password });
  }

  it(`does not let ${SOURCE_LOCKOUT.maxFailures} wrong passwords from ${SOURCE_LOCKOUT.maxFailures} addresses lock the owner out`, async () => {
    const user = await createStaff(ctx.db, { role: 'owner' });
    for (let i = 0; i < SOURCE_LOCKOUT.maxFailures; i++) {
      const res = await attempt(visitor(app), user.email, `wrong ${i}`);
      assert.equal(res.statusCode, 401, `attempt ${i + 1}`);
    }
    const owner = visitor(app);
    const res = await attempt(owner, user.email, user.password);
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    assert.equal(owner.hasCookie(SESSION_COOKIE), true);
  });

  it(`locks one address out of one account after ${SOURCE_LOCKOUT.maxFailures} wrong passwords, for ${SOURCE_LOCKOUT.windowMs / 60000} minutes`, async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const other = await createStaff(ctx.db, { role: 'viewer' });
    const guesser = visitor(app);
    for (let i = 0; i < SOURCE_LOCKOUT.maxFailures; i++) {
      const res = await attempt(guesser, user.email, `wrong ${i}`);
      assert.equal(res.statusCode, 401, `attempt ${i + 1}`);
    }
    // Even the right password is refused from that address now, with a page saying when.
    const locked = await attempt(guesser, user.email, user.password);
    assert.equal(locked.statusCode, 429);
    assert.match(locked.headers['content-type'] as string, /text\/html/);
    assert.match(
      locked.body,
      /Too many wrong passwords for this account from your network\. Try again in 15 minutes/,
    );
    assert.match(locked.body, /set a new one through “Forgot your password\?”/);
    assert.equal(locked.headers['retry-after'], String(15 * 60));
    assert.equal(guesser.hasCookie(SESSION_COOKIE), false);

    // The same address may still log in to another account.
    assert.equal((await attempt(guesser, other.email, other.password)).statusCode, 303);
    // The owner, from their own address, is not affected.
    assert.equal((await attempt(visitor(app), user.email, user.password)).statusCode, 303);

    // Fourteen minutes on it is still locked; once the window has passed it may try again.
    advance(14 * 60_000);
    const still = await attempt(guesser, user.email, user.password);
    assert.equal(still.statusCode, 429);
    assert.match(still.body, /Try again in 1 minute\./);
    advance(60_000 + 1000);
    assert.equal((await attempt(guesser, user.email, user.password)).statusCode, 303);
  });

  it('slows an account down when wrong passwords come from many addresses, never for long', async () => {
    const user = await createStaff(ctx.db, { role: 'organiser' });
    const failures = ACCOUNT_SLOWDOWN.freeFailures + 8;
    for (let i = 0; i < failures; i++) {
      const res = await attempt(visitor(app), user.email, `wrong ${i}`);
      assert.equal(res.statusCode, 401, `attempt ${i + 1}: ${res.body.slice(0, 200)}`);
      advance(ACCOUNT_SLOWDOWN.maxDelayMs);
    }
    // A burst right after the last failure: the account asks for a short wait, from anywhere.
    const wrong = await attempt(visitor(app), user.email, 'wrong again');
    assert.equal(wrong.statusCode, 401);
    const burst = visitor(app);
    const slowed = await attempt(burst, user.email, user.password);
    assert.equal(slowed.statusCode, 429);
    const wait = Number(slowed.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= ACCOUNT_SLOWDOWN.maxDelayMs / 1000, `retry-after ${wait}`);
    assert.match(
      slowed.body,
      /Many wrong passwords were tried for this account\. Try again in \d+ seconds?\./,
    );

    // The owner, after that short wait, gets in from a clean address.
    advance(wait * 1000);
    const owner = visitor(app);
    assert.equal((await attempt(owner, user.email, user.password)).statusCode, 303);
  });

  it('lets a locked-out user in through the password-reset email, and lifts the lock', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const home = visitor(app);
    for (let i = 0; i < SOURCE_LOCKOUT.maxFailures; i++)
      await attempt(home, user.email, `wrong ${i}`);
    assert.equal((await attempt(home, user.email, user.password)).statusCode, 429);

    await home.get('/password-reset');
    assert.equal((await home.post('/password-reset', { email: user.email })).statusCode, 200);
    const mail = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', user.email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const path = /http:\/\/rally\.test(\/password-reset\/[A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1];
    assert.ok(path, 'the mail holds the link');
    await home.get(path);
    const newPassword = 'a brand new password 42';
    const reset = await home.post(path, { password: newPassword, confirm: newPassword });
    assert.equal(reset.statusCode, 303);
    assert.equal((await home.get('/admin')).statusCode, 200, 'logged in by the reset');

    await home.post('/logout');
    const again = await attempt(home, user.email, newPassword);
    assert.equal(again.statusCode, 303, 'the same address may log in again at once');
  });
}

describeEachDatabase('staff login over https', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db, { baseUrl: 'https://rally.example' });
  });
  after(() => app.close());

  it('marks the session cookie Secure when the base URL is https', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const client = new TestClient(app);
    await client.get('/login');
    const res = await client.post('/login', { email: user.email, password: user.password });
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    assert.equal(cookie?.secure, true);
  });
});
