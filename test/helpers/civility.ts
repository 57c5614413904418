/**
 * Texts and thresholds for feature tests that go through the civility guard. The trained model
 * is retrained from time to time and may score any borderline text differently, so a feature test
 * never relies on its score: a text to be blocked trips a rule (rules.ts) that scores above every
 * model score, and a text to be held is posted while the campaign holds everything the rules do
 * not block. civility-texts.test.ts proves both with a model that says "offensive" to everything
 * and one that says it to nothing.
 */
import { AuditLog } from '../../src/infra/audit/audit-log.js';
import type { Db } from '../../src/infra/db/database.js';
import {
  campaignGuard,
  saveCampaignThresholds,
} from '../../src/features/civility/campaign-guard.service.js';
import type { CivilityThresholds } from '../../src/features/civility/civility.config.js';

/** A threat: blocked by the threat rule (score 0.97), whatever the model says. */
export const THREAT = 'I will hurt you.';
/** The words of THREAT the guard marks, with the label it gives them. */
export const THREAT_WORDS = 'I will hurt you';
export const THREAT_LABEL = 'threat';

/**
 * An insult aimed at a third party: the insult rule marks its words whatever the model says, and
 * it is not a threat, so under HOLD_FOR_REVIEW it is held rather than blocked.
 */
export const THIRD_PARTY_INSULT = 'They are idiots.';
export const THIRD_PARTY_INSULT_WORDS = 'They are idiots';

/**
 * Every text lands in review (every score is ≥ 0) and none is blocked (no rule scores 1), so a
 * test of holding does not depend on where the model puts a text.
 */
export const HOLD_FOR_REVIEW: CivilityThresholds = { review: 0, block: 1 };

/** Runs `fn` with the campaign's civility thresholds set to `thresholds`, then puts them back. */
export async function withCivilityThresholds<T>(
  db: Db,
  thresholds: CivilityThresholds,
  fn: () => Promise<T>,
): Promise<T> {
  const before = (await campaignGuard(db)).config.thresholds;
  const ctx = { db, audit: new AuditLog(db) };
  await saveCampaignThresholds(ctx, thresholds, null);
  try {
    return await fn();
  } finally {
    await saveCampaignThresholds(ctx, before, null);
  }
}
