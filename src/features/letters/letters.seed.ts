import { nowIso } from '../../infra/db/database.js';
import type { Services } from '../../infra/services.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { TARGET_FIELDS } from '../targets/targets.service.js';
import {
  findTargetsByDivision,
  getTarget,
  getTargetList,
  updateTarget,
} from '../targets/targets.service.js';
import { UK_COMMONS_SLUG } from '../targets/uk-commons.service.js';
import { changeCampaignStatus, createCampaign } from './campaigns.service.js';
import * as repo from './letters.repository.js';
import type { CampaignRow } from './letters.repository.js';
import { briefFingerprint, originalityColumns } from './letters.service.js';
import type { LetterStatus, ReplyAnswer } from './letters.tables.js';
import { assessOriginality } from './similarity.js';

/**
 * Postcodes whose MPs get a demo email address, so the demo can deliver letters (into the outbox,
 * with no SMTP_URL). The addresses are at example.org: never anyone's real address. Every other
 * MP has none, as in the shipped data, which shows the "no email: send it yourself" path.
 */
export const DEMO_EMAIL_POSTCODES = [
  'LS28 5AB',
  'M1 1AE',
  'CF10 1EP',
  'B1 1BB',
  'EH1 1YZ',
  'NE1 4ST',
];

export function demoEmailFor(constituencyName: string): string {
  const local = constituencyName
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
  return `mp.${local}@example.org`;
}

const DEMO_LETTERS: {
  name: string;
  postcode: string;
  status: LetterStatus;
  reply: ReplyAnswer | null;
  subject: string;
  body: string;
}[] = [
  {
    name: 'Amara Okafor',
    postcode: 'LS28 5AB',
    status: 'sent',
    reply: 'yes',
    subject: 'Our library in Pudsey',
    body: 'I take my two sons to the library every Saturday morning. The older one learnt to read there, with the help of a volunteer called Jean who has run the story club for eleven years. Since the opening hours were cut we can only go on one day, and the queue for the two computers goes out of the door. I would like to know what you will do to make sure the library is properly funded next year, and whether you will visit it to see how busy it is.',
  },
  {
    name: 'Ben Hughes',
    postcode: 'M1 1AE',
    status: 'sent',
    reply: 'no',
    subject: 'Central library opening hours',
    body: 'I was out of work for most of last year and the library was where I wrote every job application, because I do not have a laptop or broadband at home. The staff showed me how to upload my CV and helped me practise for interviews. I now have a job, and I do not think I would have without that help. Please support proper funding for libraries so that the next person in my position has the same chance I had.',
  },
  {
    name: 'Catrin Jones',
    postcode: 'CF10 1EP',
    status: 'held',
    reply: null,
    subject: 'Stop the library cuts',
    body: 'The councillors who voted to close it? They are idiots, and I am sick of it. My mother is eighty-four and the large print books and the weekly coffee morning are the only reason she leaves the house some weeks. When the mobile library stopped coming to her street she lost that. I want you to press the government for a settlement that lets councils keep branch libraries open and bring the mobile service back.',
  },
];

export async function giveDemoEmails(services: Services, listId: number): Promise<void> {
  const { db } = services;
  const directory = await getConstituencyDirectory(db);
  for (const postcode of DEMO_EMAIL_POSTCODES) {
    const lookup = directory.lookupPostcode(postcode);
    const place = lookup.status === 'found' ? lookup.candidates[0] : undefined;
    if (!place) continue;
    for (const contact of await findTargetsByDivision(db, UK_COMMONS_SLUG, place.code)) {
      const target = await getTarget(db, listId, contact.id);
      if (!target || target.email) continue;
      const input = Object.fromEntries(TARGET_FIELDS.map((f) => [f, target[f]]));
      await updateTarget(
        services,
        { listId, id: target.id, fields: { ...input, email: demoEmailFor(place.name) } },
        null,
      );
    }
  }
}

async function seedLetters(services: Services, campaign: CampaignRow, listId: number) {
  const { db } = services;
  const directory = await getConstituencyDirectory(db);
  const brief = briefFingerprint(campaign);
  const now = nowIso();
  for (const demo of DEMO_LETTERS) {
    const lookup = directory.lookupPostcode(demo.postcode);
    const place = lookup.status === 'found' ? lookup.candidates[0] : undefined;
    const [contact] = place ? await findTargetsByDivision(db, UK_COMMONS_SLUG, place.code) : [];
    const target = contact ? await getTarget(db, listId, contact.id) : undefined;
    if (!target || !place) continue;
    const o = assessOriginality(demo.body, brief, []);
    const email = `${demo.name.split(' ')[0]?.toLowerCase()}@example.org`;
    const delivered = demo.status === 'sent';
    await repo.insertLetter(db.kysely, {
      campaign_id: campaign.id,
      target_id: target.id,
      target_name: target.name,
      target_email: delivered ? target.email : null,
      delivery: 'email',
      status: demo.status,
      sender_name: demo.name,
      sender_email: email,
      sender_postcode: demo.postcode,
      sender_address: null,
      constituency_code: place.code,
      subject: demo.subject,
      body: demo.body,
      ...originalityColumns(o),
      civility_score: demo.status === 'held' ? 0.7 : 0.1,
      civility_labels: demo.status === 'held' ? '["abuse"]' : '[]',
      needs_review: demo.status === 'held' ? 1 : 0,
      consent_wording: null,
      follow_up_wanted: 1,
      confirm_token_hash: null,
      last_mail_at: now,
      person_id: null,
      scheduled_for: delivered ? now : null,
      outbox_id: null,
      delivery_error: null,
      created_at: now,
      confirmed_at: now,
      delivered_at: delivered ? now : null,
      moderated_by: null,
      moderated_at: null,
      moderation_note: null,
      follow_up_token_hash: null,
      follow_up_sent_at: demo.reply ? now : null,
      reply: demo.reply,
      replied_at: demo.reply ? now : null,
    });
  }
}

/** The demo campaign's letter drive: write to your MP about libraries, with a few letters in. */
export async function seedLettersDemo(services: Services): Promise<void> {
  const list = await getTargetList(services.db, UK_COMMONS_SLUG);
  if (!list) return;
  await giveDemoEmails(services, list.id);
  const created = await createCampaign(
    services,
    {
      title: 'Write to your MP: fund our libraries',
      slug: 'fund-our-libraries',
      targetListId: String(list.id),
      brief:
        'Branch libraries are closing or cutting their hours because councils cannot afford them. We are asking every MP to press the government for a funding settlement that keeps them open.\n\nA short letter about what your library means to you, in your own words, does far more than any petition: MPs read letters from their own constituents.',
      points:
        'What your local library means to you or your family\nSomething you could not have done without it: a job, a course, a friendship\nWhat has changed since hours or services were cut\nAsk them to press for a funding settlement for libraries\nInvite them to visit your library',
      subject: 'Please help keep our library open',
      minOwnWords: '50',
      minOwnPercent: '60',
      reviewPolicy: 'hold',
      deliveryMode: 'email',
      hourlyLimit: '5',
      followUp: true,
    },
    null,
  );
  if (!created.ok)
    throw new Error(`demo letter campaign did not validate: ${JSON.stringify(created.errors)}`);
  await changeCampaignStatus(services, { campaign: created.record, action: 'open' }, null);
  await seedLetters(services, created.record, list.id);
}
