import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { TestClient } from '../../../test/helpers/test-client.js';
import { Worker } from '../../infra/jobs/worker.js';
import type { Services } from '../../infra/services.js';
import type { OutboxRow } from '../../infra/mail/outbox.repository.js';
import { createCivilityGuard } from '../civility/civility.service.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { TARGET_FIELDS } from '../targets/targets.rules.js';
import {
  type Target,
  findTargetsByDivision,
  getTarget,
  getTargetList,
  updateTarget,
} from '../targets/targets.service.js';
import { UK_COMMONS_SLUG, loadUkCommons } from '../targets/uk-commons.service.js';
import { changeCampaignStatus, createCampaign } from './campaigns.service.js';
import type { CampaignRow } from './letters.repository.js';
import type { CampaignForm, LetterForm } from './letters.rules.js';
import { emptyForm } from './letters.admin.views.js';
import { giveDemoEmails } from './letters.seed.js';

export interface Mps {
  listId: number;
  /** Lucy Powell, Manchester Central (M1 1AE lies wholly in it), with a demo email. */
  manchester: Target;
  /** Chi Onwurah, Newcastle upon Tyne Central, with a demo email. */
  newcastle: Target;
  /** An MP with no email, as the shipped data has them. */
  noEmail: Target;
}

async function mpFor(app: FastifyInstance, listId: number, postcode: string): Promise<Target> {
  const directory = await getConstituencyDirectory(app.services.db);
  const lookup = directory.lookupPostcode(postcode);
  if (lookup.status !== 'found') throw new Error(`no constituency for ${postcode}`);
  const [contact] = await findTargetsByDivision(
    app.services.db,
    UK_COMMONS_SLUG,
    lookup.candidates[0]!.code,
  );
  const target = contact ? await getTarget(app.services.db, listId, contact.id) : undefined;
  if (!target) throw new Error(`no MP for ${postcode}`);
  return target;
}

/** The 650 MPs, with example.org emails on a few (as the demo has). */
export async function loadMps(app: FastifyInstance): Promise<Mps> {
  const { db } = app.services;
  await loadUkCommons(app.services);
  const list = await getTargetList(db, UK_COMMONS_SLUG);
  if (!list) throw new Error('uk-commons not loaded');
  await giveDemoEmails(app.services, list.id);
  return {
    listId: list.id,
    manchester: await mpFor(app, list.id, 'M1 1AE'),
    newcastle: await mpFor(app, list.id, 'NE1 4ST'),
    noEmail: await mpFor(app, list.id, 'SW1A 1AA'),
  };
}

export async function setTargetEmail(
  app: FastifyInstance,
  listId: number,
  target: Target,
  email: string | null,
): Promise<void> {
  const input = Object.fromEntries(TARGET_FIELDS.map((f) => [f, target[f]]));
  const saved = await updateTarget(
    app.services,
    { listId, id: target.id, fields: { ...input, email } },
    null,
  );
  if (!saved.ok) throw new Error('could not set the target email');
}

/** The services with their clock stopped at `now`: what a service does at that moment. */
export function at(services: Services, now: Date): Services {
  return { ...services, clock: { now: () => now } };
}

let campaignCounter = 0;

export const BRIEF =
  'Branch libraries are closing because councils cannot afford them. Ask your MP to press the government for a funding settlement that keeps every library open.';
export const POINTS = [
  'What your local library means to you and your family',
  'Ask them to press for a funding settlement for libraries',
];

/** An open campaign over the uk-commons list (with the given settings). */
export async function openCampaign(
  app: FastifyInstance,
  listId: number,
  overrides: Partial<CampaignForm> = {},
): Promise<CampaignRow> {
  campaignCounter++;
  const ctx = app.services;
  const created = await createCampaign(
    ctx,
    {
      ...emptyForm(),
      title: `Fund our libraries ${campaignCounter}`,
      slug: `libraries-${campaignCounter}-${Math.random().toString(36).slice(2, 6)}`,
      targetListId: String(listId),
      brief: BRIEF,
      points: POINTS.join('\n'),
      subject: 'Please keep our library open',
      minOwnWords: '20',
      minOwnPercent: '50',
      ...overrides,
    },
    null,
  );
  if (!created.ok) throw new Error(`campaign invalid: ${JSON.stringify(created.errors)}`);
  await changeCampaignStatus(ctx, { campaign: created.record, action: 'open' }, null);
  return { ...created.record, status: 'open' };
}

const VOCABULARY = (
  'library reading children volunteers town council hours books computers winter warm quiet ' +
  'study homework exams job application printing story club grandmother bus route shelves ' +
  'newspapers local history archive maps evening weekend opening closing staff ' +
  'friendly welcome community room group meeting knitting chess language class english ' +
  'refugees families toddlers rhyme time music school holidays summer challenge reading ' +
  'prize teenagers safe space revision internet access benefits forms pension advice help ' +
  'neighbours lonely older people coffee morning talk author visit photography exhibition ' +
  'building roof repairs heating budget cuts funding settlement government promise election ' +
  'constituency street corner market square park station church hall allotment'
).split(/\s+/);

let letterCounter = 0;
const guard = createCivilityGuard();
const OWN_WORDS_ATTEMPTS = 1000;

function shuffled(words: number, seed: number): string {
  let state = (seed * 7919) % 2 ** 31 || 1;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(VOCABULARY[next() % VOCABULARY.length] as string);
  return `${out.join(' ')}.`;
}

/**
 * A letter of `words` words no other call returns, shuffled from a civil vocabulary. The model
 * finds some word salads suspect, so a shuffle the guard would not allow is skipped: tests that
 * want a refusal add their own words.
 */
export function ownWords(words = 60): string {
  // A retrained model that allowed no shuffle would otherwise hang every letters test.
  for (let attempt = 0; attempt < OWN_WORDS_ATTEMPTS; attempt++) {
    const text = shuffled(words, ++letterCounter);
    if (guard.assess(`Please keep our library open\n\n${text}`).decision === 'allow') return text;
  }
  throw new Error(`the civility guard allowed none of ${OWN_WORDS_ATTEMPTS} civil word shuffles`);
}

export function letterForm(
  target: Pick<Target, 'id'>,
  fields: Partial<LetterForm> = {},
): LetterForm {
  return {
    name: 'Ada Lovelace',
    email: 'ada@example.org',
    postcode: 'M1 1AE',
    address: '1 Market Street',
    subject: 'Please keep our library open',
    body: ownWords(),
    targetId: String(target.id),
    consent: false,
    followUp: true,
    ...fields,
  };
}

export function formBody(form: LetterForm): Record<string, string> {
  const { consent, followUp, ...rest } = form;
  return { ...rest, ...(consent ? { consent: '1' } : {}), ...(followUp ? { followUp: '1' } : {}) };
}

let ipCounter = 0;

/** A visitor with their own IP address, so per-IP limits do not interfere between tests. */
export function visitor(app: FastifyInstance): TestClient {
  ipCounter++;
  return new TestClient(app, {
    remoteAddress: `198.51.${(ipCounter >> 8) & 255}.${ipCounter & 255}`,
  });
}

export function runJobs(app: FastifyInstance, now?: Date): Promise<number> {
  return new Worker(app.services.jobs, now ? { now: () => now } : {}).runUntilIdle();
}

/** Messages in the outbox, oldest first, optionally only one category. */
export function outbox(app: FastifyInstance, category?: string): Promise<OutboxRow[]> {
  let q = app.services.db.kysely.selectFrom('mail_outbox').selectAll().orderBy('id');
  if (category) q = q.where('category', '=', category);
  return q.execute();
}

/** The token in the latest mail of this category to this address. */
export async function tokenFromMail(
  app: FastifyInstance,
  category: string,
  to: string,
): Promise<string> {
  const mails = (await outbox(app, category)).filter((m) => m.to_address.includes(to));
  const text = mails[mails.length - 1]?.text_body ?? '';
  const match = /\/(?:confirm|follow-up)\/([A-Za-z0-9_-]{20,64})/.exec(text);
  if (!match?.[1]) throw new Error(`no ${category} link to ${to}`);
  return match[1];
}

/** A real SMTP server on a free loopback port that keeps what it receives. */
export class SmtpPeer {
  readonly received: { envelope: string[]; raw: Buffer }[] = [];
  rejectRecipients: string | undefined;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (_address, _session, callback) => {
      if (!this.rejectRecipients) return callback();
      callback(Object.assign(new Error(this.rejectRecipients), { responseCode: 550 }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        this.received.push({
          envelope: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(resolve));
  }
}

/** "Name <address>" for each address in a parsed header. */
export const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  [a ?? []]
    .flat()
    .flatMap((x) => x.value)
    .map((v) => (v.name ? `${v.name} <${v.address}>` : v.address));
