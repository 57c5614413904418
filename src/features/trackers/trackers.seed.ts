import type { Services } from '../../infra/services.js';
import { getTargetList, listParties } from '../targets/targets.service.js';
import { DEFAULT_STATUSES } from './trackers.rules.js';
import { changeStatus, createTracker, loadBoard } from './trackers.service.js';

export const DEMO_TRACKER_SLUG = 'libraries-champion-nominations';
/**
 * The letters demo's write-to-your-MP campaign (seeded before this one): "contact them" leads
 * there with the MP chosen.
 */
const DEMO_LETTER_SLUG = 'fund-our-libraries';
const DEMO_STORM_SLUG = 'save-our-libraries';
/** One party's MPs: the demo's nomination drive. */
const DEMO_PARTIES = ['Labour', 'Labour (Co-op)'];
const DEMO_THRESHOLD = 35;
const HOUR_MS = 3_600_000;
/** The seeded changes, in order: most nominations, some pledges, a few holdouts. */
const DEMO_CHANGES: string[] = [
  ...Array<string>(12).fill('nominated'),
  ...Array<string>(4).fill('pledged'),
  'undecided',
  'undecided',
  'declined',
  'declined',
];

/**
 * The demo campaign's nomination drive over the Labour MPs of the uk-commons list (loaded by
 * the targets demo), with twenty status changes over the past few days.
 */
export async function seedTrackersDemo(services: Services): Promise<void> {
  const { db } = services;
  const list = await getTargetList(db, 'uk-commons');
  if (!list) return;
  const known = new Set(await listParties(db, list.id));
  const parties = DEMO_PARTIES.filter((p) => known.has(p));
  if (!parties.length) return;
  const created = await createTracker(
    services,
    {
      title: 'Nominate a libraries champion',
      slug: DEMO_TRACKER_SLUG,
      description:
        'Candidates for the party’s shadow culture post need 35 nominations from its MPs by the end of the month.\n\nWe are asking every Labour MP to nominate a candidate who will fund every public library. Check where your MP stands, then write to them.',
      targetListId: String(list.id),
      parties,
      statuses: DEFAULT_STATUSES.join('\n'),
      countingStatuses: 'nominated',
      initialStatus: 'no reply',
      countNoun: 'nominations',
      threshold: String(DEMO_THRESHOLD),
      letterSlug: DEMO_LETTER_SLUG,
      stormSlug: DEMO_STORM_SLUG,
      published: true,
    },
    null,
  );
  if (!created.ok)
    throw new Error(`demo tracker did not validate: ${JSON.stringify(created.errors)}`);
  const tracker = created.record;
  const board = await loadBoard(services, tracker);
  // Spread across the board (not just the first names alphabetically), oldest change first.
  const step = Math.max(1, Math.floor(board.entries.length / DEMO_CHANGES.length));
  const start = services.clock.now().getTime() - DEMO_CHANGES.length * 6 * HOUR_MS;
  for (const [i, status] of DEMO_CHANGES.entries()) {
    const entry = board.entries[(i * step) % board.entries.length];
    if (!entry) continue;
    const result = await changeStatus(
      services,
      {
        tracker,
        targetId: entry.targetId,
        change: {
          status,
          evidenceUrl: `https://example.org/nominations/${entry.targetId}`,
          note: status === 'pledged' ? 'Said so at the constituency meeting.' : '',
          changedAt: new Date(start + i * 6 * HOUR_MS).toISOString(),
        },
        source: 'demo',
      },
      null,
    );
    if (!result.ok) throw new Error('demo tracker change did not validate');
  }
}
