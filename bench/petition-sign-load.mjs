// Load generator for bench/petition.bench.ts, run in its own process: unique signers posting the
// real public sign form (form token, Origin header) with autocannon. Writes the emails that got a
// 2xx to ackFile (the durability check looks each one up) and prints one JSON line of results.
import { writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const { url, ft, seconds, connections, prefix, ackFile } = JSON.parse(process.argv[2]);
const origin = new URL(url).origin;
let next = 0;
const acked = [];

const instance = autocannon({
  url,
  connections,
  duration: seconds,
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin, accept: 'text/html' },
  requests: [
    {
      setupRequest(req, context) {
        const i = next++;
        context.email = `${prefix}${i}@gmail.com`;
        req.body = `ft=${encodeURIComponent(ft)}&name=Signer+${i}&email=${encodeURIComponent(context.email)}&postcode=LS28+5AB`;
        // Every signer comes from their own address, as in a national surge behind a proxy.
        req.headers = {
          ...req.headers,
          'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        };
        return req;
      },
      onResponse(status, _body, context) {
        if (status >= 200 && status < 300) acked.push(context.email);
      },
    },
  ],
});

instance.on('done', (r) => {
  writeFileSync(ackFile, acked.join('\n'));
  process.stdout.write(
    JSON.stringify({
      acked: acked.length,
      req_per_s: Math.round(r.requests.average),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      errors: r.errors + r.timeouts + r.non2xx,
      non2xx: r.non2xx,
    }) + '\n',
  );
});
