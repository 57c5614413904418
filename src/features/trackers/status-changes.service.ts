/** Changing a target's status, and the history every change leaves behind. */
import { type Db, nowIso } from '../../infra/db/database.js';
import type { Board, BoardEntry } from './board.service.js';
import type { Actor, Tracker, TrackersContext } from './tracker-record.js';
import * as repo from './trackers.repository.js';
import type { TrackerTargetRow } from './trackers.repository.js';
import {
  type Errors,
  type StatusChange,
  type StatusChangeInput,
  statusKey,
  validateStatusChange,
} from './trackers.rules.js';

/** Changes per page of the history. */
export const HISTORY_PAGE_SIZE = 100;

/** recorded: in the history and now current; past: in the history, but a later change stays current. */
export type ChangeOutcome = 'recorded' | 'past' | 'unchanged';

/**
 * What a checked change would do to the target's current row, without writing anything: a dry
 * run of an import reports this, and applyChange records it.
 */
export function outcomeOfChange(
  current: TrackerTargetRow,
  change: StatusChange,
  actor: Actor,
  now: string,
): { outcome: ChangeOutcome; row: TrackerTargetRow; changedAt: string } {
  const changedAt = change.changedAt ?? now;
  const unchanged =
    statusKey(current.status) === statusKey(change.status) &&
    current.evidence_url === change.evidenceUrl &&
    current.note === change.note;
  if (unchanged) return { outcome: 'unchanged', row: current, changedAt };
  // A back-dated change joins the history but does not undo a later one.
  if (current.changed_at !== null && changedAt < current.changed_at)
    return { outcome: 'past', row: current, changedAt };
  const row: TrackerTargetRow = {
    ...current,
    status: change.status,
    evidence_url: change.evidenceUrl,
    note: change.note,
    changed_at: changedAt,
    changed_by_name: actor.name,
  };
  return { outcome: 'recorded', row, changedAt };
}

/** Records one checked change against the target's current row (read in the same transaction). */
export async function applyChange(
  trx: repo.Executor,
  trackerId: number,
  current: TrackerTargetRow,
  change: StatusChange,
  actor: Actor,
  source: string,
  now: string,
): Promise<{ outcome: ChangeOutcome; row: TrackerTargetRow }> {
  const { outcome, row, changedAt } = outcomeOfChange(current, change, actor, now);
  if (outcome === 'unchanged') return { outcome, row };
  await repo.insertStatusChange(trx, {
    tracker_id: trackerId,
    target_id: current.target_id,
    status: change.status,
    evidence_url: change.evidenceUrl,
    note: change.note,
    source,
    changed_by: actor.id,
    changed_by_name: actor.name,
    changed_at: changedAt,
    recorded_at: now,
  });
  if (outcome === 'recorded') await repo.setCurrentStatus(trx, trackerId, current.target_id, row);
  return { outcome, row };
}

export type ChangeStatusResult =
  | { ok: true; outcome: ChangeOutcome; status: string }
  | { ok: false; errors: Errors }
  | { ok: false; notFound: true };

/** One status change from the board: checked, written to the history, and made current. */
export async function changeStatus(
  ctx: TrackersContext,
  tracker: Tracker,
  targetId: number,
  input: StatusChangeInput,
  actor: Actor,
  source = 'admin',
): Promise<ChangeStatusResult> {
  const checked = validateStatusChange(tracker.statuses, input, new Date());
  if (!checked.ok) return checked;
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const current = await repo.findTrackerTarget(trx, tracker.id, targetId);
    if (!current) return { ok: false as const, notFound: true as const };
    const { outcome } = await applyChange(
      trx,
      tracker.id,
      current,
      checked.value,
      actor,
      source,
      nowIso(),
    );
    if (outcome !== 'unchanged')
      await ctx.audit.record(
        {
          actorUserId: actor.id,
          action: 'trackers.status',
          subjectType: 'tracker',
          subjectId: tracker.id,
          details: { target_id: targetId, status: checked.value.status, source },
        },
        trx,
      );
    return { ok: true as const, outcome, status: checked.value.status };
  });
}

export interface HistoryEntry {
  id: number;
  targetId: number;
  targetName: string;
  status: string;
  evidenceUrl: string | null;
  note: string | null;
  source: string;
  changedBy: string | null;
  changedAt: string;
  recordedAt: string;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  total: number;
  page: number;
  pages: number;
}

function historyEntry(row: repo.StatusChangeRow, names: Map<number, string>): HistoryEntry {
  return {
    id: row.id,
    targetId: row.target_id,
    targetName: names.get(row.target_id) ?? `Target ${row.target_id} (no longer in the list)`,
    status: row.status,
    evidenceUrl: row.evidence_url,
    note: row.note,
    source: row.source,
    changedBy: row.changed_by_name,
    changedAt: row.changed_at,
    recordedAt: row.recorded_at,
  };
}

/** Every change to the tracker, newest first, a page at a time. */
export async function trackerHistory(
  db: Db,
  tracker: Tracker,
  board: Board,
  pageNumber: number,
): Promise<HistoryPage> {
  const total = await repo.countHistory(db.kysely, tracker.id);
  const pages = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(pageNumber) || 1), pages);
  const rows = await repo.historyPage(
    db.kysely,
    tracker.id,
    HISTORY_PAGE_SIZE,
    (page - 1) * HISTORY_PAGE_SIZE,
  );
  const names = new Map(board.entries.map((e) => [e.targetId, e.name]));
  return { entries: rows.map((r) => historyEntry(r, names)), total, page, pages };
}

/** One target's full history, newest first. */
export async function targetHistory(
  db: Db,
  tracker: Tracker,
  entry: BoardEntry,
): Promise<HistoryEntry[]> {
  const rows = await repo.historyOfTarget(db.kysely, tracker.id, entry.targetId);
  return rows.map((r) => historyEntry(r, new Map([[entry.targetId, entry.name]])));
}
