// npm run bench:constituencies — postcode → constituency lookups per second from the in-memory
// directory, after loading data/uk/ into a fresh SQLite file. Last line: one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getConstituencyDirectory } from '../src/features/constituencies/constituency-directory.service.js';
import { loadUkConstituencies } from '../src/features/constituencies/uk-data.service.js';
import { openDatabase } from '../src/infra/db/database.js';
import { MIGRATIONS } from '../src/features/index.js';
import { migrateToLatest } from '../src/infra/db/migrator.js';

const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 100_000);
// Full postcodes, districts, odd spacing, split districts, unknown and invalid input.
const INPUTS = [
  'LS28 5AB',
  'ls17 6aa',
  'SW1A1AA',
  ' m1  1ae ',
  'EC1A',
  'ZZ99 9ZZ',
  'nonsense',
  'B33 8TH',
];

const dir = mkdtempSync(join(tmpdir(), 'rally-bench-'));
const db = openDatabase(`sqlite:${join(dir, 'bench.db')}`);
try {
  await migrateToLatest(db, MIGRATIONS);
  let t = performance.now();
  await loadUkConstituencies(db);
  const loadMs = performance.now() - t;
  t = performance.now();
  const directory = await getConstituencyDirectory(db);
  const buildMs = performance.now() - t;

  for (let i = 0; i < 10_000; i++) directory.lookupPostcode(INPUTS[i % INPUTS.length]!); // warm-up
  let found = 0;
  t = performance.now();
  for (let i = 0; i < LOOKUPS; i++)
    if (directory.lookupPostcode(INPUTS[i % INPUTS.length]!).status === 'found') found++;
  const lookupMs = performance.now() - t;
  const perLookupUs = (lookupMs * 1000) / LOOKUPS;
  console.log(
    `load ${loadMs.toFixed(0)} ms, directory build ${buildMs.toFixed(0)} ms, ${LOOKUPS} lookups in ${lookupMs.toFixed(0)} ms: ${perLookupUs.toFixed(2)} µs each`,
  );
  console.log(
    JSON.stringify({
      name: 'constituencies',
      lookups: LOOKUPS,
      found,
      load_ms: Math.round(loadMs),
      directory_build_ms: Math.round(buildMs),
      per_lookup_us: Number(perLookupUs.toFixed(3)),
    }),
  );
} finally {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
