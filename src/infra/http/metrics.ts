import { timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { cameThroughProxy } from './security.js';

/**
 * Prometheus metrics per app instance (tests build many apps, so no global registry): request
 * counts and a latency histogram labelled by route pattern, never by raw URL, to keep cardinality
 * bounded.
 */
export function registerMetrics(
  app: FastifyInstance,
  {
    processMetrics,
    metricsToken,
    accessLogSample = 1,
  }: { processMetrics: boolean; metricsToken: string | undefined; accessLogSample?: number },
) {
  // Level is fixed per app; checking once keeps the disabled path free.
  const logRequests = accessLogSample > 0 && ['info', 'debug', 'trace'].includes(app.log.level);
  // Serialising a JSON line per request cost a third of count.json's throughput: successful,
  // quick requests are sampled (1 in N, the line says so); failures and slow ones always logged.
  let sinceLogged = 0;
  const shouldLog = (status: number, ms: number) => {
    if (status >= 400 || ms >= SLOW_REQUEST_MS || accessLogSample === 1) return true;
    if (++sinceLogged < accessLogSample) return false;
    sinceLogged = 0;
    return true;
  };
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
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
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  // Label children are cached per route/status so the hot path is a Map lookup, not a label hash.
  const children = new Map<
    string,
    {
      count: Counter.Internal;
      time: Histogram.Internal<(typeof labelNames)[number]>;
    }
  >();
  /** Counts one answered request (and logs it, sampled); the fast lane calls it too. */
  const record = (
    log: FastifyBaseLogger,
    method: string,
    route: string,
    status: number,
    elapsedMs: number,
    url: string,
  ) => {
    const key = `${method} ${route} ${status}`;
    let child = children.get(key);
    if (!child) {
      const labels = [method, route, String(status)];
      child = { count: requests.labels(...labels), time: duration.labels(...labels) };
      children.set(key, child);
    }
    child.count.inc();
    child.time.observe(elapsedMs / 1000);
    if (logRequests && shouldLog(status, elapsedMs)) {
      log.info(
        {
          method,
          url,
          status,
          ms: Math.round(elapsedMs),
          ...(accessLogSample > 1 ? { sample: accessLogSample } : {}),
        },
        'request',
      );
    }
  };
  app.addHook('onResponse', (req, reply, done) => {
    record(
      req.log,
      req.method,
      req.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime,
      req.url,
    );
    done();
  });

  app.get('/metrics', { logLevel: 'warn' }, async (req, reply) => {
    if (!scraperAllowed(req, metricsToken))
      return reply.code(403).send({
        statusCode: 403,
        error: 'Forbidden',
        message: 'Metrics are for local scrapers, or send Authorization: Bearer <METRICS_TOKEN>.',
      });
    reply.type(registry.contentType);
    return registry.metrics();
  });
  return { record };
}

/** Requests slower than this are always logged, whatever the sampling. */
export const SLOW_REQUEST_MS = 1_000;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Route counts and process figures say a lot about a site: with a token configured only its
 * bearer may read them; without one, only a scraper on this machine, and not through a proxy
 * (whichever forwarding header the proxy uses).
 */
function scraperAllowed(req: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    const given = Buffer.from(req.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && !cameThroughProxy(req);
}
