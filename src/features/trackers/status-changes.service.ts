/** Changing a target's status, and the history every change leaves behind. */
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import type { Board, BoardEntry } from './board.service.js';
import { type Changer, type Tracker, changerOf } from './tracker-record.js';
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
  by: Changer,
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
    changed_by_name: by.name,
  };
  return { outcome: 'recorded', row, changedAt };
}

/** Records one checked change against the target's current row (read in the same transaction). */
export async function applyChange(
  trx: repo.Executor,
  trackerId: number,
  current: TrackerTargetRow,
  change: StatusChange,
  by: Changer,
  source: string,
  now: string,
): Promise<{ outcome: ChangeOutcome; row: TrackerTargetRow }> {
  const { outcome, row, changedAt } = outcomeOfChange(current, change, by, now);
  if (outcome === 'unchanged') return { outcome, row };
  await repo.insertStatusChange(trx, {
    tracker_id: trackerId,
    target_id: current.target_id,
    status: change.status,
    evidence_url: change.evidenceUrl,
    note: change.note,
    source,
    changed_by: by.id,
    changed_by_name: by.name,
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
  ctx: ServiceContext,
  {
    tracker,
    targetId,
    change,
    source = 'admin',
  }: { tracker: Tracker; targetId: number; change: StatusChangeInput; source?: string },
  actor: Actor,
): Promise<ChangeStatusResult> {
  const now = ctx.clock.now();
  const checked = validateStatusChange(tracker.statuses, change, now);
  if (!checked.ok) return checked;
  const by = await changerOf(ctx, actor);
  return inTransaction(ctx, async (tx) => {
    const current = await repo.findTrackerTarget(tx.trx, tracker.id, targetId);
    if (!current) return { ok: false as const, notFound: true as const };
    const { outcome } = await applyChange(
      tx.trx,
      tracker.id,
      current,
      checked.value,
      by,
      source,
      now.toISOString(),
    );
    if (outcome !== 'unchanged')
      await tx.audit.record(
        {
          actorUserId: actorId(actor),
          action: 'trackers.status',
          subjectType: 'tracker',
          subjectId: tracker.id,
          details: { target_id: targetId, status: checked.value.status, source },
        },
        tx.trx,
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
  ctx: ServiceContext,
  { tracker, board, page: pageNumber }: { tracker: Tracker; board: Board; page: number },
): Promise<HistoryPage> {
  const total = await repo.countHistory(queries(ctx), tracker.id);
  const pages = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(pageNumber) || 1), pages);
  const rows = await repo.historyPage(
    queries(ctx),
    tracker.id,
    HISTORY_PAGE_SIZE,
    (page - 1) * HISTORY_PAGE_SIZE,
  );
  const names = new Map(board.entries.map((e) => [e.targetId, e.name]));
  return { entries: rows.map((r) => historyEntry(r, names)), total, page, pages };
}

/** One target's full history, newest first. */
export async function targetHistory(
  ctx: ServiceContext,
  { tracker, entry }: { tracker: Tracker; entry: BoardEntry },
): Promise<HistoryEntry[]> {
  const rows = await repo.historyOfTarget(queries(ctx), tracker.id, entry.targetId);
  return rows.map((r) => historyEntry(r, new Map([[entry.targetId, entry.name]])));
}
