import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff, loginAs } from '../../../test/helpers/staff.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { Worker } from '../../infra/jobs/worker.js';
import { upsertPerson } from '../people/people.service.js';
import { sendWebhook } from './webhook-sender.js';
import {
  DISABLE_AFTER_MS,
  listDeliveries,
  registerEndpoint,
  getEndpoint,
} from './webhooks.service.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real receiver on a loopback port: answers each POST with the next status in `replies`. */
async function receiver() {
  const received: Received[] = [];
  const replies: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = replies.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, replies, close: () => new Promise((r) => server.close(r)) };
}

/** What a receiver does with the Standard Webhooks headers (as the reference libraries do). */
function verify(secret: string, r: Received): boolean {
  const id = String(r.headers['webhook-id']);
  const ts = Number(r.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest('base64');
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((s) => s === `v1,${expected}`);
}

describeEachDatabase('webhooks', (ctx) => {
  let app: FastifyInstance;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const clock = new ManualClock(new Date());
  // People stamp their events with the wall clock: the test clock never runs behind it.
  const run = () => {
    if (clock.now() < new Date()) clock.set(new Date());
    return new Worker(app.services.jobs, { now: () => clock.now() }).runUntilIdle();
  };

  before(async () => {
    app = await createTestApp(ctx.db, { webhooksAllowPrivate: true }, { clock });
    hook = await receiver();
  });
  after(async () => {
    await hook.close();
    await app.close();
  });

  it('delivers a signed person.created event that a receiver can verify', async () => {
    const endpoint = await registerEndpoint(
      app.services,
      { url: hook.url, eventTypes: ['person.created'] },
      null,
    );
    const { id } = await upsertPerson(app.services.db, {
      email: 'hooked@example.org',
      source: 'test',
    });
    await upsertPerson(app.services.db, {
      email: 'hooked@example.org',
      firstName: 'H',
      source: 'test',
    });
    await run();
    const mine = hook.received.filter((r) => r.body.includes(`"person_id":${id},`));
    assert.equal(mine.length, 1, 'person.updated is not subscribed');
    const got = mine[0]!;
    assert.ok(verify(endpoint.secret, got));
    assert.ok(!verify(endpoint.secret, { ...got, body: got.body.replace('"test"', '"forged"') }));
    assert.match(String(got.headers['webhook-id']), /^evt_/);
    assert.ok(
      Math.abs(Number(got.headers['webhook-timestamp']) - clock.now().getTime() / 1000) < 5,
    );
    const body = JSON.parse(got.body) as { type: string; data: unknown };
    assert.equal(body.type, 'person.created');
    assert.deepEqual(body.data, { person_id: id, source: 'test' });
    assert.doesNotMatch(got.body, /hooked@example\.org/, 'ids, not personal details');
    const [log] = await listDeliveries(app.services, endpoint.id);
    assert.equal(log?.status, 'delivered');
    assert.equal(log?.response_code, 200);
  });

  it('retries a failed delivery with backoff, keeping the webhook-id; "send again" resends it', async () => {
    const hook = await receiver();
    after(() => hook.close());
    const endpoint = await registerEndpoint(
      app.services,
      { url: hook.url, eventTypes: ['consent.changed'] },
      null,
    );
    const before = hook.received.length;
    hook.replies.push(503);
    const { id } = await upsertPerson(app.services.db, {
      email: 'retry@example.org',
      source: 'test',
    });
    const { recordConsent } = await import('../people/people.service.js');
    await recordConsent(app.services.db, id, {
      channel: 'email',
      status: 'granted',
      method: 'form',
      wording: 'Yes please',
      source: 'test',
    });
    await run();
    assert.equal(hook.received.length, before + 1);
    let [log] = await listDeliveries(app.services, endpoint.id);
    assert.equal(log?.status, 'pending');
    assert.equal(log?.response_code, 503);
    assert.ok((await getEndpoint(app.services, endpoint.id))?.failingSince);

    await run();
    assert.equal(hook.received.length, before + 1, 'not before the backoff');
    clock.advance(60_000);
    await run();
    assert.equal(hook.received.length, before + 2);
    const [first, second] = hook.received.slice(before);
    assert.equal(first?.headers['webhook-id'], second?.headers['webhook-id']);
    [log] = await listDeliveries(app.services, endpoint.id);
    assert.equal(log?.status, 'delivered');
    assert.equal(log?.attempts, 2);
    assert.equal((await getEndpoint(app.services, endpoint.id))?.failingSince, null);

    const owner = await loginAs(app, 'owner');
    await owner.get(`/admin/webhooks/${endpoint.id}`);
    const resend = await owner.post(
      `/admin/webhooks/${endpoint.id}/deliveries/${log?.id}/resend`,
      {},
    );
    assert.equal(resend.statusCode, 303);
    await run();
    assert.equal(hook.received.length, before + 3);
    assert.equal(hook.received.at(-1)?.headers['webhook-id'], first?.headers['webhook-id']);
  });

  it('disables an endpoint failing for three days and emails the owners', async () => {
    const owner = await createStaff(app.services.db, {
      role: 'owner',
      email: 'hook-owner@example.org',
    });
    const hook = await receiver();
    after(() => hook.close());
    const endpoint = await registerEndpoint(
      app.services,
      { url: hook.url, eventTypes: ['person.created'] },
      null,
    );
    for (let i = 0; i < 40; i++) hook.replies.push(500);
    await upsertPerson(app.services.db, { email: 'down-1@example.org', source: 'test' });
    await run();
    assert.equal((await getEndpoint(app.services, endpoint.id))?.enabled, true);
    clock.advance(DISABLE_AFTER_MS);
    await upsertPerson(app.services.db, { email: 'down-2@example.org', source: 'test' });
    await run();
    const disabled = await getEndpoint(app.services, endpoint.id);
    assert.equal(disabled?.enabled, false);
    assert.match(disabled?.disabledReason ?? '', /Disabled automatically/);
    const mail = await app.services.db.kysely
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', owner.email)
      .where('category', '=', 'webhooks.disabled')
      .execute();
    assert.equal(mail.length, 1);
  });

  it('refuses private and loopback addresses unless WEBHOOKS_ALLOW_PRIVATE', async () => {
    const strict = await createTestApp(ctx.db, { webhooksAllowPrivate: false });
    try {
      await assert.rejects(
        registerEndpoint(strict.services, { url: hook.url, eventTypes: ['person.created'] }, null),
        /https/,
      );
      await assert.rejects(
        registerEndpoint(
          strict.services,
          { url: 'https://10.1.2.3/hook', eventTypes: ['person.created'] },
          null,
        ),
        /public/,
      );
    } finally {
      await strict.close();
    }
    // A name is checked by the addresses it resolves to, at connection time.
    const viaName = await sendWebhook({
      url: hook.url.replace('127.0.0.1', 'localhost'),
      secret: 'whsec_c2VjcmV0',
      id: 'evt_x',
      timestamp: 1,
      body: '{}',
      allowPrivate: false,
    });
    assert.equal(viaName.ok, false);
    assert.match(viaName.error ?? '', /private address/);
  });

  it('lets owners add an endpoint through the admin page, with a clear error for a bad one', async () => {
    const owner = await loginAs(app, 'owner');
    await owner.get('/admin/webhooks');
    const bad = await owner.post('/admin/webhooks', {
      url: 'ftp://example.org',
      events: 'person.created',
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /must start https/);
    const none = await owner.post('/admin/webhooks', { url: hook.url, events: [] });
    assert.equal(none.statusCode, 422);
    assert.match(none.body, /at least one event/);
    const ok = await owner.post('/admin/webhooks', {
      url: hook.url,
      events: ['comment.held', 'letter.sent'],
    });
    assert.equal(ok.statusCode, 303);
    const page = await owner.get(ok.headers.location as string);
    assert.match(page.body, /whsec_/);
    const viewer = await loginAs(app, 'organiser');
    assert.equal((await viewer.get('/admin/webhooks')).statusCode, 403);
  });
});
