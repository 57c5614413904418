import type { Kysely } from 'kysely';
import type { Db } from '../../infra/db/database.js';
import type { Database } from '../../infra/db/schema.js';
import type { CountStreams, LiveCounts } from './live-counts.js';

/**
 * Petition counts across processes (PostgreSQL LISTEN/NOTIFY; on SQLite nothing is sent and
 * the one process updates its own cache). A rise carries the new count, so listeners need no
 * query; a moderator's invalidation says "reset" and each process reads the count afresh.
 */
export const COUNT_CHANNEL = 'rally_petition_counts';

/** In the transaction that raised the count: delivered when it commits. */
export function announceCount(
  db: Db,
  trx: Kysely<Database>,
  petitionId: number,
  count: number,
): Promise<void> {
  return db.changes.notify(trx, COUNT_CHANNEL, `${petitionId}:${count}`);
}

/** The count went down (invalidated signatures, a reconcile): every process reads it again. */
export function announceReset(db: Db, trx: Kysely<Database>, petitionId: number): Promise<void> {
  return db.changes.notify(trx, COUNT_CHANNEL, `${petitionId}:reset`);
}

const PAYLOAD = /^(\d{1,12}):(\d{1,15}|reset)$/;

/** Keeps this process's counts and SSE streams in step with every other process's changes. */
export async function followCountChanges(
  db: Db,
  counts: LiveCounts,
  streams: CountStreams,
): Promise<void> {
  if (!db.changes.shared) return;
  await db.changes.listen(COUNT_CHANNEL, (payload) => {
    const match = PAYLOAD.exec(payload);
    if (!match) return;
    const petitionId = Number(match[1]);
    if (match[2] === 'reset') counts.invalidate(petitionId);
    else if (!counts.offer(petitionId, Number(match[2]))) return;
    streams.changed(petitionId);
  });
}
