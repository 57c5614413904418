// The benchmarks' ceiling: node:http answering 200 with a small JSON body, nothing else.
// Usage: node bench/bare-http.mjs <port> [processes]; prints "ready" once listening.
import cluster from 'node:cluster';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const processes = Number(process.argv[3] ?? 1);
const body = '{"count":123456,"goal":1000000}';

if (processes > 1 && cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < processes; i++)
    cluster.fork().on('listening', () => {
      if (++listening === processes) console.log('ready');
    });
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  }).listen(port, '127.0.0.1', () => {
    if (cluster.isPrimary) console.log('ready');
  });
}
