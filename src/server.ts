import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/** `rally serve`: the HTTP app, plus the job worker unless RUN_WORKER=false. */
export async function startServer(config: Config): Promise<RunningServer> {
  const app = await buildApp(config, { processMetrics: true });
  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info({ address, database: app.services.db.describe }, 'Rally is listening');
  return {
    app,
    url: address,
    stop: async () => {
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
