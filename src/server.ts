import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { Worker } from './infra/jobs/worker.js';
import { seedDemoOnFirstStart } from './demo-seed.js';
import { ensureFirstOwner, firstOwnerBanner } from './features/staff/first-owner.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/** `rally serve`: the HTTP app, plus the job worker unless RUN_WORKER=false. */
export async function startServer(config: Config): Promise<RunningServer> {
  const app = await buildApp(config, { processMetrics: true });
  // Before the demo seed, which may add staff of its own: the owner must exist either way.
  const firstOwner = await ensureFirstOwner(app.services);
  if (config.seedDemo) {
    const seeded = await seedDemoOnFirstStart(app.services);
    if (seeded) app.log.info({ features: seeded }, 'demo campaign loaded (first start)');
  }
  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info({ address, database: app.services.db.describe }, 'Rally is listening');
  if (firstOwner) console.log(`\n${firstOwnerBanner(config.baseUrl, firstOwner)}\n`);
  // In the server process the worker shares the CPU with HTTP: it steps aside during surges.
  const worker = config.runWorker
    ? new Worker(app.services.jobs, {
        logger: app.log,
        lockTimeoutMs: config.jobLeaseMs,
        shouldYield: () => app.surge.surging(),
      })
    : undefined;
  worker?.start();
  return {
    app,
    url: address,
    stop: async () => {
      // The worker first: its jobs still need the database and the SMTP pool app.close() ends.
      await worker?.stop();
      await app.close();
    },
  };
}

/** Closes cleanly on SIGINT/SIGTERM so in-flight requests and jobs finish. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\n${signal} received, shutting down…`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
