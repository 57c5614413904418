// npm run bench:field — "nearest marginal" under load (nearest_req_per_s, wrk in its own process
// against the real server on SQLite), ranking all 650 seats (rank_ms) and rendering the hex map
// (hexmap_ms), both medians of repeated runs in this process. Last line: one JSON object.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { testConfig } from '../src/config.js';
import { MIGRATIONS } from '../src/features/index.js';
import { loadUkConstituencies } from '../src/features/constituencies/uk-data.service.js';
import { seedEventsDemo } from '../src/features/events/events.seed.js';
import {
  listTargetSeats,
  markTargetSeat,
  rankSeatsFor,
} from '../src/features/field/field.service.js';
import { hexMapFigure } from '../src/features/field/field.views.js';
import { openDatabase } from '../src/infra/db/database.js';
import { migrateToLatest } from '../src/infra/db/migrator.js';
import { createServices } from '../src/infra/services.js';
import { ROOT, WRK_AVAILABLE, median, medianRun, runAutocannon, runWrk } from './lib.js';
import { startRallyServer } from '../test/helpers/rally-server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TIMING_RUNS = 31;

const dir = mkdtempSync(join(tmpdir(), 'rally-field-bench-'));
const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;

async function timeIt(run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < TIMING_RUNS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return Math.round(median(times) * 100) / 100;
}

const db = openDatabase(databaseUrl);
await migrateToLatest(db, MIGRATIONS);
await loadUkConstituencies(db);
const services = createServices({ config: testConfig({ databaseUrl }), db });
// Labour's 60 easiest 2017 gains as targets, and a week of sessions to show with them.
const ranking = await rankSeatsFor(services, { party: 'lab', election: 2017 });
for (const s of ranking.win.slice(0, 60))
  await markTargetSeat(services, { code: s.code, note: '' }, null);
await seedEventsDemo(services);

const rank_ms = await timeIt(() => rankSeatsFor(services, { party: 'lab', election: 2017 }));
const targets = new Map((await listTargetSeats(services)).map((t) => [t.code, t.note]));
const hexmap_ms = await timeIt(() => hexMapFigure(ranking, targets).value.length);
await db.destroy();

const server = await startRallyServer({ databaseUrl, passStderrThrough: true });
let load;
try {
  const url = `${server.baseUrl}/nearest-marginal.json?postcode=LS28`;
  const once = () =>
    WRK_AVAILABLE
      ? runWrk(server.baseUrl, {
          connections: CONNECTIONS,
          seconds: SECONDS,
          script: join(ROOT, 'bench/field-nearest.lua'),
        })
      : runAutocannon(url, { connections: CONNECTIONS, seconds: SECONDS });
  await once(); // warm-up: the directory, centroids and caches load on the first requests
  load = await medianRun(RUNS, once);
} finally {
  await server.stop();
}

console.log(
  JSON.stringify({
    nearest_req_per_s: load.req_per_s,
    nearest_p99_ms: load.p99_ms,
    nearest_errors: load.errors,
    rank_ms,
    hexmap_ms,
    load_generator: WRK_AVAILABLE ? 'wrk' : 'autocannon',
  }),
);
