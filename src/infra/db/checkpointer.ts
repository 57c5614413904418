import { Worker } from 'node:worker_threads';

/** How often the background thread copies the write-ahead log into the database file. */
export const CHECKPOINT_INTERVAL_MS = 250;
/**
 * Log pages (4 KiB each) past which the serving connection checkpoints by itself after all: only
 * reached if the background thread stopped or fell far behind. SQLite's default is 1,000.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_000;
/** The log file is truncated back to this size after a checkpoint empties it. */
export const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export interface CheckpointResult {
  /** Pages in the write-ahead log, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/**
 * SQLite checkpoints in a worker thread. By default the connection that commits a transaction
 * also runs the checkpoint every 1,000 log pages: with better-sqlite3 that is the event loop,
 * held for the copy and its fsyncs (tens to hundreds of ms on a busy disk) while every request
 * waits. Under a petition surge that was the sign p99. Here the serving connection only appends
 * to the log and a second connection, in its own thread, checkpoints PASSIVE (never waiting for
 * readers or writers) every CHECKPOINT_INTERVAL_MS. Durability is unchanged: a commit is in the
 * log before it is acknowledged, whoever copies it later.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private waiting: ((r: CheckpointResult | null) => void)[] = [];
  private stopped: Promise<void> | undefined;

  constructor(
    path: string,
    private readonly onFailure: (message: string) => void,
    intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {
    this.worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
      workerData: { path, intervalMs },
    });
    // Never what keeps a process alive: stop() ends it with the database.
    this.worker.unref();
    this.worker.on('message', (msg: { done?: CheckpointResult | null; error?: string }) => {
      if (msg.error) this.onFailure(msg.error);
      if ('done' in msg) this.waiting.shift()?.(msg.done ?? null);
      if (this.waiting.length === 0) this.worker.unref();
    });
    this.worker.on('error', (err) => this.onFailure(err.message));
    this.worker.on('exit', () => {
      for (const resolve of this.waiting.splice(0)) resolve(null);
      if (!this.stopped) this.onFailure('checkpoint thread exited');
    });
  }

  /** Checkpoints at once (tests, and anyone who wants the log copied before going on). */
  checkpointNow(): Promise<CheckpointResult | null> {
    if (this.stopped) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      // Held open until the answer comes (the thread alone never keeps the process alive).
      this.worker.ref();
      this.worker.postMessage('now');
    });
  }

  /** Closes the thread's connection (after the serving one: the last to close checkpoints). */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.ref();
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
