/** The board: where every target of a tracker stands, as the public page and the admin show it. */
import { type ServiceContext, queries } from '../../infra/service-context.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { type Tracker, counts, targetsOfList } from './tracker-record.js';
import * as repo from './trackers.repository.js';
import { statusKey } from './trackers.rules.js';

export interface BoardEntry {
  targetId: number;
  name: string;
  role: string | null;
  party: string | null;
  divisionType: string | null;
  divisionCode: string | null;
  divisionName: string | null;
  region: string | null;
  twitter: string | null;
  bluesky: string | null;
  mastodon: string | null;
  status: string;
  counts: boolean;
  evidenceUrl: string | null;
  note: string | null;
  changedAt: string | null;
  changedBy: string | null;
}

export interface Board {
  tracker: Tracker;
  entries: BoardEntry[];
  count: number;
  statusCounts: Array<{ status: string; counts: boolean; targets: number }>;
  parties: string[];
  regions: string[];
  /** The latest change shown, or the tracker's creation. */
  updatedAt: string;
}

/** Everything the board shows: each target's details (from the targets feature) and status. */
export async function loadBoard(ctx: ServiceContext, tracker: Tracker): Promise<Board> {
  const [rows, targets, directory] = await Promise.all([
    repo.trackerTargets(queries(ctx), tracker.id),
    targetsOfList(ctx, tracker.targetListId),
    getConstituencyDirectory(ctx.db),
  ]);
  const byId = new Map(targets.map((t) => [t.id, t]));
  const order = new Map(tracker.statuses.map((s, i) => [statusKey(s), i]));
  const entries: BoardEntry[] = [];
  let updatedAt = tracker.createdAt;
  for (const row of rows) {
    const t = byId.get(row.target_id);
    if (!t) continue;
    if (row.changed_at && row.changed_at > updatedAt) updatedAt = row.changed_at;
    entries.push({
      targetId: t.id,
      name: t.name,
      role: t.role,
      party: t.party,
      divisionType: t.division_type,
      divisionCode: t.division_code,
      divisionName: t.division_name,
      region: t.division_code ? (directory.get(t.division_code)?.region ?? null) : null,
      twitter: t.twitter,
      bluesky: t.bluesky,
      mastodon: t.mastodon,
      status: row.status,
      counts: counts(tracker, row.status),
      evidenceUrl: row.evidence_url,
      note: row.note,
      changedAt: row.changed_at,
      changedBy: row.changed_by_name,
    });
  }
  const rank = (s: string) => order.get(statusKey(s)) ?? tracker.statuses.length;
  entries.sort(
    (a, b) =>
      rank(a.status) - rank(b.status) ||
      a.name.localeCompare(b.name, 'en-GB') ||
      a.targetId - b.targetId,
  );
  const statusCounts = tracker.statuses.map((status) => ({
    status,
    counts: counts(tracker, status),
    targets: entries.filter((e) => statusKey(e.status) === statusKey(status)).length,
  }));
  const distinct = (values: (string | null)[]) =>
    [...new Set(values.filter((v): v is string => !!v))].sort((a, b) =>
      a.localeCompare(b, 'en-GB'),
    );
  return {
    tracker,
    entries,
    count: entries.filter((e) => e.counts).length,
    statusCounts,
    parties: distinct(entries.map((e) => e.party)),
    regions: distinct(entries.map((e) => e.region)),
    updatedAt,
  };
}

export interface BoardFilters {
  party: string;
  region: string;
  status: string;
}

export function filterEntries(board: Board, filters: BoardFilters): BoardEntry[] {
  const status = filters.status ? statusKey(filters.status) : '';
  return board.entries.filter(
    (e) =>
      (!filters.party || e.party === filters.party) &&
      (!filters.region || e.region === filters.region) &&
      (!status || statusKey(e.status) === status),
  );
}
