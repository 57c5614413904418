import type { Metric, Registry } from 'prom-client';

/** One method/route/status's figures: the hot path adds plain numbers, a scrape reads them. */
export class RequestTally {
  count = 0;
  /** Seconds, summed in arrival order as prom-client's histogram sums them. */
  sum = 0;
  /** Observations per bucket (not cumulative), the last for those above every bound. */
  readonly perBucket: number[];

  constructor(
    readonly labels: Readonly<{ method: string; route: string; status_code: string }>,
    private readonly bounds: readonly number[],
  ) {
    this.perBucket = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    this.perBucket[i]!++;
  }
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/**
 * `http_requests_total` and `http_request_duration_seconds`, kept as plain numbers per label set
 * and turned into prom-client's form only when scraped. prom-client's own Counter and Histogram
 * hash the labels, validate them and look a bucket up by its number's string on every request:
 * about a microsecond, a few percent of a count.json answered in the fast lane. What /metrics
 * prints is unchanged, byte for byte (request-metrics.test.ts compares it with prom-client's).
 */
export class RequestMetrics {
  /** route → method → status: three lookups by strings Node and Fastify already hold. */
  private readonly byRoute = new Map<string, Map<string, Map<number, RequestTally>>>();
  /** In first-seen order, the order prom-client prints label sets in. */
  private readonly tallies: RequestTally[] = [];

  constructor(readonly bounds: readonly number[]) {}

  /** The tally for one label set, created on first use; what a hot path may keep. */
  tally(method: string, route: string, status: number): RequestTally {
    let byMethod = this.byRoute.get(route);
    if (!byMethod) {
      byMethod = new Map<string, Map<number, RequestTally>>();
      this.byRoute.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map<number, RequestTally>();
      byMethod.set(method, byStatus);
    }
    let tally = byStatus.get(status);
    if (!tally) {
      tally = new RequestTally({ method, route, status_code: String(status) }, this.bounds);
      byStatus.set(status, tally);
      this.tallies.push(tally);
    }
    return tally;
  }

  /** Adds both metrics to `registry`, in the order prom-client's would be registered. */
  register(registry: Registry): void {
    // prom-client's Registry takes any object that answers get() as its metrics do; its type
    // names only its own classes.
    registry.registerMetric(this.counter() as unknown as Metric);
    registry.registerMetric(this.histogram() as unknown as Metric);
  }

  private counter() {
    const about = { name: 'http_requests_total', help: 'HTTP requests answered', type: 'counter' };
    return {
      ...about,
      aggregator: 'sum',
      get: () =>
        Promise.resolve({
          ...about,
          aggregator: 'sum',
          values: this.tallies.map((t): MetricValue => ({
            value: t.count,
            labels: { ...t.labels },
          })),
        }),
      reset: () => this.reset(),
    };
  }

  private histogram() {
    const name = 'http_request_duration_seconds';
    const about = { name, help: 'Time to answer HTTP requests', type: 'histogram' };
    const bucket = `${name}_bucket`;
    return {
      ...about,
      aggregator: 'sum',
      get: () =>
        Promise.resolve({
          ...about,
          aggregator: 'sum',
          values: this.tallies.flatMap((t): MetricValue[] => {
            let atOrBelow = 0;
            const buckets = this.bounds.map((le, i): MetricValue => {
              atOrBelow += t.perBucket[i]!;
              return { value: atOrBelow, labels: { le, ...t.labels }, metricName: bucket };
            });
            return [
              ...buckets,
              { value: t.count, labels: { le: '+Inf', ...t.labels }, metricName: bucket },
              { value: t.sum, labels: { ...t.labels }, metricName: `${name}_sum` },
              { value: t.count, labels: { ...t.labels }, metricName: `${name}_count` },
            ];
          }),
        }),
      reset: () => this.reset(),
    };
  }

  private reset(): void {
    this.byRoute.clear();
    this.tallies.length = 0;
  }
}
