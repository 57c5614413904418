// The SQLite WAL checkpointer (see checkpointer.ts), run in a worker thread with a connection of
// its own: copying the write-ahead log back into the database file and its fsyncs happen here,
// never in the thread that answers HTTP. PASSIVE never waits for readers or writers.
import { clearTimeout, setTimeout } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, intervalMs } = workerData;
const BUSY_INTERVAL_MS = 10;
const db = new Database(path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');

let lastCheckpointed = 0;
/** Copies what it can; `moved` says whether the log had new pages since the last time. */
const checkpoint = () => {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)');
  const moved = row.checkpointed !== lastCheckpointed;
  lastCheckpointed = row.checkpointed;
  return { log: row.log, checkpointed: row.checkpointed, moved };
};

// While commits keep coming, checkpoint again soon: the log is only restarted by a checkpoint
// that catches up, so lagging behind would leave that to the serving connection's fallback.
let timer;
const loop = () => {
  let next = intervalMs;
  try {
    if (checkpoint().moved) next = BUSY_INTERVAL_MS;
  } catch (err) {
    parentPort.postMessage({ error: String(err) });
  }
  timer = setTimeout(loop, next);
};
timer = setTimeout(loop, intervalMs);

parentPort.on('message', (msg) => {
  if (msg === 'now') {
    try {
      parentPort.postMessage({ done: checkpoint() });
    } catch (err) {
      parentPort.postMessage({ done: null, error: String(err) });
    }
  } else if (msg === 'stop') {
    clearTimeout(timer);
    // The last connection to close checkpoints what is left and removes the log.
    db.close();
    parentPort.close();
  }
});
