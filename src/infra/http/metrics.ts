import { timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { RequestMetrics } from './request-metrics.js';
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
  const requests = new RequestMetrics(DURATION_BUCKETS);
  requests.register(registry);

  /** Counts one answered request (and logs it, sampled); the fast lane calls it too. */
  const record = (
    log: FastifyBaseLogger,
    method: string,
    route: string,
    status: number,
    elapsedMs: number,
    url: string,
  ) => {
    requests.tally(method, route, status).observe(elapsedMs / 1000);
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

/** Upper bounds, in seconds, of http_request_duration_seconds' buckets. */
export const DURATION_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

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
