import { z } from 'zod';
import { getSetting, setSetting } from '../../infra/db/settings.js';
import type { Db } from '../../infra/db/database.js';
import { CaseError } from './cases.rules.js';

const KEY = 'cases.settings';

/** The process's clock, in days; owners change them at /admin/cases/settings. */
export interface CaseSettings {
  /** Received → acknowledged. */
  acknowledgeDays: number;
  /** The respondent's time to reply once told. */
  replyDays: number;
  /** Acknowledged → decision issued. */
  decisionDays: number;
  /** Decision → last day to appeal. */
  appealDays: number;
  /** Appeal lodged → ruling. */
  appealRulingDays: number;
  /** Closed → names and evidence removed. */
  retentionDays: number;
}

export const DEFAULT_SETTINGS: CaseSettings = {
  acknowledgeDays: 5,
  replyDays: 14,
  decisionDays: 42,
  appealDays: 14,
  appealRulingDays: 28,
  retentionDays: 730,
};

const days = (max: number) => z.coerce.number().int().min(1).max(max);
export const settingsSchema = z.object({
  acknowledgeDays: days(90),
  replyDays: days(90),
  decisionDays: days(365),
  appealDays: days(90),
  appealRulingDays: days(365),
  retentionDays: days(3650),
});

export async function getCaseSettings(db: Db): Promise<CaseSettings> {
  const raw = await getSetting(db, KEY);
  if (!raw) return DEFAULT_SETTINGS;
  const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...JSON.parse(raw) });
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function saveCaseSettings(
  db: Db,
  input: Record<string, string>,
): Promise<CaseSettings> {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CaseError(
      `${String(issue?.path[0] ?? 'A setting')}: a whole number of days, at least 1.`,
      400,
    );
  }
  await setSetting(db, KEY, JSON.stringify(parsed.data));
  return parsed.data;
}
