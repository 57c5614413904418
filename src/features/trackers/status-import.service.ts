/** Status changes from a spreadsheet: matching its rows to targets, then recording them. */
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { matchKey } from '../../infra/validation/text-rules.js';
import type { Target } from '../targets/targets.service.js';
import { applyChange, outcomeOfChange } from './status-changes.service.js';
import { type Tracker, changerOf, trackerTargetsOf } from './tracker-record.js';
import * as repo from './trackers.repository.js';
import { type StatusChangeInput, validateStatusChange } from './trackers.rules.js';

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

  private index(kind: string, value: string | null, t: Target) {
    if (!value) return;
    const map = this.byKey.get(kind) ?? new Map<string, Target[]>();
    const key = matchKey(value);
    map.set(key, [...(map.get(key) ?? []), t]);
    this.byKey.set(kind, map);
  }

  private lookup(kind: string, value: string): Target[] {
    return this.byKey.get(kind)?.get(matchKey(value)) ?? [];
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
  ctx: ServiceContext,
  {
    tracker,
    rows,
    dryRun,
    filename,
  }: { tracker: Tracker; rows: ImportRow[]; dryRun: boolean; filename?: string },
  actor: Actor,
): Promise<ImportReport> {
  const report: ImportReport = {
    dryRun,
    rows: rows.length,
    applied: 0,
    past: 0,
    unchanged: 0,
    rejected: [],
    changes: [],
  };
  const resolver = new TargetResolver(await trackerTargetsOf(ctx, tracker));
  const by = await changerOf(ctx, actor);
  const nowDate = ctx.clock.now();
  const now = nowDate.toISOString();
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
      const { outcome, row: after } = dryRun
        ? outcomeOfChange(before, change, by, now)
        : await applyChange(trx, tracker.id, before, change, by, 'csv', now);
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
  if (dryRun) {
    await work(queries(ctx));
    return report;
  }
  await inTransaction(ctx, async (tx) => {
    await work(tx.trx);
    await tx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'trackers.import',
        subjectType: 'tracker',
        subjectId: tracker.id,
        details: {
          file: filename ?? null,
          rows: report.rows,
          applied: report.applied,
          past: report.past,
          unchanged: report.unchanged,
          rejected: report.rejected.length,
        },
      },
      tx.trx,
    );
  });
  return report;
}
