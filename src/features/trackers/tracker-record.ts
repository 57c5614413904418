/**
 * What a tracker is, as every part of the feature reads it: its settings from its own row, and
 * its targets through the targets feature.
 */
import type { AuditLog } from '../../infra/audit/audit-log.js';
import type { Db } from '../../infra/db/database.js';
import { type Target, listTargets } from '../targets/targets.service.js';
import * as repo from './trackers.repository.js';
import type { TrackerRow } from './trackers.repository.js';
import { type TrackerFields, statusKey } from './trackers.rules.js';

/** Targets read from a list to find a tracker's: the targets import's own row limit. */
const LIST_LOAD_MAX = 20_000;

/** What the commands that change trackers need: where to write, and where to log who did it. */
export interface TrackersContext {
  db: Db;
  audit: AuditLog;
}

/** Who made a change: a staff member, or nobody (demo data, scripts). */
export interface Actor {
  id: number | null;
  name: string | null;
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

export async function getTracker(db: Db, id: number): Promise<Tracker | undefined> {
  const row = await repo.findTracker(db.kysely, id);
  return row ? trackerOf(row) : undefined;
}

export async function getTrackerBySlug(db: Db, slug: string): Promise<Tracker | undefined> {
  const row = await repo.findTrackerBySlug(db.kysely, slug);
  return row ? trackerOf(row) : undefined;
}

export async function listAllTrackers(
  db: Db,
  opts: { publishedOnly?: boolean } = {},
): Promise<Tracker[]> {
  return (await repo.listTrackers(db.kysely, opts)).map(trackerOf);
}

export function counts(tracker: Pick<Tracker, 'countingStatuses'>, status: string): boolean {
  const key = statusKey(status);
  return tracker.countingStatuses.some((s) => statusKey(s) === key);
}

/** Every target of a list, read through the targets feature. */
export async function targetsOfList(db: Db, listId: number): Promise<Target[]> {
  return (await listTargets(db, listId, { pageSize: LIST_LOAD_MAX })).targets;
}

/** The tracker's targets as the targets feature holds them now (deleted ones drop out). */
export async function trackerTargetsOf(db: Db, tracker: Tracker): Promise<Target[]> {
  const ids = new Set((await repo.trackerTargets(db.kysely, tracker.id)).map((r) => r.target_id));
  return (await targetsOfList(db, tracker.targetListId)).filter((t) => ids.has(t.id));
}
