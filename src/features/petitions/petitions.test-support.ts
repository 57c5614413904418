import type { FastifyInstance } from 'fastify';
import { TestClient } from '../../../test/helpers/test-client.js';
import { getOrCreateSecret } from '../../infra/db/settings.js';
import { Worker } from '../../infra/jobs/worker.js';
import type { ServiceContext } from '../../infra/service-context.js';
import { FORM_SECRET_SETTING, MIN_FILL_MS, issueFormToken } from './form-token.js';
import type { PetitionForm } from './petitions.rules.js';
import { type PetitionRow, changeStatus, createPetition } from './petitions.service.js';

let ipCounter = 0;

/** A distinct visitor (own IP) for each signer, so per-IP limits do not interfere. */
export function visitor(app: FastifyInstance): TestClient {
  ipCounter++;
  return new TestClient(app, {
    remoteAddress: `203.0.${(ipCounter >> 8) & 255}.${ipCounter & 255}`,
  });
}

/** A form token issued long enough ago to pass the minimum-time check, as a real reader's is. */
export async function readerToken(app: FastifyInstance, petitionId: number): Promise<string> {
  const secret = await getOrCreateSecret(app.services.db, FORM_SECRET_SETTING);
  return issueFormToken(secret, petitionId, Date.now() - MIN_FILL_MS - 1000);
}

export async function runJobs(app: FastifyInstance): Promise<number> {
  return new Worker(app.services.jobs).runUntilIdle();
}

export async function signatureForm(
  app: FastifyInstance,
  petitionId: number,
  fields: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    ft: await readerToken(app, petitionId),
    name: 'Ada Lovelace',
    email: 'ada@example.org',
    postcode: 'LS28 5AB',
    ...fields,
  };
}

/** A published petition made through the service, for tests that start past the admin pages. */
export async function publishedPetition(
  ctx: ServiceContext,
  fields: Pick<PetitionForm, 'title' | 'slug'> & Partial<PetitionForm>,
): Promise<PetitionRow> {
  const created = await createPetition(
    ctx,
    {
      kind: 'petition',
      body: 'Revoke it.',
      goal: '1000',
      thankYou: '',
      deadline: '',
      customQuestion: '',
      eligibility: 'none',
      eligibilityLabel: '',
      shareText: '',
      targetListId: '',
      targetIds: [],
      ...fields,
    },
    null,
  );
  if (!created.ok) throw new Error(`petition not created: ${JSON.stringify(created.errors)}`);
  await changeStatus(ctx, { petition: created.record, action: 'publish' }, null);
  return created.record;
}

/** Sends the public signature form for this petition, from a new visitor unless one is given. */
export async function sign(
  app: FastifyInstance,
  petition: { id: number; slug: string },
  fields: Record<string, string> = {},
  client: TestClient = visitor(app),
) {
  return client.post(`/p/${petition.slug}/sign`, await signatureForm(app, petition.id, fields));
}

/** The confirmation link of the latest mail to this address, from the outbox. */
export async function confirmationLink(
  app: FastifyInstance,
  to: string,
): Promise<string | undefined> {
  const row = await app.services.db.kysely
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', to)
    .where('category', '=', 'petitions.confirm')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const match = row ? /https?:\/\/\S+\/confirm\/\S+/.exec(row.text_body) : null;
  return match?.[0];
}

/**
 * Opens a mailed confirmation link and presses its button, as a person does: the GET only shows
 * the form; the POST it sends is what confirms.
 */
export async function confirmByButton(client: TestClient, link: string) {
  const page = await client.get(new URL(link, 'http://localhost').pathname);
  const form = /<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
  if (!form) return page;
  const fields: Record<string, string> = {};
  for (const m of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields[m[1] ?? ''] = m[2] ?? '';
  return client.post(form[1] ?? '', fields);
}
