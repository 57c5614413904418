import { nowIso } from '../../infra/db/database.js';
import type { Services } from '../../infra/services.js';
import { getTargetList, listTargets } from '../targets/targets.service.js';
import { isoToLondonInput } from '../../infra/clock/london-time.js';
import * as repo from './storms.repository.js';
import { changeStatus, createStorm } from './storms.service.js';
import type { StormPlatform } from './storms.tables.js';

/** MPs with an X handle named in the demo storms. */
const DEMO_TARGETS = 3;

const VARIANTS = [
  'Libraries are where children learn to read, where people look for work and where everyone is welcome. Fund every public library so none has to close.',
  'My local library is a warm room, free books, a computer and a friendly face. Please keep our libraries open.',
  'Every library that closes takes books, computers and a safe space away from our community. We ask you to fund them properly.',
];

function londonInput(date: Date, time: string): string {
  return `${isoToLondonInput(date.toISOString()).slice(0, 10)}T${time}`;
}

async function demoTargets(services: Services): Promise<{ listId: string; ids: string[] }> {
  const list = await getTargetList(services.db, 'uk-commons');
  if (!list) return { listId: '', ids: [] };
  const { targets } = await listTargets(services.db, list.id, { pageSize: 200 });
  const ids = targets
    .filter((t) => t.twitter)
    .slice(0, DEMO_TARGETS)
    .map((t) => String(t.id));
  return { listId: String(list.id), ids };
}

/**
 * The demo campaign's storms: one tomorrow evening, and one a week ago with posts, so the
 * report has something to show.
 */
export async function seedStormsDemo(services: Services): Promise<void> {
  const ctx = services;
  // Loading the demo twice adds nothing the second time.
  if (await repo.findStormBySlug(services.db.kysely, 'save-our-libraries')) return;
  const { listId, ids } = await demoTargets(services);
  const now = Date.now();
  const tomorrow = new Date(now + 86_400_000);
  const upcoming = await createStorm(
    ctx,
    {
      title: 'Save our libraries: evening storm',
      slug: 'save-our-libraries',
      description:
        'Tomorrow evening, for one hour, we all post about our libraries at once, so MPs cannot miss it.\n\nPick a suggestion, make it your own, post it, then tell us you did.',
      startsAt: londonInput(tomorrow, '19:00'),
      endsAt: londonInput(tomorrow, '20:00'),
      hashtag: '#SaveOurLibraries',
      linkUrl: `${services.config.baseUrl}/p/keep-our-libraries-open`,
      targetListId: listId,
      targetIds: ids,
      handles: '',
      variants: VARIANTS,
    },
    null,
  );
  const weekAgo = new Date(now - 7 * 86_400_000);
  const past = await createStorm(
    ctx,
    {
      title: 'Library week storm',
      slug: 'library-week-storm',
      description: 'Our first storm, in library week.',
      startsAt: londonInput(weekAgo, '12:00'),
      endsAt: londonInput(weekAgo, '13:00'),
      hashtag: '#LibraryWeek',
      linkUrl: '',
      targetListId: listId,
      targetIds: ids.slice(0, 1),
      handles: '',
      variants: VARIANTS.slice(0, 2),
    },
    null,
  );
  if (!upcoming.ok || !past.ok)
    throw new Error(
      `demo storms did not validate: ${JSON.stringify(upcoming.ok ? {} : upcoming.errors)} ${JSON.stringify(past.ok ? {} : past.errors)}`,
    );
  await changeStatus(ctx, { storm: upcoming.record, action: 'publish' }, null);
  await changeStatus(ctx, { storm: past.record, action: 'publish' }, null);

  // A storm's usual shape: a rush in the first minutes, then a long tail.
  const start = Date.parse(past.record.starts_at);
  const platforms: StormPlatform[] = ['x', 'x', 'bluesky', 'mastodon', 'x', 'facebook', 'bluesky'];
  const createdAt = nowIso();
  await services.db.kysely.transaction().execute(async (trx) => {
    let n = 0;
    for (let minute = 0; minute < 60; minute++) {
      const posts = Math.round(14 * Math.exp(-minute / 12)) + (minute % 7 === 0 ? 1 : 0);
      for (let i = 0; i < posts; i++, n++)
        await repo.insertPost(trx, {
          storm_id: past.record.id,
          variant: 1 + (n % 2),
          platform: platforms[n % platforms.length] ?? 'x',
          edited: n % 5 === 0 ? 1 : 0,
          participant_key: `demo-${n % 97}`,
          posted_minute: Math.floor(start / 60_000) + minute,
          email: null,
          consent_wording: null,
          person_id: null,
          confirmed_at: null,
          created_at: createdAt,
        });
    }
  });
}
