import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { recordConsent, upsertPerson } from '../people/people.service.js';
import { saveSegment } from '../people/segments.service.js';
import type { Services } from '../../infra/services.js';
import { MailingSender } from './sending.js';
import { NO_TEST_FIELDS, createMailing, getMailing, scheduleMailing } from './mailings.service.js';

const WORDING = 'Keep me updated about this campaign by email. I can unsubscribe at any time.';
/** Dulwich and West Norwood: a safe seat (the demo "HQ"). */
const HQ_POSTCODE = 'SE21 7AA';
/** Postcodes in seats won by under 2% in 2019. */
const MARGINAL_POSTCODES = ['W8 4PT', 'CH5 1AA', 'RM13 8AA', 'M45 6AA', 'AB38 9AA'];

const MAX_RUNS = 20;

async function sendNow(services: Services, sender: MailingSender, id: number): Promise<void> {
  const mailing = await getMailing(services, id);
  if (!mailing) return;
  const scheduled = await scheduleMailing(services, { mailing, when: '' }, null);
  if (!scheduled.ok) throw new Error(`demo mailing: ${scheduled.error}`);
  for (let i = 0; i < MAX_RUNS && (await getMailing(services, id))?.status !== 'sent'; i++)
    await sender.run(
      { mailingId: id },
      { jobId: 0, attempt: 1, maxAttempts: 1, reportProgress: async () => {} },
    );
}

/**
 * The seed story of the delivery audit: one mailing that went almost only to insiders at HQ, and
 * one that reached supporters in the target seats. Both are sent (kept in the database: the demo
 * has no SMTP server).
 */
export async function seedMailingsDemo(services: Services): Promise<void> {
  const { db } = services;
  if (!(await getConstituencyDirectory(db)).isLoaded()) await loadUkConstituencies(db);
  const person = async (email: string, first: string, postcode: string, tags: string[]) => {
    const { id } = await upsertPerson(db, {
      email,
      firstName: first,
      postcode,
      tags,
      source: 'demo',
    });
    await recordConsent(db, id, {
      channel: 'email',
      status: 'granted',
      method: 'form',
      wording: WORDING,
      source: 'demo',
    });
  };
  const insiderTags = ['staff', 'officer', 'donor'];
  for (let i = 0; i < 24; i++)
    await person(`hq${i + 1}@example.org`, `Insider${i + 1}`, HQ_POSTCODE, [
      insiderTags[i % 3]!,
      'hq-list',
    ]);
  for (let i = 0; i < 3; i++)
    await person(`friend${i + 1}@example.org`, `Friend${i + 1}`, HQ_POSTCODE, [
      'supporter',
      'hq-list',
    ]);
  for (let i = 0; i < 60; i++)
    await person(
      `supporter${i + 1}@example.org`,
      `Supporter${i + 1}`,
      MARGINAL_POSTCODES[i % MARGINAL_POSTCODES.length]!,
      ['supporter'],
    );

  const hq = await saveSegment(
    services,
    { name: 'Leader’s office mailing list', filters: { tag: 'hq-list' } },
    null,
  );
  const supporters = await saveSegment(
    services,
    { name: 'Supporters', filters: { tag: 'supporter' } },
    null,
  );
  const sender = new MailingSender(services);
  const base = {
    preheader: '',
    replyTo: '',
    excludeSegmentIds: [],
    clickTracking: false,
    ...NO_TEST_FIELDS,
    subjectVariants: [],
  };
  const insiders = await createMailing(
    services,
    {
      ...base,
      subject: 'Our national campaign is live',
      fromName: 'Campaign HQ',
      body: 'Dear {{first_name|colleague}},\n\nThe campaign is running nationwide. Thank you for your support.',
      segmentIds: [String(hq)],
    },
    null,
  );
  const healthy = await createMailing(
    services,
    {
      ...base,
      subject: 'Your MP can save the library: one email this week',
      fromName: 'Ada at Save Our Libraries',
      body: 'Hi {{first_name|friend}},\n\nThe library vote is this month. Please write to {{mp_name|your MP}} from our letters page: it takes two minutes.',
      segmentIds: [String(supporters)],
    },
    null,
  );
  if (insiders.ok) await sendNow(services, sender, insiders.id);
  if (healthy.ok) await sendNow(services, sender, healthy.id);
}
