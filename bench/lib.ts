import { testConfig } from '../src/config.js';
import { createServices } from '../src/infra/services.js';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishedPetition } from '../src/features/petitions/petitions.test-support.js';
import type { Db } from '../src/infra/db/database.js';
import { type RallyServer, freePort, startRallyServer } from '../test/helpers/rally-server.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export type ServerProcess = RallyServer;

/** Server processes per benchmark (`rally serve --processes N`; above 1 needs PostgreSQL). */
export const BENCH_PROCESSES = Number(process.env.BENCH_PROCESSES ?? 1);

/**
 * BENCH_PROFILE_DIR=dir: every server process writes a CPU profile there (node --cpu-prof) when
 * it stops cleanly; open it in Chrome DevTools or summarise it by function.
 */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

/** `rally serve` in its own process on a fresh SQLite file (or DATABASE_URL if set). */
export async function startServerProcess(
  port: number,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'rally-bench-'));
  return startRallyServer({
    port,
    env,
    databaseUrl: process.env.DATABASE_URL ?? `sqlite:${join(dir, 'bench.db')}`,
    passStderrThrough: true,
    ...(PROFILE_DIR ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] } : {}),
    ...(BENCH_PROCESSES > 1 ? { args: ['--processes', String(BENCH_PROCESSES)] } : {}),
  });
}

/**
 * The ceiling on this machine right now: a bare node:http server answering 200 with a small
 * JSON body, in its own process, to be loaded with the same generator between Rally's runs.
 * Rally's figures divided by it compare across machines and noisy runs. With BENCH_PROCESSES
 * above 1 the bare server runs as many processes (node:cluster), as Rally does.
 */
export async function startCeilingServer(): Promise<{
  url: string;
  pid: number | undefined;
  stop: () => void;
}> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bench/bare-http.mjs'), String(port), String(BENCH_PROCESSES)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', () => resolve());
  });
  return { url: `http://127.0.0.1:${port}/`, pid: child.pid, stop: () => child.kill('SIGTERM') };
}

export interface LoadResult {
  req_per_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

/**
 * wrk, Debian's C load generator (`apt-get install wrk`), when installed: on two cores the load
 * generator shares the CPU with the server, and wrk needs a fraction of what autocannon's
 * JavaScript does, so more of the machine measures the server.
 */
export const WRK_AVAILABLE = spawnSync('wrk', ['--version']).error === undefined;

/** One wrk thread in a separate process; `script` may define request() (see petition-sign.lua). */
export async function runWrk(
  url: string,
  { connections = 50, seconds = 10, script = join(ROOT, 'bench/wrk-report.lua'), env = {} } = {},
): Promise<LoadResult & { acked: number }> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env, WRK_REPORT: join(ROOT, 'bench/wrk-report.lua') },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`wrk exited ${code}`)),
    );
  });
  const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    requests: number;
    non2xx: number;
    socket_errors: number;
    p50_ms: number;
    p99_ms: number;
    duration_s: number;
  };
  const acked = r.requests - r.non2xx;
  return {
    acked,
    req_per_s: Math.round(acked / r.duration_s),
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    errors: r.non2xx + r.socket_errors,
  };
}

/** The load generator for GETs: wrk when installed, autocannon otherwise. */
export function runLoad(
  url: string,
  opts: { connections?: number; seconds?: number } = {},
): Promise<LoadResult> {
  return WRK_AVAILABLE ? runWrk(url, opts) : runAutocannon(url, opts);
}

export const LOAD_GENERATOR = WRK_AVAILABLE ? 'wrk' : 'autocannon';

/** autocannon in a separate process, so the load generator never shares the server's event loop. */
export async function runAutocannon(
  url: string,
  { connections = 50, seconds = 10, extra = [] as string[] } = {},
): Promise<LoadResult> {
  const bin = join(ROOT, 'node_modules/autocannon/autocannon.js');
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bin, '-j', '-c', String(connections), '-d', String(seconds), ...extra, url],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`autocannon exited ${code}`)),
    );
  });
  const r = JSON.parse(out) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    req_per_s: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Runs the load `runs` times and keeps the run with the median throughput. */
export async function medianRun(
  runs: number,
  once: () => Promise<LoadResult>,
): Promise<LoadResult> {
  const results: LoadResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const m = median(results.map((r) => r.req_per_s));
  return results.reduce((best, r) =>
    Math.abs(r.req_per_s - m) < Math.abs(best.req_per_s - m) ? r : best,
  );
}

/** A published petition to load; returns its id. */
export async function createPublishedPetition(
  db: Db,
  fields: { title: string; slug: string; goal: number; customQuestion?: string },
): Promise<number> {
  const petition = await publishedPetition(createServices({ config: testConfig(), db }), {
    ...fields,
    goal: String(fields.goal),
  });
  return petition.id;
}

/** utime, stime and ppid of a process from /proc (Linux); undefined when it has gone. */
function procStat(pid: number): { cpuTicks: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted from its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system, ms) used so far by a process and its children (the server's
 * `--processes` workers), from /proc; undefined off Linux. On a shared machine the rate a
 * server reaches depends on what else runs, while the CPU it spends per request does much less.
 */
export function processTreeCpuMs(pid: number): number | undefined {
  const own = procStat(pid);
  if (!own) return undefined;
  let ticks = own.cpuTicks;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = procStat(Number(entry));
    if (child && child.ppid === pid) ticks += child.cpuTicks;
  }
  // Linux reports in USER_HZ, 100 a second on every platform Node supports.
  return ticks * 10;
}
