import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff, loginAs } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { loadConfig } from '../../config.js';
import { SIGNATURES_PER_IP_PER_WINDOW } from '../../features/petitions/fraud-limits.js';
import { signatureForm } from '../../features/petitions/petitions.test-support.js';
import { LOGIN_IP_LIMIT } from '../../features/staff/staff.rules.js';

/** The reverse proxy in front of Rally: every request reaches the app from this address. */
const PROXY = '127.0.0.1';
/** The one real client behind the proxy, as the proxy appends it to X-Forwarded-For. */
const CLIENT = '192.0.2.2';

/** What a client forging its own left-most hop sends through an appending proxy. */
function spoofed(k: number): Record<string, string> {
  return { 'x-forwarded-for': `10.9.${k % 250}.1, ${CLIENT}` };
}

for (const setting of ['1', 'true', '127.0.0.1']) {
  describeEachDatabase(`client IPs behind a proxy (TRUST_PROXY=${setting})`, (ctx) => {
    let app: FastifyInstance;
    before(async () => {
      app = await createTestApp(ctx.db, {
        trustProxy: loadConfig({ TRUST_PROXY: setting }).trustProxy,
      });
    });
    after(() => app.close());

    it('counts a client that rotates a forged X-Forwarded-For against its login limit', async () => {
      const user = await createStaff(ctx.db, { role: 'viewer' });
      const client = new TestClient(app, { remoteAddress: PROXY });
      await client.get('/login', spoofed(0));
      const statuses: number[] = [];
      for (let k = 1; k <= LOGIN_IP_LIMIT.max + 1; k++) {
        const res = await client.post(
          '/login',
          { email: `guess-${k}@example.org`, password: '' },
          spoofed(k),
        );
        statuses.push(res.statusCode);
      }
      assert.deepEqual(statuses.slice(0, LOGIN_IP_LIMIT.max), Array(LOGIN_IP_LIMIT.max).fill(400));
      assert.equal(statuses.at(-1), 429, 'the 21st attempt from one client is refused');

      const other = new TestClient(app, { remoteAddress: PROXY });
      await other.get('/login', { 'x-forwarded-for': '192.0.2.77' });
      const ok = await other.post(
        '/login',
        { email: user.email, password: user.password },
        { 'x-forwarded-for': '192.0.2.77' },
      );
      assert.equal(ok.statusCode, 303, 'another client behind the same proxy is not limited');
    });

    it('counts a client that rotates a forged X-Forwarded-For against its signing limit', async () => {
      const organiser = await loginAs(app, 'organiser');
      await organiser.get('/admin/petitions/new');
      const created = await organiser.post('/admin/petitions', {
        kind: 'petition',
        title: 'Keep the pool open',
        body: 'Please.',
        goal: '100',
      });
      const id = Number(/\/admin\/petitions\/(\d+)/.exec(String(created.headers.location))?.[1]);
      await organiser.get(`/admin/petitions/${id}`);
      await organiser.post(`/admin/petitions/${id}/status`, { action: 'publish' });
      const page = await organiser.get(`/admin/petitions/${id}`);
      const slug = /\/p\/([a-z0-9-]+)/.exec(page.body)?.[1] ?? '';

      const signer = new TestClient(app, { remoteAddress: PROXY });
      const statuses: number[] = [];
      for (let k = 1; k <= SIGNATURES_PER_IP_PER_WINDOW + 1; k++) {
        const form = await signatureForm(app, id, { email: `spoof${k}@example.org` });
        statuses.push((await signer.post(`/p/${slug}/sign`, form, spoofed(k))).statusCode);
      }
      assert.ok(
        statuses.slice(0, SIGNATURES_PER_IP_PER_WINDOW).every((s) => s < 400),
        `the first ${SIGNATURES_PER_IP_PER_WINDOW} are accepted: ${statuses.join(',')}`,
      );
      assert.equal(statuses.at(-1), 429, 'one more from the same client is refused');
    });
  });
}

describeEachDatabase('/metrics behind a proxy', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it('refuses a local request carrying any forwarding header, not only X-Forwarded-For', async () => {
    assert.equal((await app.inject('/metrics')).statusCode, 200, 'a local scraper is answered');
    for (const headers of [
      { forwarded: 'for=203.0.113.9' },
      { forwarded: 'for="[2001:db8::1]";proto=https' },
      { 'x-real-ip': '203.0.113.9' },
      { 'x-forwarded-host': 'rally.example' },
      { 'x-forwarded-proto': 'https' },
      { 'x-client-ip': '203.0.113.9' },
      { 'true-client-ip': '203.0.113.9' },
      { 'cf-connecting-ip': '203.0.113.9' },
      { via: '1.1 proxy' },
    ]) {
      const res = await app.inject({ url: '/metrics', headers });
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.match(res.json<{ message: string }>().message, /METRICS_TOKEN/);
    }
  });
});
