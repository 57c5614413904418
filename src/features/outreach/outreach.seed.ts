import type { Services } from '../../infra/services.js';
import { findPersonByEmail, upsertPerson } from '../people/people.service.js';
import * as repo from './outreach.repository.js';
import { sendRequest } from './outreach.request.js';
import { closeCase, recordCase } from './outreach.service.js';

const DAY_MS = 86_400_000;
/** Who the demo's requests are signed by (no staff member: Rally itself acts). */
const DEMO_SIGNATURE = 'The moderation team';

/** Handles for two of the people demo's supporters, so handle matching has something to find. */
const DEMO_HANDLES: [string, Record<string, string>][] = [
  ['amira.hassan@example.org', { twitter: '@amira_h' }],
  ['ben.okafor@example.org', { bluesky: 'https://bsky.app/profile/benokafor.bsky.social' }],
];

interface DemoCase {
  postUrl: string;
  handle: string;
  email: string;
  postText: string;
  /** How long ago it was recorded. */
  daysAgo: number;
  then: 'sent' | 'removed' | 'no_response' | 'leave';
}

const DEMO_CASES: DemoCase[] = [
  {
    postUrl: 'https://bsky.app/profile/benokafor.bsky.social/post/3kdemo1',
    handle: '',
    email: '',
    postText: 'The council leader is a pathetic liar and a disgrace. Absolute scum.',
    daysAgo: 95,
    then: 'removed',
  },
  {
    postUrl: 'https://www.instagram.com/p/DEMO2/',
    handle: '',
    email: 'grace.adeyemi@example.org',
    postText: 'What a stupid bunch of losers running this council. Shut up, you idiots.',
    daysAgo: 60,
    then: 'no_response',
  },
  {
    postUrl: 'https://x.com/amira_h/status/1800000000000000001',
    handle: '@amira_h',
    email: '',
    postText: 'Anyone who votes against the library fund is a spineless idiot. Resign, you clowns.',
    daysAgo: 40,
    then: 'sent',
  },
  {
    postUrl: 'https://x.com/amira_h/status/1800000000000000002',
    handle: '',
    email: '',
    postText: 'Tories are vermin and should be wiped out. Every last one.',
    daysAgo: 3,
    then: 'leave',
  },
  {
    postUrl: 'https://x.com/library_rage/status/1800000000000000003',
    handle: '',
    email: '',
    postText: 'You are all brainless morons and nobody wants you here.',
    daysAgo: 1,
    then: 'leave',
  },
];

function daysAgo(days: number, nowMs: number): string {
  return new Date(nowMs - days * DAY_MS).toISOString();
}

/**
 * A few cases so the list and the dashboard have something to show: one removed, one without
 * response, one sent, a repeat by the same supporter, and one nobody could be matched to.
 */
export async function seedOutreachDemo(services: Services): Promise<void> {
  const { db } = services;
  for (const [email, customFields] of DEMO_HANDLES)
    if (await findPersonByEmail(db, email))
      await upsertPerson(db, { email, customFields, source: 'demo' });

  const nowMs = services.clock.now().getTime();
  for (const demo of DEMO_CASES) {
    const recorded = await recordCase(
      services,
      {
        form: { ...demo, platform: '', postedOn: daysAgo(demo.daysAgo + 1, nowMs).slice(0, 10) },
        source: 'form',
      },
      null,
    );
    if (!recorded.ok) continue;
    const id = recorded.caseId;
    if (demo.then !== 'leave' && (recorded.status === 'new' || recorded.status === 'repeat')) {
      const sent = await sendRequest(services, { caseId: id, signedBy: DEMO_SIGNATURE }, null);
      if (sent.ok && demo.then !== 'sent')
        await closeCase(services, { caseId: id, action: demo.then }, null);
    }
    // Spread the story over the past months, so the dashboard's chart has a shape.
    await repo.backdateCase(db.kysely, id, (iso) =>
      daysAgo(demo.daysAgo - (Date.parse(iso) - nowMs) / DAY_MS, nowMs),
    );
  }
}
