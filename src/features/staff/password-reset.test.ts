import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff, logIn } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import type { Db } from '../../infra/db/database.js';
import {
  LOGIN_FAILED_MESSAGE,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_RESET_IP_LIMIT,
  RESET_REQUESTED_MESSAGE,
} from './staff.rules.js';

const BASE_URL = 'http://rally.test';
let ipCounter = 0;
function visitor(app: FastifyInstance): TestClient {
  ipCounter += 1;
  return new TestClient(app, { remoteAddress: `198.51.100.${ipCounter}` });
}

async function mailsTo(db: Db, email: string) {
  return db.kysely
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', email)
    .orderBy('id')
    .execute();
}

/** The link path from the last reset mail sent to the address, as the recipient would click. */
async function resetPathFromMail(db: Db, email: string): Promise<string> {
  const mail = (await mailsTo(db, email)).at(-1);
  assert.ok(mail, `a mail was sent to ${email}`);
  assert.equal(mail.category, 'auth.password-reset');
  const match = new RegExp(`${BASE_URL}(/password-reset/[A-Za-z0-9_-]+)`).exec(mail.text_body);
  assert.ok(match?.[1], 'the mail text holds the link');
  return match[1];
}

async function requestReset(app: FastifyInstance, email: string) {
  const client = visitor(app);
  await client.get('/password-reset');
  return client.post('/password-reset', { email });
}

describeEachDatabase('password reset by email', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db, { baseUrl: BASE_URL });
  });
  after(() => app.close());

  it('sends a link that sets a new password, logs in and ends other sessions', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer', name: 'Rita Reset' });
    const elsewhere = await logIn(app, user, visitor(app));

    const asked = await requestReset(app, user.email.toUpperCase());
    assert.equal(asked.statusCode, 200);
    assert.ok(asked.body.includes(RESET_REQUESTED_MESSAGE));
    const path = await resetPathFromMail(ctx.db, user.email);
    const mail = (await mailsTo(ctx.db, user.email)).at(-1);
    assert.match(mail?.subject ?? '', /new Rally password/);
    assert.match(mail?.html_body ?? '', /href="http:\/\/rally\.test\/password-reset\//);

    const stored = await ctx.db.kysely
      .selectFrom('staff_password_resets')
      .select('token_hash')
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(stored.length, 1);
    assert.ok(!path.endsWith(stored[0]?.token_hash ?? ''), 'only a hash of the token is stored');

    const client = visitor(app);
    const form = await client.get(path);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Choose a new password/);
    assert.ok(form.body.includes(user.email));

    const mismatch = await client.post(path, {
      password: 'a brand new password',
      confirm: 'a different password',
    });
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /The two passwords are not the same/);

    const short = 'x'.repeat(PASSWORD_MIN_LENGTH - 1);
    const tooShort = await client.post(path, { password: short, confirm: short });
    assert.equal(tooShort.statusCode, 400);
    assert.match(tooShort.body, new RegExp(`at least ${PASSWORD_MIN_LENGTH} characters`));

    const long = 'x'.repeat(PASSWORD_MAX_LENGTH + 1);
    const tooLong = await client.post(path, { password: long, confirm: long });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, new RegExp(`at most ${PASSWORD_MAX_LENGTH} characters`));

    const done = await client.post(path, {
      password: 'a brand new password',
      confirm: 'a brand new password',
    });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/admin');
    const dashboard = await client.get('/admin');
    assert.equal(dashboard.statusCode, 200);
    assert.match(dashboard.body, /Welcome, Rita Reset/);
    assert.match(dashboard.body, /Your new password is set/);

    assert.equal((await elsewhere.get('/admin')).statusCode, 302, 'other session ended');

    const withOld = visitor(app);
    await withOld.get('/login');
    const oldRes = await withOld.post('/login', { email: user.email, password: user.password });
    assert.equal(oldRes.statusCode, 401);
    assert.ok(oldRes.body.includes(LOGIN_FAILED_MESSAGE));
    await logIn(app, { email: user.email, password: 'a brand new password' }, visitor(app));

    const again = await visitor(app).get(path);
    assert.equal(again.statusCode, 410, 'the link works once');
    assert.match(again.body, /already been used/);
  });

  it('answers the same for an unknown email and sends nothing', async () => {
    const res = await requestReset(app, 'nobody-here@example.org');
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.includes(RESET_REQUESTED_MESSAGE));
    assert.equal((await mailsTo(ctx.db, 'nobody-here@example.org')).length, 0);
  });

  it('sends nothing to a disabled account', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer', disabled: true });
    const res = await requestReset(app, user.email);
    assert.ok(res.body.includes(RESET_REQUESTED_MESSAGE));
    assert.equal((await mailsTo(ctx.db, user.email)).length, 0);
  });

  it('asks again for an empty email', async () => {
    const res = await requestReset(app, '');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter the email address of your staff account/);
  });

  it('names a repeated field instead of reading it as empty', async () => {
    const client = new TestClient(app);
    await client.get('/password-reset');
    const res = await client.post('/password-reset', { email: ['a@example.org', 'b@example.org'] });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /email: /);
    const login = new TestClient(app);
    await login.get('/login');
    const twice = await login.post('/login', { email: 'a@example.org', password: ['x', 'y'] });
    assert.equal(twice.statusCode, 400);
    assert.match(twice.body, /password: /);
  });

  it('refuses an expired link with 410 and a made-up one with 400', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    await requestReset(app, user.email);
    const path = await resetPathFromMail(ctx.db, user.email);
    await ctx.db.kysely
      .updateTable('staff_password_resets')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('user_id', '=', user.id)
      .execute();
    const client = visitor(app);
    const expired = await client.get(path);
    assert.equal(expired.statusCode, 410);
    assert.match(expired.body, /expired/);
    await client.get('/password-reset');
    const post = await client.post(path, {
      password: 'a brand new password',
      confirm: 'a brand new password',
    });
    assert.equal(post.statusCode, 410);

    const madeUp = await visitor(app).get('/password-reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(madeUp.statusCode, 400);
    assert.match(madeUp.body, /not valid/);
    const junk = await visitor(app).get('/password-reset/%3Cscript%3E');
    assert.equal(junk.statusCode, 400);
  });

  it('expires the link one hour after it was sent', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const before = Date.now();
    await requestReset(app, user.email);
    const row = await ctx.db.kysely
      .selectFrom('staff_password_resets')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    const ttl = Date.parse(row.expires_at) - before;
    assert.ok(ttl > 59 * 60 * 1000 && ttl <= 60 * 60 * 1000 + 5000, `ttl ${ttl}ms`);
  });

  it('makes older links useless once a new password is set', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    await requestReset(app, user.email);
    const first = await resetPathFromMail(ctx.db, user.email);
    await requestReset(app, user.email);
    const second = await resetPathFromMail(ctx.db, user.email);
    assert.notEqual(first, second);
    const client = visitor(app);
    await client.get(second);
    const done = await client.post(second, {
      password: 'another new password',
      confirm: 'another new password',
    });
    assert.equal(done.statusCode, 303);
    assert.equal((await visitor(app).get(first)).statusCode, 410);
  });

  it(`limits one IP to ${PASSWORD_RESET_IP_LIMIT.max} reset requests`, async () => {
    const client = visitor(app);
    await client.get('/password-reset');
    for (let i = 0; i < PASSWORD_RESET_IP_LIMIT.max; i++) {
      const res = await client.post('/password-reset', { email: `someone-${i}@example.org` });
      assert.equal(res.statusCode, 200, `request ${i + 1}`);
    }
    const blocked = await client.post('/password-reset', { email: 'one-more@example.org' });
    assert.equal(blocked.statusCode, 429);
    assert.match(blocked.body, /Too many password reset requests/);
  });
});
