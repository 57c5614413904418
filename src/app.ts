import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Config } from './config.js';
import type { Clock } from './infra/clock/clock.js';
import { FEATURES, MIGRATIONS } from './features/index.js';
import { type GuardedRoute, registerGuard } from './infra/auth/guard.js';
import { SessionStore } from './infra/auth/sessions.js';
import { type Db, openDatabase } from './infra/db/database.js';
import { allMigrations, migrateToLatest } from './infra/db/migrator.js';
import { getOrCreateSecret } from './infra/db/settings.js';
import { registerErrorHandlers } from './infra/http/errors.js';
import { registerInputValidation } from './infra/http/input.js';
import { FastLane } from './infra/http/fast-lane.js';
import { registerMetrics } from './infra/http/metrics.js';
import { type SurgeGauge, registerSurgeGauge } from './infra/http/surge-gauge.js';
import { DEFAULT_BODY_LIMIT, fastifyTrustProxy, registerSecurity } from './infra/http/security.js';
import { type Feature, type Services, createServices } from './infra/services.js';
import { type SharedRedis, connectRedis } from './infra/shared-state/redis.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    guardedRoutes: GuardedRoute[];
    /** Whether HTTP is surging: the in-process job worker steps aside while it is. */
    surge: SurgeGauge;
    /** The hottest GETs answered from memory before routing (infra/http/fast-lane.ts). */
    fastLane: FastLane;
    /** What the in-memory caches read the time from. */
  }
}

export interface BuildOptions {
  /** An open database (tests pass one per suite); otherwise opened from config.databaseUrl. */
  db?: Db;
  /** Register Node process metrics (once per process: the server does, tests don't). */
  processMetrics?: boolean;
  /** The capabilities to assemble: every feature unless a test adds one of its own. */
  features?: Feature[];
  /** Time source for services (tests move it forward); defaults to the wall clock. */
  clock?: Clock;
  /** A connected Redis; otherwise connected from config.redisUrl when it is set. */
  redis?: SharedRedis;
}

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The one way to build Rally's HTTP app: used by the server, the tests and the benchmarks. */
export async function buildApp(
  config: Config,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const features = options.features ?? FEATURES;
  // First: an unreachable REDIS_URL stops start-up with a message naming it.
  const redis =
    options.redis ??
    (config.redisUrl ? await connectRedis(config.redisUrl, config.redisKeyPrefix) : undefined);
  const db =
    options.db ??
    openDatabase(config.databaseUrl, {
      pgPoolSize: config.pgPoolSize,
      listenUrl: config.databaseListenUrl,
      backgroundCheckpoints: true,
    });
  await migrateToLatest(
    db,
    features === FEATURES ? MIGRATIONS : allMigrations(features.map((f) => f.migrations)),
  );
  const services = createServices({
    config,
    db,
    ...(redis ? { redis } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    personData: features.flatMap((f) => f.personData ?? []),
    actionSources: features.flatMap((f) => f.actionSources ?? []),
  });
  const { jobs } = services;

  const fastLane = new FastLane();
  const app = Fastify({
    logger: { level: config.logLevel },
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: DEFAULT_BODY_LIMIT,
    // One line per request is written by the metrics hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.decorate('services', services);
  app.decorate('fastLane', fastLane);
  // In front of Fastify's own request handler (a serverFactory would stop Fastify binding every
  // address of HOST=localhost). Extra addresses' servers go straight to Fastify: slower, same.
  const [routeRequest] = app.server.listeners('request') as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  if (routeRequest) {
    app.server.removeListener('request', routeRequest);
    app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!fastLane.handle(req, res)) routeRequest(req, res);
    });
  }
  app.decorate('guardedRoutes', [] as GuardedRoute[]);
  app.decorate(
    'adminNav',
    features.flatMap((f) => f.nav ?? []),
  );
  if (!options.db) app.addHook('onClose', () => db.destroy());
  if (redis && !options.redis) app.addHook('onClose', () => redis.close());

  const secure = config.baseUrl.startsWith('https://');
  await registerSecurity(app, {
    db,
    ...(redis ? { redis } : {}),
    cookieSecret: await getOrCreateSecret(db, 'cookie_secret'),
    secureCookies: secure,
    baseUrl: config.baseUrl,
  });
  registerInputValidation(app);
  registerErrorHandlers(app);
  const metrics = registerMetrics(app, {
    processMetrics: options.processMetrics ?? false,
    metricsToken: config.metricsToken,
    accessLogSample: config.accessLogSample,
  });
  const surge = registerSurgeGauge(app);
  app.decorate('surge', surge);
  fastLane.observe((route, url, elapsedMs) => {
    metrics.record(app.log, 'GET', route, 200, elapsedMs, url);
    surge.arrived();
  });
  registerGuard(app, new SessionStore(db), app.guardedRoutes);
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/assets/',
    maxAge: '1h',
    index: false,
  });

  for (const feature of features) {
    if (feature.routes) await feature.routes(app, services);
    for (const [type, handler] of Object.entries(feature.jobs?.(services) ?? {}))
      jobs.register(type, handler);
  }
  return app;
}
