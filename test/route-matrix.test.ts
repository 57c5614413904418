import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { PERMISSIONS, ROLES, type Role } from '../src/infra/auth/auth.tables.js';
import { SESSION_COOKIE, SessionStore } from '../src/infra/auth/sessions.js';
import { FEATURES } from '../src/features/index.js';
import type { Feature } from '../src/infra/services.js';
import { createTestApp } from './helpers/app.js';
import { describeEachDatabase } from './helpers/databases.js';
import { createStaff } from './helpers/staff.js';

/** A concrete URL for a route pattern: every parameter and wildcard becomes "1". */
function concreteUrl(pattern: string): string {
  return pattern.replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, '1').replace(/\*/g, '1');
}

function roleBelow(role: Role): Role | undefined {
  const i = ROLES.indexOf(role);
  return i > 0 ? ROLES[i - 1] : undefined;
}

/**
 * Every route that declares a role, found from the app itself, so routes added by future features
 * are checked without touching this file.
 */
describeEachDatabase('route matrix: every staff route is guarded', (ctx) => {
  let app: FastifyInstance;
  /** A session cookie per role, so every HTTP method can be sent (forms only do GET/POST). */
  const cookies = new Map<Role, string>();
  before(async () => {
    app = await createTestApp(ctx.db);
    const sessions = new SessionStore(ctx.db);
    for (const role of ROLES) {
      const user = await createStaff(ctx.db, { role });
      // Every permission too: a route's role is what these tests check; permissions have their own.
      for (const permission of PERMISSIONS)
        await ctx.db.kysely
          .insertInto('staff_permissions')
          .values({
            user_id: user.id,
            permission,
            granted_by: null,
            granted_at: new Date().toISOString(),
          })
          .execute();
      cookies.set(role, `${SESSION_COOKIE}=${await sessions.create(user.id, { ip: '127.0.0.1' })}`);
    }
  });
  after(() => app.close());

  it('finds the staff routes', () => {
    const urls = app.guardedRoutes.map((r) => `${r.method} ${r.url}`);
    assert.ok(urls.length > 0);
    assert.ok(urls.includes('GET /admin'), urls.join(', '));
    assert.ok(urls.includes('GET /admin/users'));
    assert.ok(urls.includes('POST /admin/users'));
  });

  it('refuses to start with an /admin route that declares no role', async () => {
    const careless: Feature = {
      name: 'careless',
      routes: async (a) => {
        a.get('/admin/careless', () => 'everyone can read this');
      },
    };
    await assert.rejects(
      createTestApp(ctx.db, {}, { features: [...FEATURES, careless] }),
      /GET \/admin\/careless must declare config.role/,
    );
  });

  it('lets each role in at its own level (so the 403s below mean something)', async () => {
    for (const route of app.guardedRoutes.filter(
      (r) => r.method === 'GET' && !r.url.includes(':'),
    )) {
      const res = await app.inject({
        method: 'GET',
        url: route.url,
        headers: { accept: 'text/html', cookie: cookies.get(route.role) as string },
      });
      const toLogin = String(res.headers.location ?? '').startsWith('/login');
      assert.ok(
        ![401, 403].includes(res.statusCode) && !toLogin,
        `GET ${route.url} as ${route.role}: ${res.statusCode}`,
      );
    }
  });

  it('sends anonymous visitors to the login page', async () => {
    const problems: string[] = [];
    for (const route of app.guardedRoutes) {
      const url = concreteUrl(route.url);
      if (route.method === 'GET') {
        const res = await app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
        if (res.statusCode !== 302 || !String(res.headers.location).startsWith('/login'))
          problems.push(`GET ${url}: ${res.statusCode} ${res.headers.location ?? ''}`);
      } else {
        const res = await app.inject({
          method: route.method as 'POST',
          url,
          payload: 'a=1',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        });
        const toLogin = res.statusCode === 303 && res.headers.location === '/login';
        if (!toLogin && res.statusCode !== 401)
          problems.push(`${route.method} ${url}: ${res.statusCode} ${res.headers.location ?? ''}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('answers 403 to staff with the role but without the permission a route needs', async () => {
    const sessions = new SessionStore(ctx.db);
    const bare = await createStaff(ctx.db, { role: 'owner' });
    const cookie = `${SESSION_COOKIE}=${await sessions.create(bare.id, { ip: '127.0.0.1' })}`;
    const needing = app.guardedRoutes.filter((r) => r.permission);
    assert.ok(needing.length > 0, 'some route needs a permission');
    const problems: string[] = [];
    for (const route of needing) {
      const res = await app.inject({
        method: route.method as 'GET',
        url: concreteUrl(route.url),
        ...(route.method === 'GET' ? {} : { payload: 'a=1' }),
        headers: {
          accept: 'text/html',
          cookie,
          ...(route.method === 'GET'
            ? {}
            : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
      });
      if (res.statusCode !== 403) problems.push(`${route.method} ${route.url}: ${res.statusCode}`);
    }
    assert.deepEqual(problems, []);
  });

  it('answers 403 to staff one role below the one required', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const route of app.guardedRoutes) {
      const below = roleBelow(route.role);
      if (!below) continue;
      const url = concreteUrl(route.url);
      const res = await app.inject({
        method: route.method as 'GET',
        url,
        ...(route.method === 'GET' ? {} : { payload: 'a=1' }),
        headers: {
          accept: 'text/html',
          cookie: cookies.get(below) as string,
          ...(route.method === 'GET'
            ? {}
            : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
      });
      checked += 1;
      if (res.statusCode !== 403)
        problems.push(`${route.method} ${url} as ${below}: ${res.statusCode}`);
    }
    assert.ok(checked > 0, 'some route needs more than viewer');
    assert.deepEqual(problems, []);
  });
});
