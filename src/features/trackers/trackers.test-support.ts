import { testConfig } from '../../config.js';
import type { Db } from '../../infra/db/database.js';
import { createServices } from '../../infra/services.js';
import { createTarget, createTargetList } from '../targets/targets.service.js';
import type { TrackerForm } from './trackers.rules.js';
import { DEFAULT_STATUSES } from './trackers.rules.js';

export interface TestTargets {
  listId: number;
  /** Target ids by first name. */
  ids: Record<string, number>;
}

/** MPs of three parties in three regions (the constituency codes are real 2019 ones). */
const PEOPLE = [
  ['Alice Able', 'Labour', 'E14000886', 'Pudsey', 'alice_able'],
  ['Bob Brown', 'Labour (Co-op)', 'E14000602', 'Bristol West', ''],
  ['Carol Chu', 'Conservative', 'W07000050', 'Cardiff Central', 'carolchu'],
  ['Dan Doe', 'Labour', 'E14000781', 'Leeds West', ''],
  ['Eve Evans', 'Green Party', 'E14000598', 'Brighton, Pavilion', ''],
] as const;

let lists = 0;

/** A fresh target list holding the PEOPLE above. */
export async function makeTargets(db: Db): Promise<TestTargets> {
  const ctx = createServices({ config: testConfig(), db });
  lists += 1;
  const list = await createTargetList(
    ctx,
    { name: `Test MPs ${lists}`, slug: `test-mps-${lists}-${process.pid}`, description: '' },
    null,
  );
  if (!list.ok) throw new Error('test list did not validate');
  const ids: Record<string, number> = {};
  for (const [name, party, code, division, twitter] of PEOPLE) {
    const created = await createTarget(
      ctx,
      {
        listId: list.list.id,
        fields: {
          name,
          role: 'MP',
          party,
          division_type: 'constituency',
          division_code: code,
          division_name: division,
          twitter,
          bluesky: name === 'Alice Able' ? 'alice.bsky.social' : '',
          mastodon: name === 'Alice Able' ? '@alice@mastodon.social' : '',
        },
      },
      null,
    );
    if (!created.ok) throw new Error(`test target ${name} did not validate`);
    ids[name.split(' ')[0] ?? name] = created.target.id;
  }
  return { listId: list.list.id, ids };
}

let slugs = 0;

/** A valid create form over the list (Labour and Labour (Co-op) unless told otherwise). */
export function trackerForm(listId: number, overrides: Partial<TrackerForm> = {}): TrackerForm {
  slugs += 1;
  return {
    title: 'Nominate our candidate',
    slug: `nominations-${slugs}`,
    description: 'We need 2 nominations.\n\nSee https://example.org/rules for the rules.',
    targetListId: String(listId),
    parties: ['Labour', 'Labour (Co-op)'],
    statuses: DEFAULT_STATUSES.join('\n'),
    countingStatuses: 'nominated',
    initialStatus: 'no reply',
    countNoun: 'nominations',
    threshold: '2',
    letterSlug: '',
    stormSlug: '',
    published: true,
    ...overrides,
  };
}
