import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff } from '../../../test/helpers/staff.js';

describeEachDatabase('health and metrics', (ctx) => {
  const suite = appWithStaff(ctx, []);

  it('answers /healthz, and checks the database when asked', async () => {
    const shallow = await suite.app.inject('/healthz');
    assert.equal(shallow.statusCode, 200);
    assert.deepEqual(shallow.json(), { status: 'ok' });
    const deep = await suite.app.inject('/healthz?deep=1');
    assert.deepEqual(deep.json(), { status: 'ok', database: ctx.dialect });
  });

  it('refuses a repeated deep parameter with a 400 that names it', async () => {
    const res = await suite.app.inject('/healthz?deep=1&deep=1');
    assert.equal(res.statusCode, 400);
    assert.match(res.json<{ message: string }>().message, /In the address, deep: /);
  });

  it('counts requests per route in Prometheus text format', async () => {
    await suite.app.inject('/healthz');
    await suite.app.inject('/no/such/page');
    const res = await suite.app.inject('/metrics');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/plain/);
    assert.match(
      res.body,
      /http_requests_total\{method="GET",route="\/healthz",status_code="200"\} \d+/,
    );
    assert.match(
      res.body,
      /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz"/,
    );
    assert.match(res.body, /route="unmatched",status_code="404"/);
  });

  it('answers /metrics only to local scrapers, or to the bearer of METRICS_TOKEN', async () => {
    const remote = await suite.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9' });
    assert.equal(remote.statusCode, 403);
    assert.match(remote.json<{ message: string }>().message, /METRICS_TOKEN/);
    const proxied = await suite.app.inject({
      url: '/metrics',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(proxied.statusCode, 403, 'a local proxy passing on an outside request');

    const token = 'a-long-scraper-token-0123';
    const withToken = await createTestApp(ctx.db, { metricsToken: token });
    try {
      const scrape = (authorization?: string) =>
        withToken.inject({
          url: '/metrics',
          remoteAddress: '203.0.113.9',
          headers: authorization ? { authorization } : {},
        });
      assert.equal((await scrape(`Bearer ${token}`)).statusCode, 200);
      assert.equal((await scrape('Bearer wrong-token-of-same-len')).statusCode, 403);
      assert.equal((await scrape()).statusCode, 403);
      assert.equal(
        (await withToken.inject('/metrics')).statusCode,
        403,
        'with a token set, local requests need it too',
      );
    } finally {
      await withToken.close();
    }
  });

  it('sends pages security headers with a CSP that forbids inline script', async () => {
    const res = await suite.app.inject({ url: '/', headers: { accept: 'text/html' } });
    const csp = res.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['x-frame-options']), /SAMEORIGIN|DENY/);
  });

  it('lets any site read open-data endpoints, without page-only headers', async () => {
    const res = await suite.app.inject('/healthz');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['content-security-policy'], undefined);
  });

  it('answers an unknown page with a 404 page', async () => {
    const res = await suite.app.inject({ url: '/nope', headers: { accept: 'text/html' } });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /Page not found/);
  });
});
