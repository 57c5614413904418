import type { ServiceContext } from '../../infra/service-context.js';
import * as repo from './outreach.repository.js';
import type { CaseStatus } from './outreach.tables.js';

/** Months shown on the dashboard, the current one included. */
export const DASHBOARD_MONTHS = 12;

export interface Dashboard {
  byStatus: Record<CaseStatus, number>;
  total: number;
  sent: number;
  removed: number;
  repeats: number;
  /** removed ÷ sent, or null before any request was sent. */
  removalRate: number | null;
  months: repo.MonthCounts[];
}

/** The first day of the month `back` months before `now`'s, as an ISO timestamp. */
function monthStart(now: Date, back: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString();
}

export async function dashboard(ctx: Pick<ServiceContext, 'db' | 'clock'>): Promise<Dashboard> {
  const { db } = ctx;
  const now = ctx.clock.now();
  const counts = await repo.countByStatus(db.kysely);
  const byStatus: Record<CaseStatus, number> = {
    unmatched: counts.unmatched ?? 0,
    new: counts.new ?? 0,
    repeat: counts.repeat ?? 0,
    sent: counts.sent ?? 0,
    removed: counts.removed ?? 0,
    no_response: counts.no_response ?? 0,
  };
  const { sent, repeats } = await repo.countSentAndRepeats(db.kysely);
  const found = await repo.countsByMonth(
    db.kysely,
    db.dialect,
    monthStart(now, DASHBOARD_MONTHS - 1),
  );
  const months: repo.MonthCounts[] = [];
  for (let back = DASHBOARD_MONTHS - 1; back >= 0; back--) {
    const month = monthStart(now, back).slice(0, 7);
    months.push(found.find((m) => m.month === month) ?? { month, opened: 0, sent: 0, removed: 0 });
  }
  return {
    byStatus,
    total: Object.values(byStatus).reduce((a, b) => a + b, 0),
    sent,
    removed: byStatus.removed,
    repeats,
    removalRate: sent ? byStatus.removed / sent : null,
    months,
  };
}
