/**
 * The guard a campaign runs with: the committed model and rules, with the thresholds the
 * campaign chose (kept in the settings table, edited on /admin/civility). Every feature that
 * publishes or sends text calls `campaignGuard(db)` and nothing else reads thresholds.
 */
import { LoadingCache } from '../../infra/cache/ttl-cache.js';
import { getSetting, setSetting } from '../../infra/db/settings.js';
import type { Db } from '../../infra/db/database.js';
import { type Actor, type ServiceContext, actorId } from '../../infra/service-context.js';
import { CIVILITY_CONFIG, type CivilityThresholds, withThresholds } from './civility.config.js';
import {
  type CivilityCalibration,
  type CivilityGuard,
  createCivilityGuard,
} from './civility.service.js';
import './civility.tables.js';
import { CivilityModel } from './model.js';

const THRESHOLDS_KEY = 'civility.thresholds';

let model: CivilityModel | undefined;
/** Other processes (a separate worker, a second server) pick up changed thresholds this soon. */
export const THRESHOLDS_REFRESH_MS = 30_000;
/**
 * Per database (tests open many), one guard: shared by concurrent first callers, and a failed
 * settings read is not kept, so the next call tries again rather than failing for 30 s.
 */
const guards = new WeakMap<Db, LoadingCache<CivilityGuard>>();
const GUARD_KEY = 'guard';

function guardCacheOf(db: Db): LoadingCache<CivilityGuard> {
  let cache = guards.get(db);
  if (!cache) {
    cache = new LoadingCache(THRESHOLDS_REFRESH_MS, () => loadGuard(db), { max: 1 });
    guards.set(db, cache);
  }
  return cache;
}

function guardWith(
  thresholds: CivilityThresholds,
  calibration?: CivilityCalibration,
): CivilityGuard {
  model ??= CivilityModel.load();
  return createCivilityGuard({
    config: withThresholds(thresholds),
    model,
    ...(calibration ? { calibration } : {}),
  });
}

/** The calibration in force: the newest one learnt from moderators and not rolled back. */
export async function activeCalibration(
  db: Db,
): Promise<(CivilityCalibration & { id: number }) | undefined> {
  const row = await db.kysely
    .selectFrom('civility_calibrations')
    .select(['id', 'slope', 'intercept'])
    .where('rolled_back_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? { id: row.id, slope: row.slope, intercept: row.intercept } : undefined;
}

/** The campaign's guard built afresh (after a calibration is learnt or rolled back). */
export async function reloadCampaignGuard(db: Db): Promise<CivilityGuard> {
  const guard = await loadGuard(db);
  guardCacheOf(db).set(GUARD_KEY, guard);
  return guard;
}

async function loadGuard(db: Db): Promise<CivilityGuard> {
  const stored = await getSetting(db, THRESHOLDS_KEY);
  let thresholds = CIVILITY_CONFIG.thresholds;
  if (stored) {
    try {
      thresholds = withThresholds(JSON.parse(stored) as Partial<CivilityThresholds>).thresholds;
    } catch {
      // A hand-edited, invalid setting falls back to the defaults rather than stopping the site.
    }
  }
  const calibration = await activeCalibration(db);
  return guardWith(
    thresholds,
    calibration && { slope: calibration.slope, intercept: calibration.intercept },
  );
}

/** The campaign's guard: loaded per database, re-read every THRESHOLDS_REFRESH_MS. */
export async function campaignGuard(db: Db): Promise<CivilityGuard> {
  // loadGuard always returns a guard; the cache's type also allows "nothing found".
  return (await guardCacheOf(db).get(GUARD_KEY)) ?? loadGuard(db);
}

/**
 * Validates (0 ≤ review ≤ block ≤ 1), stores and applies new thresholds at once, and notes the
 * change, before and after, in the audit log.
 */
export async function saveCampaignThresholds(
  ctx: Pick<ServiceContext, 'db' | 'audit'>,
  thresholds: CivilityThresholds,
  actor: Actor,
): Promise<CivilityThresholds> {
  const current = await campaignGuard(ctx.db);
  const before = { ...current.config.thresholds, calibration: current.calibration };
  const valid = withThresholds(thresholds).thresholds;
  await setSetting(ctx.db, THRESHOLDS_KEY, JSON.stringify(valid));
  guardCacheOf(ctx.db).set(GUARD_KEY, guardWith(valid, before.calibration));
  await ctx.audit.record({
    actorUserId: actorId(actor),
    action: 'civility.thresholds',
    subjectType: 'civility',
    details: { before: current.config.thresholds, after: valid },
  });
  return valid;
}
