import { isoToLondonInput } from '../../infra/clock/london-time.js';
import type { Services } from '../../infra/services.js';
import { getPetitionBySlugForFeed } from '../petitions/petitions-feed.service.js';
import { getStormBySlug } from '../storms/storms.service.js';
import { type ReachForm, type ReachSubject, reachReport, recordReach } from './reach.service.js';

type Seed = Omit<ReachForm, 'occurredAt'> & { minutesAfter: number };

/** What the seed campaign kept by hand: who posted the library-week storm, who shared the petition. */
const STORM: Seed[] = [
  { platform: 'x', handle: '@ReadingRosa', followers: '2400', kind: 'post', minutesAfter: 2 },
  { platform: 'x', handle: '@leedslibfriends', followers: '5100', kind: 'post', minutesAfter: 3 },
  {
    platform: 'bluesky',
    handle: 'rosa.bsky.social',
    followers: '830',
    kind: 'post',
    minutesAfter: 5,
  },
  {
    platform: 'mastodon',
    handle: '@shelfie@mastodon.social',
    followers: '410',
    kind: 'post',
    minutesAfter: 9,
  },
  { platform: 'x', handle: '@PudseyParent', followers: '190', kind: 'share', minutesAfter: 14 },
  {
    platform: 'facebook',
    handle: 'https://facebook.com/pudseylibrary',
    followers: '3300',
    kind: 'share',
    minutesAfter: 40,
  },
  {
    platform: 'x',
    handle: 'https://x.com/ReadingRosa',
    followers: '2450',
    kind: 'share',
    minutesAfter: 1500,
  },
];
const PETITION: Seed[] = [
  {
    platform: 'facebook',
    handle: 'https://facebook.com/pudseylibrary',
    followers: '3300',
    kind: 'share',
    minutesAfter: 0,
  },
  { platform: 'x', handle: '@leedslibfriends', followers: '5100', kind: 'share', minutesAfter: 60 },
  {
    platform: 'bluesky',
    handle: 'bookgroup.bsky.social',
    followers: '260',
    kind: 'share',
    minutesAfter: 1440,
  },
  {
    platform: 'instagram',
    handle: '@storytime_ls28',
    followers: '1200',
    kind: 'post',
    minutesAfter: 2900,
  },
];

async function seed(services: Services, subject: ReachSubject, from: number, rows: Seed[]) {
  if ((await reachReport(services, subject)).records.length > 0) return;
  const now = services.clock.now().getTime();
  for (const { minutesAfter, ...form } of rows) {
    const at = Math.min(from + minutesAfter * 60_000, now);
    const saved = await recordReach(
      services,
      subject,
      { ...form, occurredAt: isoToLondonInput(new Date(at).toISOString()) },
      null,
    );
    if (!saved.ok) throw new Error(`demo reach did not validate: ${JSON.stringify(saved.errors)}`);
  }
}

export async function seedReachDemo(services: Services): Promise<void> {
  const storm = await getStormBySlug(services, 'library-week-storm');
  if (storm)
    await seed(
      services,
      { type: 'storm', id: storm.id, title: storm.title, href: '' },
      Date.parse(storm.starts_at),
      STORM,
    );
  const petition = await getPetitionBySlugForFeed(services, 'keep-our-libraries-open');
  if (petition)
    await seed(
      services,
      { type: 'petition', id: petition.id, title: petition.title, href: '' },
      services.clock.now().getTime() - 4 * 86_400_000,
      PETITION,
    );
}
