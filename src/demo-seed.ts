import { FEATURES } from './features/index.js';
import { getSetting, setSetting } from './infra/db/settings.js';
import type { Services } from './infra/services.js';

const SEEDED_KEY = 'demo_seeded_at';

/** Every feature's part of the demo campaign, in feature order (targets before trackers…). */
export async function seedDemo(services: Services): Promise<string[]> {
  const seeded: string[] = [];
  for (const feature of FEATURES) {
    if (!feature.seedDemo) continue;
    await feature.seedDemo(services);
    seeded.push(feature.name);
  }
  await setSetting(services.db, SEEDED_KEY, new Date().toISOString());
  return seeded;
}

/** On the very first start only: never re-seeds a database that has been used. */
export async function seedDemoOnFirstStart(services: Services): Promise<string[] | null> {
  if (await getSetting(services.db, SEEDED_KEY)) return null;
  return seedDemo(services);
}
