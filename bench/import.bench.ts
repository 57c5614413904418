// npm run bench:import — `rally import people` on a generated 100,000-row CSV, in its own process
// against a fresh SQLite file, with its resident memory sampled every 100 ms. Target: under 10 s
// with flat memory. Last line: one JSON object.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
/** Every Nth row has a broken email, so the rejected-rows path is measured too. */
const BAD_EVERY = 200;

const FIRST = ['Ann', 'Bob', 'Chidi', 'Dafydd', 'Ewa', 'Farah', 'Gareth', 'Hui', 'Ioana', 'Jo'];
const LAST = ['Smith', "O'Neill", 'Jones', 'Khan', 'Nowak', 'Evans', 'Patel', 'MacLeod'];
const OUTCODES = ['LS28', 'SW1A', 'M1', 'CF10', 'EH1', 'BT1', 'B33', 'NE1', 'BS1', 'G1'];

/** A small deterministic generator, so every run imports the same file. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeCsv(path: string, rows: number) {
  const random = prng(42);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  const out = createWriteStream(path);
  out.write(
    '\ufeffEmail,First name,Surname,Post code,Mobile,Tags,Email opt-in,Member since,Notes\r\n',
  );
  for (let i = 1; i <= rows; i++) {
    const email = i % BAD_EVERY === 0 ? `broken${i}.example.org` : `supporter${i}@example.org`;
    const postcode = `${pick(OUTCODES)} ${Math.floor(random() * 10)}AB`;
    const phone = `07700 ${String(900000 + (i % 100000)).padStart(6, '0')}`;
    const tags = random() < 0.3 ? '"volunteer, donor"' : 'member';
    const optIn = random() < 0.5 ? 'yes' : 'no';
    const day = `${String(1 + (i % 28)).padStart(2, '0')}/0${1 + (i % 9)}/20${10 + (i % 14)}`;
    const notes = random() < 0.05 ? '"Met at the stall,\r\nwants a leaflet"' : '';
    const line = `${email},${pick(FIRST)},${pick(LAST)},${postcode},${phone},${tags},${optIn},${day},${notes}\r\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rally-import-bench-'));
try {
  const csv = join(dir, 'supporters.csv');
  await writeCsv(csv, ROWS);
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
  };
  const rally = join(ROOT, 'bin/rally.js');
  // The schema is created first, so the timed run is the import alone (process start included).
  const migrate = spawnSync(process.execPath, [rally, 'migrate'], { cwd: ROOT, env });
  if (migrate.status !== 0) throw new Error(`rally migrate failed: ${migrate.stderr.toString()}`);

  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [rally, 'import', 'people', csv, '--map', 'Email opt-in=consent:email'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const samples: number[] = [];
  const sampler = setInterval(() => {
    const mb = child.pid === undefined ? undefined : rssMb(child.pid);
    if (mb !== undefined) samples.push(mb);
  }, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(output);
  if (code !== 0) throw new Error(`rally import people exited with ${code}`);

  const mid = samples.slice(Math.floor(samples.length / 4));
  console.log(
    `${(statSync(csv).size / 1e6).toFixed(1)} MB CSV; RSS samples ${samples.length}, ` +
      `at 25% ${mid[0]?.toFixed(0) ?? '?'} MB, at end ${samples.at(-1)?.toFixed(0) ?? '?'} MB`,
  );
  console.log(
    JSON.stringify({
      name: 'import',
      rows: ROWS,
      seconds: Number(seconds.toFixed(2)),
      rows_per_s: Math.round(ROWS / seconds),
      peak_rss_mb: Number(Math.max(...samples).toFixed(1)),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
