interface Entry {
  count: number;
  fetchedAt: number;
  pending: Promise<number> | undefined;
}

/**
 * Counts (signatures, posts) served from memory: readers get the cached value, and at most one
 * query per id per `ttlMs` goes to the database however many people watch.
 */
export class CountCache {
  private entries = new Map<number, Entry>();
  /** Database reads so far (benchmarks and tests check the one-per-interval promise). */
  queries = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly fetch: (id: number) => Promise<number>,
  ) {}

  async get(id: number, now = Date.now()): Promise<number> {
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { count: 0, fetchedAt: 0, pending: undefined };
      this.entries.set(id, entry);
    }
    if (now - entry.fetchedAt < this.ttlMs) return entry.count;
    const e = entry;
    let pending = e.pending;
    if (!pending) {
      this.queries++;
      pending = this.fetch(id)
        .then((n) => {
          e.count = n;
          e.fetchedAt = Date.now();
          return n;
        })
        .finally(() => {
          e.pending = undefined;
        });
      e.pending = pending;
    }
    // Once a value exists, readers never wait for the refresh.
    return e.fetchedAt > 0 ? e.count : pending;
  }

  /** After a change in this process, the next read fetches afresh. */
  invalidate(id: number): void {
    const entry = this.entries.get(id);
    if (entry) entry.fetchedAt = 0;
  }

  /** One more counted in this process shows at once; the next refresh brings in the others. */
  bump(id: number): void {
    const entry = this.entries.get(id);
    if (entry) entry.count++;
  }
}
