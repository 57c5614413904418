import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { logIn } from '../../../test/helpers/staff.js';
import { loadConfig } from '../../config.js';
import { DEFAULT_ADMIN_EMAIL, ensureFirstOwner, firstOwnerBanner } from './first-owner.js';

describeEachDatabase('first owner on first start', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('creates an owner with a random password once, who can then log in', async () => {
    const created = await ensureFirstOwner(app.services);
    assert.ok(created);
    assert.equal(created.email, DEFAULT_ADMIN_EMAIL);
    assert.ok(created.password.length >= 16);
    assert.equal(await ensureFirstOwner(app.services), null, 'only on an empty staff table');

    const client = await logIn(app, created);
    const users = await client.get('/admin/users');
    assert.equal(users.statusCode, 200, 'the first account is an owner');
    assert.equal((await ctx.db.kysely.selectFrom('staff_users').select('id').execute()).length, 1);
  });

  it('prints the login in a box', () => {
    const banner = firstOwnerBanner('http://localhost:3000', {
      email: 'admin@rally.local',
      password: 'pw-123',
    });
    assert.match(banner, /Rally is running at http:\/\/localhost:3000/);
    assert.match(banner, /Admin login: admin@rally\.local/);
    assert.match(banner, /Password: {4}pw-123/);
    assert.match(banner, /shown once; change it at \/admin\/account/);
    const widths = new Set(banner.split('\n').map((l) => l.length));
    assert.equal(widths.size, 1, 'every line of the box is as wide');
  });
});

describeEachDatabase('first owner with ADMIN_EMAIL', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    const { adminEmail } = loadConfig({ ADMIN_EMAIL: 'Chief@Campaign.example' });
    app = await createTestApp(ctx.db, { adminEmail });
  });
  after(() => app.close());

  it('uses the configured email', async () => {
    const created = await ensureFirstOwner(app.services);
    assert.equal(created?.email, 'chief@campaign.example');
  });

  it('rejects an ADMIN_EMAIL that is not an email', () => {
    assert.throws(() => loadConfig({ ADMIN_EMAIL: 'nope' }), /ADMIN_EMAIL/);
  });
});
