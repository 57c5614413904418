/**
 * Group commit: callers hand in one item each and wait; items are flushed together in one
 * transaction when `maxBatch` is reached or `maxDelayMs` after the first item of a batch. Each
 * caller's promise settles only after its batch's transaction has committed, so an HTTP 2xx
 * sent after `await write(item)` means the row is durable. One flush runs at a time; items that
 * arrive meanwhile form the next batch.
 */
export interface GroupCommitOptions<T, R> {
  /** Writes the whole batch in one transaction; returns one result per item, in order. */
  flush: (batch: T[]) => Promise<R[]>;
  maxBatch?: number;
  maxDelayMs?: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export class GroupCommitWriter<T, R> {
  private queue: Pending<T, R>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  /** Batches written so far and their total size, for metrics and benchmarks. */
  readonly stats = { batches: 0, items: 0, failures: 0 };

  constructor(private readonly options: GroupCommitOptions<T, R>) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 5;
  }

  write(item: T): Promise<R> {
    if (this.closed) return Promise.reject(new Error('GroupCommitWriter is closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.maxDelayMs);
    });
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
      // Whatever arrived during the flush goes out at once: it has already waited.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const results = await this.options.flush(batch.map((p) => p.item));
      if (results.length !== batch.length) {
        throw new Error(`flush returned ${results.length} results for ${batch.length} items`);
      }
      this.stats.batches++;
      this.stats.items += batch.length;
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (err) {
      this.stats.failures++;
      for (const p of batch) p.reject(err);
    }
  }

  /** Flushes what is queued and refuses new items. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.flushing) {
      this.kick();
      await this.flushing;
    }
  }
}
