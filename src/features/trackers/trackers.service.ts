/**
 * The trackers feature's public API, for its routes and for other features: a tracker's
 * settings (created and edited here), its status changes and history, its board, and CSV
 * imports of status changes.
 */
import { isUniqueViolation } from '../../infra/db/unique-violation.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { type Target, listParties, listTargetLists } from '../targets/targets.service.js';
import { type Tracker, getTracker, targetsOfList, trackerOf } from './tracker-record.js';
import * as repo from './trackers.repository.js';
import type { TrackerTargetRow } from './trackers.repository.js';
import {
  type Errors,
  type TrackerFields,
  type TrackerForm,
  statusKey,
  validateTrackerForm,
} from './trackers.rules.js';

export {
  type Tracker,
  counts,
  getTracker,
  getTrackerBySlug,
  listAllTrackers,
  trackerOf,
} from './tracker-record.js';
export {
  type ChangeOutcome,
  type ChangeStatusResult,
  type HistoryEntry,
  type HistoryPage,
  HISTORY_PAGE_SIZE,
  changeStatus,
  targetHistory,
  trackerHistory,
} from './status-changes.service.js';
export {
  type Board,
  type BoardEntry,
  type BoardFilters,
  filterEntries,
  loadBoard,
} from './board.service.js';
export {
  type ImportReport,
  type ImportRow,
  type TargetColumn,
  TargetResolver,
  importStatusChanges,
} from './status-import.service.js';

/** A tracker covers at most this many targets (all 650 MPs fit several times over). */
export const MAX_TRACKER_TARGETS = 2_000;

function rowFields(fields: TrackerFields) {
  return {
    title: fields.title,
    description: fields.description,
    statuses: JSON.stringify(fields.statuses),
    counting_statuses: JSON.stringify(fields.countingStatuses),
    initial_status: fields.initialStatus,
    count_noun: fields.countNoun,
    threshold: fields.threshold,
    letter_slug: fields.letterSlug,
    storm_slug: fields.stormSlug,
    published: fields.published ? 1 : 0,
  };
}

function initialRows(trackerId: number, status: string, targetIds: number[]): TrackerTargetRow[] {
  return targetIds.map((targetId) => ({
    tracker_id: trackerId,
    target_id: targetId,
    status,
    evidence_url: null,
    note: null,
    changed_at: null,
    changed_by_name: null,
  }));
}

export type SaveTrackerResult =
  { ok: true; record: Tracker; added: number } | { ok: false; errors: Errors };

/**
 * Creates a tracker over a target list, or over its targets of some parties, every target at
 * the starting status.
 */
export async function createTracker(
  ctx: ServiceContext,
  form: TrackerForm,
  actor: Actor,
): Promise<SaveTrackerResult> {
  const checked = validateTrackerForm(form);
  if (!checked.ok) return checked;
  const fields = checked.value;
  const list = (await listTargetLists(ctx.db)).find((l) => l.id === fields.targetListId);
  if (!list) return { ok: false, errors: { targetListId: 'There is no such target list.' } };
  if (fields.parties.length) {
    const known = new Set(await listParties(ctx.db, list.id));
    const unknown = fields.parties.filter((p) => !known.has(p));
    if (unknown.length)
      return {
        ok: false,
        errors: { parties: `${list.name} has no targets of ${unknown.join(', ')}.` },
      };
  }
  const chosen = choose(await targetsOfList(ctx, list.id), fields.parties);
  if (chosen.length === 0)
    return { ok: false, errors: { targetListId: `${list.name} has no targets yet.` } };
  if (chosen.length > MAX_TRACKER_TARGETS)
    return {
      ok: false,
      errors: {
        targetListId: `A tracker covers at most ${MAX_TRACKER_TARGETS.toLocaleString('en-GB')} targets; this choice has ${chosen.length.toLocaleString('en-GB')}. Choose some parties.`,
      },
    };
  const slugTaken = { ok: false as const, errors: { slug: `The slug "${fields.slug}" is taken.` } };
  if (await repo.findTrackerBySlug(queries(ctx), fields.slug)) return slugTaken;
  try {
    const tracker = await inTransaction(ctx, async (tx) => {
      const now = tx.clock.now().toISOString();
      const row = await repo.insertTracker(tx.trx, {
        ...rowFields(fields),
        slug: fields.slug,
        target_list_id: list.id,
        parties: JSON.stringify(fields.parties),
        created_by: actorId(actor),
        created_at: now,
        updated_at: now,
      });
      await repo.insertTrackerTargets(
        tx.trx,
        initialRows(
          row.id,
          fields.initialStatus,
          chosen.map((t) => t.id),
        ),
      );
      await tx.audit.record(
        {
          actorUserId: actorId(actor),
          action: 'trackers.create',
          subjectType: 'tracker',
          subjectId: row.id,
          details: { slug: row.slug, targets: chosen.length },
        },
        tx.trx,
      );
      return trackerOf(row);
    });
    return { ok: true, record: tracker, added: chosen.length };
  } catch (err) {
    if (isUniqueViolation(err)) return slugTaken;
    throw err;
  }
}

function choose(targets: Target[], parties: string[]): Target[] {
  if (!parties.length) return targets;
  const wanted = new Set(parties);
  return targets.filter((t) => t.party !== null && wanted.has(t.party));
}

/**
 * Saves the organiser's edits. The list, party filter and slug stay as created (public links
 * and the history depend on them); targets that have joined the list or party since are added
 * at the starting status. A status some target holds cannot be removed.
 */
export async function updateTracker(
  ctx: ServiceContext,
  { tracker, form }: { tracker: Tracker; form: TrackerForm },
  actor: Actor,
): Promise<SaveTrackerResult> {
  const checked = validateTrackerForm({
    ...form,
    slug: tracker.slug,
    targetListId: String(tracker.targetListId),
    parties: tracker.parties,
  });
  if (!checked.ok) return checked;
  const fields = checked.value;
  const kept = new Set(fields.statuses.map(statusKey));
  const removedInUse = (await repo.statusesInUse(queries(ctx), tracker.id)).filter(
    (s) => !kept.has(statusKey(s)),
  );
  if (removedInUse.length)
    return {
      ok: false,
      errors: {
        statuses: `Some targets are "${removedInUse.join('", "')}" now: keep ${removedInUse.length === 1 ? 'that status' : 'those statuses'}, or change those targets first.`,
      },
    };
  const present = new Set(
    (await repo.trackerTargets(queries(ctx), tracker.id)).map((r) => r.target_id),
  );
  const joined = choose(await targetsOfList(ctx, tracker.targetListId), tracker.parties)
    .map((t) => t.id)
    .filter((id) => !present.has(id))
    .slice(0, Math.max(0, MAX_TRACKER_TARGETS - present.size));
  await inTransaction(ctx, async (tx) => {
    await repo.updateTracker(tx.trx, tracker.id, {
      ...rowFields(fields),
      updated_at: tx.clock.now().toISOString(),
    });
    await repo.insertTrackerTargets(tx.trx, initialRows(tracker.id, fields.initialStatus, joined));
    await tx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'trackers.update',
        subjectType: 'tracker',
        subjectId: tracker.id,
        details: { added: joined.length },
      },
      tx.trx,
    );
  });
  const saved = await getTracker(ctx, tracker.id);
  if (!saved) return { ok: false, errors: { form: 'This tracker was just deleted.' } };
  return { ok: true, record: saved, added: joined.length };
}
