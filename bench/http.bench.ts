// npm run bench:http — throughput and latency of /healthz and a public page, server and load
// generator in separate processes. Last line: one JSON object.
import { LOAD_GENERATOR, medianRun, runLoad, startServerProcess } from './lib.js';

const PATHS = (process.env.BENCH_PATHS ?? '/healthz,/find-your-mp').split(',');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PORT = Number(process.env.BENCH_PORT ?? 3917);

const server = await startServerProcess(PORT);
try {
  const results = [];
  for (const path of PATHS) {
    await runLoad(server.baseUrl + path, { seconds: 2 }); // warm-up
    const r = await medianRun(RUNS, () => runLoad(server.baseUrl + path, { seconds: SECONDS }));
    console.log(
      `${path}: ${r.req_per_s} req/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, errors ${r.errors}`,
    );
    results.push({ path, ...r });
  }
  console.log(
    JSON.stringify({
      name: 'http',
      load_generator: LOAD_GENERATOR,
      runs: RUNS,
      seconds: SECONDS,
      results,
    }),
  );
} finally {
  await server.stop();
}
