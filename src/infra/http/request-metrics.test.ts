import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { DURATION_BUCKETS } from './metrics.js';
import { RequestMetrics } from './request-metrics.js';

/** What /metrics printed before the plain-number tallies: prom-client's own Counter and Histogram. */
function promClientRegistry() {
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests',
    labelNames,
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  });
  const record = (method: string, route: string, status: number, seconds: number) => {
    const labels = [method, route, String(status)];
    requests.labels(...labels).inc();
    duration.labels(...labels).observe(seconds);
  };
  return { registry, record };
}

function tallyRegistry() {
  const registry = new Registry();
  const metrics = new RequestMetrics(DURATION_BUCKETS);
  metrics.register(registry);
  const record = (method: string, route: string, status: number, seconds: number) =>
    metrics.tally(method, route, status).observe(seconds);
  return { registry, record };
}

describe('request metrics kept as plain numbers', () => {
  it('print exactly what prom-client printed for the same requests', async () => {
    const before = promClientRegistry();
    const now = tallyRegistry();
    // Durations on every bucket bound, between bounds, above the last, and sums that round.
    const seconds = [0, 0.0004, 0.001, 0.0010001, 0.003, 0.1, 0.1 + 0.2, 0.7, 4.99, 5, 12.5, 1e-7];
    const routes: [string, string, number][] = [
      ['GET', '/healthz', 200],
      ['GET', '/p/:slug/count.json', 200],
      ['POST', '/p/:slug/sign', 303],
      ['GET', 'unmatched', 404],
      ['HEAD', '/healthz', 200],
      ['GET', '/p/:slug/count.json', 404],
    ];
    for (let i = 0; i < 500; i++) {
      const [method, route, status] = routes[(i * 7) % routes.length]!;
      const s = seconds[i % seconds.length]! * (1 + (i % 13) / 1000);
      before.record(method, route, status, s);
      now.record(method, route, status, s);
    }
    const printed = await now.registry.metrics();
    assert.equal(printed, await before.registry.metrics());
    assert.match(printed, /http_request_duration_seconds_bucket\{le="\+Inf",method="HEAD"/);
  });

  it('print nothing but the headers before the first request, as prom-client did', async () => {
    assert.equal(
      await tallyRegistry().registry.metrics(),
      await promClientRegistry().registry.metrics(),
    );
  });
});
