import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { seedDemoOnFirstStart } from './demo-seed.js';
import { ensureFirstOwner, firstOwnerBanner } from './features/staff/first-owner.js';
import { startServer, stopOnSignals } from './server.js';

/** More processes than this on one machine is a typo, not a plan. */
export const MAX_PROCESSES = 64;
/** A process that dies is started again after this, doubling while it keeps dying, to a minute. */
const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 60_000;
/** A process that lived this long before dying was healthy: its restart delay starts over. */
const HEALTHY_AFTER_MS = 30_000;

/** `--processes N` or `auto` (one per core); anything else is an error naming what is allowed. */
export function parseProcesses(raw: string | undefined): number {
  if (raw === undefined) return 1;
  if (raw === 'auto') return Math.min(availableParallelism(), MAX_PROCESSES);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PROCESSES)
    throw new Error(`--processes must be a whole number from 1 to ${MAX_PROCESSES}, or auto`);
  return n;
}

/**
 * `rally serve --processes N`: N server processes (node:cluster) sharing one port, on one
 * PostgreSQL database, so every core answers HTTP. What must agree between them lives in the
 * database (sessions, secrets, rate limits, jobs) or travels by LISTEN/NOTIFY (petition counts);
 * see docs/ARCHITECTURE.md, "Shared state". SQLite has one writer and no notifications, so it is
 * served by one process.
 */
export async function startCluster(config: Config, processes: number): Promise<void> {
  if (processes > 1 && !/^postgres(ql)?:\/\//.test(config.databaseUrl))
    throw new Error(
      '--processes above 1 needs PostgreSQL (DATABASE_URL=postgres://…): SQLite is served by one process',
    );
  if (processes === 1 || !cluster.isPrimary) {
    const server = await startServer(config);
    stopOnSignals(() => server.stop());
    return;
  }
  // Once, before the processes start, so they do not race to migrate, create the owner or seed.
  const app = await buildApp({ ...config, logLevel: 'warn' });
  const firstOwner = await ensureFirstOwner(app.services);
  if (config.seedDemo) await seedDemoOnFirstStart(app.services);
  await app.close();
  if (firstOwner) console.log(`\n${firstOwnerBanner(config.baseUrl, firstOwner)}\n`);

  let stopping = false;
  const delays = new Map<number, number>();
  const fork = (slot: number) => {
    const startedAt = Date.now();
    const child: ClusterWorker = cluster.fork({ RALLY_PROCESS_SLOT: String(slot) });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const healthy = Date.now() - startedAt > HEALTHY_AFTER_MS;
      const delay = healthy ? RESTART_DELAY_MS : (delays.get(slot) ?? RESTART_DELAY_MS);
      delays.set(slot, Math.min(delay * 2, MAX_RESTART_DELAY_MS));
      console.error(
        `Rally process ${slot} exited (${signal ?? `code ${code}`}); starting it again in ${delay / 1000} s`,
      );
      setTimeout(() => !stopping && fork(slot), delay).unref();
    });
  };
  for (let slot = 1; slot <= processes; slot++) fork(slot);
  console.log(`Rally primary ${process.pid}: ${processes} server processes on port ${config.port}`);

  stopOnSignals(async () => {
    stopping = true;
    const children = Object.values(cluster.workers ?? {}).filter(
      (w): w is ClusterWorker => w !== undefined,
    );
    await Promise.all(
      children.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            w.once('exit', () => resolve());
            // Each finishes its requests and jobs, as one `rally serve` does on SIGTERM.
            w.process.kill('SIGTERM');
          }),
      ),
    );
  });
}
