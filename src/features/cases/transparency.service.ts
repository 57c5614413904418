/**
 * The public figures: per quarter, complaints received by category, median days to decision,
 * outcomes and appeals. Counts only, and any group under TRANSPARENCY_MIN_GROUP is merged (and a
 * merged group still under it is shown as "fewer than 5"), so no figure points at a person.
 */
import type { Db } from '../../infra/db/database.js';
import * as repo from './cases.repository.js';
import { CATEGORY_LABELS, DAY_MS, OUTCOME_LABELS, TRANSPARENCY_MIN_GROUP } from './cases.rules.js';

/** A published count: exact, or only "fewer than 5". */
export type Count = number | 'fewer';

export interface Quarter {
  quarter: string;
  received: Count;
  byCategory: [string, Count][];
  decided: Count;
  /** null when fewer decisions than the minimum group were made. */
  medianDaysToDecision: number | null;
  outcomes: [string, Count][];
  appeals: Count;
}

export const MERGED_LABEL = 'Other (smaller groups merged)';

function publish(n: number): Count {
  return n >= TRANSPARENCY_MIN_GROUP ? n : 'fewer';
}

/** Groups of at least the minimum as they are; the rest summed into one merged group. */
export function mergeSmallGroups(counts: Map<string, number>): [string, Count][] {
  const shown: [string, Count][] = [];
  let merged = 0;
  for (const [label, n] of [...counts].sort((a, b) => b[1] - a[1])) {
    if (n >= TRANSPARENCY_MIN_GROUP) shown.push([label, n]);
    else merged += n;
  }
  if (merged > 0) shown.push([MERGED_LABEL, publish(merged)]);
  return shown;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function quarterOf(iso: string): string {
  return `${iso.slice(0, 4)} Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`;
}

const tally = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

export async function transparencyReport(db: Db): Promise<Quarter[]> {
  const rows = await repo.transparencyRows(db.kysely);
  const quarters = new Map<string, typeof rows>();
  for (const r of rows) {
    const q = quarterOf(new Date(r.received_at as string).toISOString());
    quarters.set(q, [...(quarters.get(q) ?? []), r]);
  }
  return [...quarters].reverse().map(([quarter, cases]) => {
    const categories = new Map<string, number>();
    const outcomes = new Map<string, number>();
    const days: number[] = [];
    let appeals = 0;
    for (const c of cases) {
      tally(categories, CATEGORY_LABELS[c.category]);
      if (c.decided_at && c.outcome) {
        tally(outcomes, OUTCOME_LABELS[c.outcome]);
        days.push((Date.parse(c.decided_at) - Date.parse(c.received_at as string)) / DAY_MS);
      }
      if (c.appealed_at) appeals += 1;
    }
    return {
      quarter,
      received: publish(cases.length),
      byCategory: mergeSmallGroups(categories),
      decided: publish(days.length),
      medianDaysToDecision:
        days.length >= TRANSPARENCY_MIN_GROUP ? Math.round(median(days) * 10) / 10 : null,
      outcomes: mergeSmallGroups(outcomes),
      appeals: appeals === 0 ? 0 : publish(appeals),
    };
  });
}
