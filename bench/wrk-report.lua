-- Prints wrk's figures as one JSON line (bench/lib.ts reads it). Request scripts define their
-- own request() and include the same done().
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"non2xx":%d,"socket_errors":%d,"p50_ms":%.1f,"p99_ms":%.1f,"duration_s":%.3f}\n',
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
