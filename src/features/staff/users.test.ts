import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff, logIn, loginAs, loginAsNew } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import type { Db } from '../../infra/db/database.js';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from './staff.rules.js';

async function userByEmail(db: Db, email: string) {
  return db.kysely
    .selectFrom('staff_users')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
}

async function auditActions(db: Db, subjectId: number) {
  const rows = await db.kysely
    .selectFrom('audit_log')
    .select(['action', 'actor_user_id'])
    .where('subject_type', '=', 'staff_user')
    .where('subject_id', '=', String(subjectId))
    .orderBy('id')
    .execute();
  return rows;
}

describeEachDatabase('staff administration', (ctx) => {
  let app: FastifyInstance;
  let owner: TestClient;
  let ownerId: number;
  before(async () => {
    app = await createTestApp(ctx.db);
    const logged = await loginAsNew(app, 'owner', { name: 'Olga Owner' });
    owner = logged.client;
    ownerId = logged.user.id;
  });
  after(() => app.close());

  it('lists staff and shows the Staff link to owners only', async () => {
    const page = await owner.get('/admin/users');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Olga Owner/);
    assert.match(page.body, /href="\/admin\/users"/);
    const organiser = await loginAs(app, 'organiser');
    const dashboard = await organiser.get('/admin');
    assert.doesNotMatch(dashboard.body, /href="\/admin\/users"/);
    assert.equal((await organiser.get('/admin/users')).statusCode, 403);
  });

  it('creates an account, shows its password once, and the new person can log in', async () => {
    await owner.get('/admin/users');
    const res = await owner.post('/admin/users', {
      email: 'New.Person@Example.org',
      name: 'New Person',
      role: 'moderator',
    });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['cache-control'], 'no-store');
    const password = /<code class="one-time-secret">([^<]+)<\/code>/.exec(res.body)?.[1];
    assert.ok(password && password.length >= 12, 'generated password shown');
    const row = await userByEmail(ctx.db, 'new.person@example.org');
    assert.equal(row?.role, 'moderator');
    assert.equal(row?.name, 'New Person');
    assert.ok(!row?.password_hash.includes(password), 'only the hash is stored');
    assert.deepEqual(await auditActions(ctx.db, row.id), [
      { action: 'staff.create', actor_user_id: ownerId },
    ]);

    const list = await owner.get('/admin/users');
    assert.doesNotMatch(list.body, new RegExp(password), 'not shown again');

    const newcomer = await logIn(app, { email: 'new.person@example.org', password });
    assert.match((await newcomer.get('/admin')).body, /Welcome, New Person/);
  });

  it('can also email the new person a link to choose a password', async () => {
    await owner.get('/admin/users');
    const res = await owner.post('/admin/users', {
      email: 'linked@example.org',
      name: 'Linked Person',
      role: 'viewer',
      send_link: '1',
    });
    assert.equal(res.statusCode, 201);
    assert.match(res.body, /We also emailed linked@example\.org/);
    const mail = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'linked@example.org')
      .executeTakeFirst();
    assert.equal(mail?.category, 'auth.password-reset');
    assert.match(mail?.text_body ?? '', /\/password-reset\/[A-Za-z0-9_-]{20,}/);
  });

  it('refuses a duplicate, a bad email, a bad role or an over-long name with a message', async () => {
    const existing = await createStaff(ctx.db, { role: 'viewer' });
    await owner.get('/admin/users');
    const dup = await owner.post('/admin/users', {
      email: existing.email.toUpperCase(),
      name: 'Dup',
      role: 'viewer',
    });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.body, /There is already a staff account for/);
    assert.match(dup.body, /value="Dup"/, 'typed values kept');

    const cases: [Record<string, string>, RegExp][] = [
      [{ email: 'not-an-email', name: 'X', role: 'viewer' }, /valid email address/],
      [
        { email: `${'a'.repeat(EMAIL_MAX_LENGTH)}@example.org`, name: 'X', role: 'viewer' },
        new RegExp(`at most ${EMAIL_MAX_LENGTH} characters`),
      ],
      [{ email: 'ok@example.org', name: 'X', role: 'emperor' }, /Role must be one of/],
      [
        { email: 'ok@example.org', name: 'n'.repeat(NAME_MAX_LENGTH + 1), role: 'viewer' },
        new RegExp(`at most ${NAME_MAX_LENGTH} characters`),
      ],
    ];
    for (const [form, message] of cases) {
      const res = await owner.post('/admin/users', form);
      assert.equal(res.statusCode, 400, JSON.stringify(form).slice(0, 80));
      assert.match(res.body, message);
    }
    assert.equal(await userByEmail(ctx.db, 'ok@example.org'), undefined);
  });

  it('changes a role, and the change takes effect at once', async () => {
    const { client, user } = await loginAsNew(app, 'viewer');
    assert.equal((await client.get('/admin/users')).statusCode, 403);
    await owner.get('/admin/users');
    const res = await owner.post(`/admin/users/${user.id}/role`, { role: 'owner' });
    assert.equal(res.statusCode, 303);
    const list = await owner.get('/admin/users');
    assert.match(list.body, /is now an owner/);
    assert.equal((await client.get('/admin/users')).statusCode, 200);
    assert.deepEqual(
      (await auditActions(ctx.db, user.id)).map((a) => a.action),
      ['staff.role-change'],
    );

    const bad = await owner.post(`/admin/users/${user.id}/role`, { role: 'king' });
    assert.equal(bad.statusCode, 400);
    const missing = await owner.post('/admin/users/999999/role', { role: 'viewer' });
    assert.equal(missing.statusCode, 404);
    const junk = await owner.post('/admin/users/abc/role', { role: 'viewer' });
    assert.equal(junk.statusCode, 404);
  });

  it('disables an account (ending its sessions) and enables it again', async () => {
    const { client, user } = await loginAsNew(app, 'organiser');
    await owner.get('/admin/users');
    const res = await owner.post(`/admin/users/${user.id}/disable`);
    assert.equal(res.statusCode, 303);
    assert.match((await owner.get('/admin/users')).body, /can no longer log in/);
    assert.equal((await client.get('/admin')).statusCode, 302, 'logged out at once');
    const retry = new TestClient(app, { remoteAddress: '203.0.113.9' });
    await retry.get('/login');
    assert.equal(
      (await retry.post('/login', { email: user.email, password: user.password })).statusCode,
      401,
    );

    await owner.post(`/admin/users/${user.id}/enable`);
    assert.match((await owner.get('/admin/users')).body, /can log in again/);
    await logIn(app, user);
    assert.deepEqual(
      (await auditActions(ctx.db, user.id)).map((a) => a.action),
      ['staff.disable', 'staff.enable'],
    );
  });

  it('answers a repeated form field by naming it, and an id no account can have with 404', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    await owner.get('/admin/users');
    const twice = await owner.post(`/admin/users/${user.id}/role`, { role: ['owner', 'viewer'] });
    assert.equal(twice.statusCode, 400);
    assert.match(twice.body, /role: /);
    const created = await owner.post('/admin/users', {
      email: ['a@example.org', 'b@example.org'],
      role: 'viewer',
    });
    assert.equal(created.statusCode, 400);
    assert.match(created.body, /email: /);
    assert.equal((await userByEmail(ctx.db, 'a@example.org')) ?? null, null);
    for (const id of ['9999999999', '0', '01'])
      assert.equal(
        (await owner.post(`/admin/users/${id}/disable`)).statusCode,
        404,
        `/admin/users/${id}/disable`,
      );
    assert.equal((await userByEmail(ctx.db, user.email))?.role, 'viewer', 'nothing changed');
  });

  it('refuses staff forms without a CSRF token', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer' });
    const res = await owner.post(`/admin/users/${user.id}/role`, { role: 'owner', _csrf: 'x' });
    assert.equal(res.statusCode, 403);
    assert.equal((await userByEmail(ctx.db, user.email))?.role, 'viewer');
  });
});

describeEachDatabase('the last owner', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('cannot be demoted or disabled, by themselves or anyone', async () => {
    const { client: first, user: firstUser } = await loginAsNew(app, 'owner');
    await first.get('/admin/users');
    const demote = await first.post(`/admin/users/${firstUser.id}/role`, { role: 'organiser' });
    assert.equal(demote.statusCode, 409);
    assert.match(demote.body, /You are the last owner/);
    const disable = await first.post(`/admin/users/${firstUser.id}/disable`);
    assert.equal(disable.statusCode, 409);
    assert.match(disable.body, /You are the last owner/);

    // With a second owner the first may step down; then the second is the last one.
    const { client: second, user: secondUser } = await loginAsNew(app, 'owner');
    await first.get('/admin/users');
    assert.equal(
      (await first.post(`/admin/users/${firstUser.id}/role`, { role: 'organiser' })).statusCode,
      303,
    );
    await second.get('/admin/users');
    const stepDown = await second.post(`/admin/users/${secondUser.id}/role`, { role: 'viewer' });
    assert.equal(stepDown.statusCode, 409);

    // A disabled owner does not count as a remaining owner.
    const dormant = await createStaff(ctx.db, { role: 'owner' });
    await second.post(`/admin/users/${dormant.id}/disable`);
    assert.equal((await second.post(`/admin/users/${secondUser.id}/disable`)).statusCode, 409);
    const owners = await ctx.db.kysely
      .selectFrom('staff_users')
      .select('id')
      .where('role', '=', 'owner')
      .where('disabled_at', 'is', null)
      .execute();
    assert.deepEqual(
      owners.map((o) => o.id),
      [secondUser.id],
    );
  });
});

describeEachDatabase('your account', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('changes your password with the current one, ending your other sessions', async () => {
    const user = await createStaff(ctx.db, { role: 'viewer', name: 'Ada Account' });
    const client = await logIn(app, user);
    const otherDevice = await logIn(app, user);
    const page = await client.get('/admin/account');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Ada Account/);

    const wrongCurrent = await client.post('/admin/account/password', {
      current: 'not my password',
      password: 'my lovely new password',
      confirm: 'my lovely new password',
    });
    assert.equal(wrongCurrent.statusCode, 400);
    assert.match(wrongCurrent.body, /Your current password is not right/);

    const mismatch = await client.post('/admin/account/password', {
      current: user.password,
      password: 'my lovely new password',
      confirm: 'my lovely other password',
    });
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /not the same/);

    const short = await client.post('/admin/account/password', {
      current: user.password,
      password: 'short',
      confirm: 'short',
    });
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /at least 12 characters/);

    const ok = await client.post('/admin/account/password', {
      current: user.password,
      password: 'my lovely new password',
      confirm: 'my lovely new password',
    });
    assert.equal(ok.statusCode, 303);
    const after = await client.get('/admin/account');
    assert.equal(after.statusCode, 200, 'still logged in here');
    assert.match(after.body, /Your password is changed/);
    assert.equal((await otherDevice.get('/admin')).statusCode, 302, 'logged out elsewhere');

    await logIn(app, { email: user.email, password: 'my lovely new password' });
    const old = new TestClient(app, { remoteAddress: '203.0.113.77' });
    await old.get('/login');
    assert.equal(
      (await old.post('/login', { email: user.email, password: user.password })).statusCode,
      401,
    );
    const audit = await ctx.db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', String(user.id))
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['staff.password-change'],
    );
  });
});
