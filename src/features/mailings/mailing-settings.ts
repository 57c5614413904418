import { z } from 'zod';
import { getSetting, setSetting } from '../../infra/db/settings.js';
import type { Db } from '../../infra/db/database.js';

/** Campaign-wide sending rules, edited on /admin/mailings/settings. */
export interface MailingSettings {
  /** At most this many mailings per person within `capDays` (0 turns the cap off). */
  capCount: number;
  capDays: number;
  /** Throttle: messages handed to SMTP per minute, across all mailings. */
  perMinute: number;
  /** Soft bounces (mailbox full, greylisting…) after which an address is suppressed. */
  softBounceLimit: number;
}

export const DEFAULT_SETTINGS: MailingSettings = {
  capCount: 3,
  capDays: 7,
  perMinute: 6_000,
  softBounceLimit: 3,
};

export const SETTINGS_LIMITS = {
  capCount: { min: 0, max: 100 },
  capDays: { min: 1, max: 90 },
  perMinute: { min: 1, max: 600_000 },
  softBounceLimit: { min: 1, max: 20 },
} as const;

const intIn = (label: string, k: keyof typeof SETTINGS_LIMITS) =>
  z.coerce
    .number({ error: `${label} must be a whole number.` })
    .int(`${label} must be a whole number.`)
    .min(SETTINGS_LIMITS[k].min, `${label} must be at least ${SETTINGS_LIMITS[k].min}.`)
    .max(SETTINGS_LIMITS[k].max, `${label} can be at most ${SETTINGS_LIMITS[k].max}.`);

export const SettingsSchema = z.object({
  capCount: intIn('The number of mailings', 'capCount'),
  capDays: intIn('The number of days', 'capDays'),
  perMinute: intIn('Messages per minute', 'perMinute'),
  softBounceLimit: intIn('Soft bounces', 'softBounceLimit'),
});

const KEY = 'mailings.settings';

export async function loadMailingSettings(db: Db): Promise<MailingSettings> {
  const stored = await getSetting(db, KEY);
  if (!stored) return DEFAULT_SETTINGS;
  try {
    const parsed = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...JSON.parse(stored) });
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export async function saveMailingSettings(db: Db, settings: MailingSettings): Promise<void> {
  await setSetting(db, KEY, JSON.stringify(SettingsSchema.parse(settings)));
}
