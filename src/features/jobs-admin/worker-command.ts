import type { CliCommand } from '../../infra/services.js';

/** `rally worker`: runs jobs in a process of its own, next to servers started with RUN_WORKER=false. */
export const workerCommand: CliCommand = {
  summary: 'Run the job worker (mail delivery, imports…) without serving HTTP',
  run: async () => {
    // Imported when run: app.ts imports every feature, this one included.
    const [{ loadConfig }, { buildApp }, { stopOnSignals }, { Worker }] = await Promise.all([
      import('../../config.js'),
      import('../../app.js'),
      import('../../server.js'),
      import('../../infra/jobs/worker.js'),
    ]);
    const config = loadConfig();
    const app = await buildApp(config);
    await app.ready();
    const worker = new Worker(app.services.jobs, {
      logger: app.log,
      lockTimeoutMs: config.jobLeaseMs,
    });
    worker.start();
    app.log.info(
      { worker: worker.id, database: app.services.db.describe },
      'Rally job worker started',
    );
    stopOnSignals(async () => {
      await worker.stop();
      await app.close();
    });
    await new Promise(() => {});
    return 0;
  },
};
