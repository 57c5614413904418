import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Config } from './config.js';
import { FEATURES } from './features/index.js';
import { type Clock, systemClock } from './infra/cache/clock.js';
import { AuditLog } from './infra/audit/audit-log.js';
import { type GuardedRoute, registerGuard } from './infra/auth/guard.js';
import { SessionStore } from './infra/auth/sessions.js';
import { type Db, openDatabase } from './infra/db/database.js';
import { migrateToLatest } from './infra/db/migrator.js';
import { getOrCreateSecret } from './infra/db/settings.js';
import { registerErrorHandlers } from './infra/http/errors.js';
import { registerMetrics } from './infra/http/metrics.js';
import { type SurgeGauge, registerSurgeGauge } from './infra/http/surge-gauge.js';
import { DEFAULT_BODY_LIMIT, registerSecurity } from './infra/http/security.js';
import { JobQueue } from './infra/jobs/job-queue.js';
import { Mailer } from './infra/mail/mailer.js';
import type { Services } from './infra/services.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    guardedRoutes: GuardedRoute[];
    /** Whether HTTP is surging: the in-process job worker steps aside while it is. */
    surge: SurgeGauge;
    /** What the in-memory caches read the time from. */
    clock: Clock;
  }
}

export interface BuildOptions {
  /** An open database (tests pass one per suite); otherwise opened from config.databaseUrl. */
  db?: Db;
  /** Register Node process metrics (once per process: the server does, tests don't). */
  processMetrics?: boolean;
  /** Tests pass a clock they advance, to expire caches without waiting. */
  clock?: Clock;
}

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The one way to build Rally's HTTP app: used by the server, the tests and the benchmarks. */
export async function buildApp(
  config: Config,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const db = options.db ?? openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  const jobs = new JobQueue(db);
  const services: Services = {
    config,
    db,
    jobs,
    mailer: new Mailer(db, jobs, config.mailFrom),
    audit: new AuditLog(db),
  };

  const app = Fastify({
    logger: { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // One line per request is written by the metrics hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.decorate('services', services);
  app.decorate('clock', options.clock ?? systemClock);
  app.decorate('guardedRoutes', [] as GuardedRoute[]);
  app.decorate(
    'adminNav',
    FEATURES.flatMap((f) => f.nav ?? []),
  );
  if (!options.db) app.addHook('onClose', () => db.destroy());

  const secure = config.baseUrl.startsWith('https://');
  await registerSecurity(app, {
    cookieSecret: await getOrCreateSecret(db, 'cookie_secret'),
    secureCookies: secure,
    baseUrl: config.baseUrl,
  });
  registerErrorHandlers(app);
  registerMetrics(app, {
    processMetrics: options.processMetrics ?? false,
    metricsToken: config.metricsToken,
  });
  app.decorate('surge', registerSurgeGauge(app));
  registerGuard(app, new SessionStore(db), app.guardedRoutes);
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/assets/',
    maxAge: '1h',
    index: false,
  });

  for (const feature of FEATURES) {
    if (feature.routes) await feature.routes(app, services);
    for (const [type, handler] of Object.entries(feature.jobs?.(services) ?? {}))
      jobs.register(type, handler);
  }
  return app;
}
