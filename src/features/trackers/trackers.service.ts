import type { AuditLog } from '../../infra/audit/audit-log.js';
import { type Db, nowIso } from '../../infra/db/database.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.js';
import {
  type Target,
  listParties,
  listTargetLists,
  listTargets,
} from '../targets/targets.service.js';
import * as repo from './trackers.repository.js';
import type { TrackerRow, TrackerTargetRow } from './trackers.repository.js';
import {
  type Errors,
  type StatusChange,
  type StatusChangeInput,
  type TrackerFields,
  type TrackerForm,
  statusKey,
  validateStatusChange,
  validateTrackerForm,
} from './trackers.rules.js';
import { isUniqueViolation } from '../../infra/db/unique-violation.js';

/** A tracker covers at most this many targets (all 650 MPs fit several times over). */
export const MAX_TRACKER_TARGETS = 2_000;
/** Targets read from a list to find a tracker's: the targets import's own row limit. */
const LIST_LOAD_MAX = 20_000;
/** Changes per page of the history. */
export const HISTORY_PAGE_SIZE = 100;

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

export interface Tracker {
  id: number;
  slug: string;
  title: string;
  description: string;
  targetListId: number;
  parties: string[];
  statuses: string[];
  countingStatuses: string[];
  initialStatus: string;
  countNoun: string;
  threshold: number;
  letterSlug: string | null;
  stormSlug: string | null;
  published: boolean;
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
async function targetsOfList(db: Db, listId: number): Promise<Target[]> {
  return (await listTargets(db, listId, { pageSize: LIST_LOAD_MAX })).targets;
}

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
  { ok: true; tracker: Tracker; added: number } | { ok: false; errors: Errors };

/**
 * Creates a tracker over a target list, or over its targets of some parties, every target at
 * the starting status.
 */
export async function createTracker(
  ctx: TrackersContext,
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
  const chosen = choose(await targetsOfList(ctx.db, list.id), fields.parties);
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
  if (await repo.findTrackerBySlug(ctx.db.kysely, fields.slug)) return slugTaken;
  try {
    const tracker = await ctx.db.kysely.transaction().execute(async (trx) => {
      const now = nowIso();
      const row = await repo.insertTracker(trx, {
        ...rowFields(fields),
        slug: fields.slug,
        target_list_id: list.id,
        parties: JSON.stringify(fields.parties),
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      });
      await repo.insertTrackerTargets(
        trx,
        initialRows(
          row.id,
          fields.initialStatus,
          chosen.map((t) => t.id),
        ),
      );
      await ctx.audit.record(
        {
          actorUserId: actor.id,
          action: 'trackers.create',
          subjectType: 'tracker',
          subjectId: row.id,
          details: { slug: row.slug, targets: chosen.length },
        },
        trx,
      );
      return trackerOf(row);
    });
    return { ok: true, tracker, added: chosen.length };
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
  ctx: TrackersContext,
  tracker: Tracker,
  form: TrackerForm,
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
  const removedInUse = (await repo.statusesInUse(ctx.db.kysely, tracker.id)).filter(
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
    (await repo.trackerTargets(ctx.db.kysely, tracker.id)).map((r) => r.target_id),
  );
  const joined = choose(await targetsOfList(ctx.db, tracker.targetListId), tracker.parties)
    .map((t) => t.id)
    .filter((id) => !present.has(id))
    .slice(0, Math.max(0, MAX_TRACKER_TARGETS - present.size));
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.updateTracker(trx, tracker.id, { ...rowFields(fields), updated_at: nowIso() });
    await repo.insertTrackerTargets(trx, initialRows(tracker.id, fields.initialStatus, joined));
    await ctx.audit.record(
      {
        actorUserId: actor.id,
        action: 'trackers.update',
        subjectType: 'tracker',
        subjectId: tracker.id,
        details: { added: joined.length },
      },
      trx,
    );
  });
  const saved = await getTracker(ctx.db, tracker.id);
  if (!saved) return { ok: false, errors: { form: 'This tracker was just deleted.' } };
  return { ok: true, tracker: saved, added: joined.length };
}

/** recorded: in the history and now current; past: in the history, but a later change stays current. */
export type ChangeOutcome = 'recorded' | 'past' | 'unchanged';

function sameAsCurrent(current: TrackerTargetRow, change: StatusChange): boolean {
  return (
    statusKey(current.status) === statusKey(change.status) &&
    current.evidence_url === change.evidenceUrl &&
    current.note === change.note
  );
}

/** Records one checked change against the target's current row (read in the same transaction). */
async function applyChange(
  trx: repo.Executor,
  trackerId: number,
  current: TrackerTargetRow,
  change: StatusChange,
  actor: Actor,
  source: string,
  now: string,
): Promise<{ outcome: ChangeOutcome; row: TrackerTargetRow }> {
  if (sameAsCurrent(current, change)) return { outcome: 'unchanged', row: current };
  const changedAt = change.changedAt ?? now;
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
  // A back-dated change joins the history but does not undo a later one.
  if (current.changed_at !== null && changedAt < current.changed_at)
    return { outcome: 'past', row: current };
  const row: TrackerTargetRow = {
    ...current,
    status: change.status,
    evidence_url: change.evidenceUrl,
    note: change.note,
    changed_at: changedAt,
    changed_by_name: actor.name,
  };
  await repo.setCurrentStatus(trx, trackerId, current.target_id, row);
  return { outcome: 'recorded', row };
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

/** One row of a CSV import, with the line it came from so rejections can point at it. */
export interface ImportRow {
  line: number;
  /** How the file names the target: an id, a division code or name, or the target's name. */
  target: string;
  /** Which column the target came from (decides how it is matched). */
  targetColumn: TargetColumn;
  change: StatusChangeInput;
}

export type TargetColumn = 'any' | 'id' | 'external_id' | 'division_code' | 'division' | 'name';

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  /** Recorded and now current. */
  applied: number;
  /** Recorded in the history only: the target has a later change. */
  past: number;
  unchanged: number;
  rejected: Array<{ line: number; reasons: string[] }>;
  /** What was (or, in a dry run, would be) recorded. */
  changes: Array<{ line: number; targetId: number; name: string; from: string; to: string }>;
}

/** Finds a tracker's targets by the ways a spreadsheet names them. */
export class TargetResolver {
  private readonly byId = new Map<number, Target>();
  private readonly byKey = new Map<string, Map<string, Target[]>>();

  constructor(targets: Target[]) {
    for (const t of targets) {
      this.byId.set(t.id, t);
      this.index('external_id', t.external_id, t);
      this.index('division_code', t.division_code, t);
      this.index('division', t.division_name, t);
      this.index('name', t.name, t);
    }
  }

  private static fold(text: string): string {
    return text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/&/g, ' and ')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  }

  private index(kind: string, value: string | null, t: Target) {
    if (!value) return;
    const map = this.byKey.get(kind) ?? new Map<string, Target[]>();
    const key = TargetResolver.fold(value);
    map.set(key, [...(map.get(key) ?? []), t]);
    this.byKey.set(kind, map);
  }

  private lookup(kind: string, value: string): Target[] {
    return this.byKey.get(kind)?.get(TargetResolver.fold(value)) ?? [];
  }

  resolve(
    value: string,
    column: TargetColumn,
  ): { ok: true; target: Target } | { ok: false; reason: string } {
    const text = value.trim();
    if (!text) return { ok: false, reason: 'The target is missing.' };
    const kinds: string[] =
      column === 'any' ? ['id', 'division_code', 'external_id', 'division', 'name'] : [column];
    for (const kind of kinds) {
      const found =
        kind === 'id'
          ? /^\d{1,10}$/.test(text) && this.byId.has(Number(text))
            ? [this.byId.get(Number(text)) as Target]
            : []
          : this.lookup(kind, text);
      if (found.length === 1 && found[0]) return { ok: true, target: found[0] };
      if (found.length > 1)
        return {
          ok: false,
          reason: `"${text.slice(0, 80)}" matches ${found.length} targets: use the target id or constituency code.`,
        };
    }
    return { ok: false, reason: `No target of this tracker matches "${text.slice(0, 80)}".` };
  }
}

/**
 * Applies status changes from a spreadsheet, row by row in file order, in one transaction: bad
 * rows are reported with their line and skipped, the rest are recorded. A dry run checks
 * everything and reports what would happen, writing nothing.
 */
export async function importStatusChanges(
  ctx: TrackersContext,
  tracker: Tracker,
  rows: ImportRow[],
  actor: Actor,
  opts: { dryRun: boolean; filename?: string },
): Promise<ImportReport> {
  const report: ImportReport = {
    dryRun: opts.dryRun,
    rows: rows.length,
    applied: 0,
    past: 0,
    unchanged: 0,
    rejected: [],
    changes: [],
  };
  const resolver = new TargetResolver(await trackerTargetsOf(ctx.db, tracker));
  const now = nowIso();
  const nowDate = new Date(now);
  const work = async (trx: repo.Executor) => {
    const current = new Map(
      (await repo.trackerTargets(trx, tracker.id)).map((r) => [r.target_id, r] as const),
    );
    for (const row of rows) {
      const reasons: string[] = [];
      const found = resolver.resolve(row.target, row.targetColumn);
      if (!found.ok) reasons.push(found.reason);
      const checked = validateStatusChange(tracker.statuses, row.change, nowDate);
      if (!checked.ok) reasons.push(...Object.values(checked.errors));
      const before = found.ok ? current.get(found.target.id) : undefined;
      if (!found.ok || !checked.ok || !before) {
        report.rejected.push({ line: row.line, reasons });
        continue;
      }
      const change = checked.value;
      let outcome: ChangeOutcome;
      let after: TrackerTargetRow;
      if (opts.dryRun) {
        outcome = sameAsCurrent(before, change)
          ? 'unchanged'
          : before.changed_at !== null && (change.changedAt ?? now) < before.changed_at
            ? 'past'
            : 'recorded';
        after =
          outcome === 'recorded'
            ? {
                ...before,
                status: change.status,
                evidence_url: change.evidenceUrl,
                note: change.note,
                changed_at: change.changedAt ?? now,
              }
            : before;
      } else {
        ({ outcome, row: after } = await applyChange(
          trx,
          tracker.id,
          before,
          change,
          actor,
          'csv',
          now,
        ));
      }
      current.set(before.target_id, after);
      if (outcome === 'unchanged') {
        report.unchanged++;
        continue;
      }
      if (outcome === 'recorded') report.applied++;
      else report.past++;
      report.changes.push({
        line: row.line,
        targetId: found.target.id,
        name: found.target.name,
        from: before.status,
        to: change.status,
      });
    }
  };
  if (opts.dryRun) {
    await work(ctx.db.kysely);
    return report;
  }
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await work(trx);
    await ctx.audit.record(
      {
        actorUserId: actor.id,
        action: 'trackers.import',
        subjectType: 'tracker',
        subjectId: tracker.id,
        details: {
          file: opts.filename ?? null,
          rows: report.rows,
          applied: report.applied,
          past: report.past,
          unchanged: report.unchanged,
          rejected: report.rejected.length,
        },
      },
      trx,
    );
  });
  return report;
}

/** The tracker's targets as the targets feature holds them now (deleted ones drop out). */
async function trackerTargetsOf(db: Db, tracker: Tracker): Promise<Target[]> {
  const ids = new Set((await repo.trackerTargets(db.kysely, tracker.id)).map((r) => r.target_id));
  return (await targetsOfList(db, tracker.targetListId)).filter((t) => ids.has(t.id));
}

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
export async function loadBoard(db: Db, tracker: Tracker): Promise<Board> {
  const [rows, targets, directory] = await Promise.all([
    repo.trackerTargets(db.kysely, tracker.id),
    targetsOfList(db, tracker.targetListId),
    getConstituencyDirectory(db),
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
