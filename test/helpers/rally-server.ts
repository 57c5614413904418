import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A cold start migrates a fresh database first; on a busy two-core machine that takes a while. */
const START_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 200;

export interface RallyServer {
  child: ChildProcess;
  baseUrl: string;
  /** What the process printed so far (stdout, and stderr unless it is passed through). */
  output(): string;
  /** SIGTERM, resolving with the exit code once the process has gone. */
  stop(): Promise<number | null>;
}

/** A port nobody listens on right now, for a server in another process. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await new Promise<number>((resolve) =>
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
  );
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * `bin/rally.js serve` in its own process, as `npm start` runs it, resolved once /healthz
 * answers; a start that fails or takes too long throws with what the server printed.
 */
export async function startRallyServer(opts: {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  /** Benchmarks show server errors live; tests keep them for their assertion messages. */
  passStderrThrough?: boolean;
  /** Extra arguments for `rally serve`, e.g. ['--processes', '2']. */
  args?: string[];
  /** Options for node itself, e.g. ['--cpu-prof'] (benchmarks' BENCH_PROFILE_DIR). */
  nodeArgs?: string[];
}): Promise<RallyServer> {
  const port = opts.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), join(ROOT, 'bin/rally.js'), 'serve', ...(opts.args ?? [])],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: opts.databaseUrl,
        LOG_LEVEL: 'warn',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', opts.passStderrThrough ? 'inherit' : 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`server exited early with code ${child.exitCode}:\n${out}`);
    }
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`server not serving within ${START_TIMEOUT_MS / 1000} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
  return {
    child,
    baseUrl,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
