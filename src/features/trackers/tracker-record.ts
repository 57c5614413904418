/**
 * What a tracker is, as every part of the feature reads it: its settings from its own row, and
 * its targets through the targets feature.
 */
import { type Actor, type ServiceContext, queries } from '../../infra/service-context.js';
import { type Target, listTargets } from '../targets/targets.service.js';
import { staffNamesByIds } from '../staff/staff.service.js';
import * as repo from './trackers.repository.js';
import type { TrackerRow } from './trackers.repository.js';
import { type TrackerFields, statusKey } from './trackers.rules.js';

/** Targets read from a list to find a tracker's: the targets import's own row limit. */
const LIST_LOAD_MAX = 20_000;

/** Who made a change, as the history keeps it: the name stays readable if the account goes. */
export interface Changer {
  id: number | null;
  name: string | null;
}

/** The staff member's id and current name, or nobody (demo data, scripts, imports by CLI). */
export async function changerOf(ctx: ServiceContext, actor: Actor): Promise<Changer> {
  if (!actor) return { id: null, name: null };
  const names = await staffNamesByIds(ctx, [actor.id]);
  return { id: actor.id, name: names.get(actor.id) ?? null };
}

export interface Tracker extends TrackerFields {
  id: number;
  createdAt: string;
  updatedAt: string;
}

function stringArray(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function trackerOf(row: TrackerRow): Tracker {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    targetListId: row.target_list_id,
    parties: stringArray(row.parties),
    statuses: stringArray(row.statuses),
    countingStatuses: stringArray(row.counting_statuses),
    initialStatus: row.initial_status,
    countNoun: row.count_noun,
    threshold: row.threshold,
    letterSlug: row.letter_slug,
    stormSlug: row.storm_slug,
    published: row.published === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function getTracker(ctx: ServiceContext, id: number): Promise<Tracker | undefined> {
  const row = await repo.findTracker(queries(ctx), id);
  return row ? trackerOf(row) : undefined;
}

export async function getTrackerBySlug(
  ctx: ServiceContext,
  slug: string,
): Promise<Tracker | undefined> {
  const row = await repo.findTrackerBySlug(queries(ctx), slug);
  return row ? trackerOf(row) : undefined;
}

export async function listAllTrackers(
  ctx: ServiceContext,
  opts: { publishedOnly?: boolean } = {},
): Promise<Tracker[]> {
  return (await repo.listTrackers(queries(ctx), opts)).map(trackerOf);
}

export function counts(tracker: Pick<Tracker, 'countingStatuses'>, status: string): boolean {
  const key = statusKey(status);
  return tracker.countingStatuses.some((s) => statusKey(s) === key);
}

/** Every target of a list, read through the targets feature. */
export async function targetsOfList(ctx: ServiceContext, listId: number): Promise<Target[]> {
  return (await listTargets(ctx.db, listId, { pageSize: LIST_LOAD_MAX })).targets;
}

/** The tracker's targets as the targets feature holds them now (deleted ones drop out). */
export async function trackerTargetsOf(ctx: ServiceContext, tracker: Tracker): Promise<Target[]> {
  const ids = new Set(
    (await repo.trackerTargets(queries(ctx), tracker.id)).map((r) => r.target_id),
  );
  return (await targetsOfList(ctx, tracker.targetListId)).filter((t) => ids.has(t.id));
}
