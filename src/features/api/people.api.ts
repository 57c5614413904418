import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { typedRoutes } from '../../infra/http/input.js';
import { inTransaction } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { editPerson } from '../people/people-admin.service.js';
import { type FeedPerson, getFeedPerson, listPeopleFeed } from '../people/people-feed.service.js';
import {
  currentConsent,
  getPerson,
  recordActivity,
  recordConsent,
  upsertPerson,
} from '../people/people.service.js';
import {
  apiIdParams,
  type ApiResource,
  apiUrl,
  identifiers,
  keyAllows,
  notFound,
  OsdiError,
} from './osdi.service.js';
import { osdiRoutes } from './osdi-routes.js';

/** What an API client may say about a person (OSDI field names; anything else is refused). */
export const personInput = z.strictObject({
  identifiers: z.array(z.string().max(100)).max(10).optional(),
  given_name: z.string().max(100).optional(),
  family_name: z.string().max(100).optional(),
  email_addresses: z
    .array(
      z.strictObject({
        address: z.string().min(3).max(254),
        primary: z.boolean().optional(),
        status: z.enum(['subscribed', 'unsubscribed']).optional(),
      }),
    )
    .min(1)
    .max(1, 'Rally keeps one email address per person')
    .optional(),
  postal_addresses: z
    .array(
      z.strictObject({
        postal_code: z.string().max(16),
        primary: z.boolean().optional(),
        country: z.string().max(2).optional(),
      }),
    )
    .max(1, 'Rally keeps one postal address per person')
    .optional(),
  phone_numbers: z
    .array(z.strictObject({ number: z.string().max(32), primary: z.boolean().optional() }))
    .max(1, 'Rally keeps one phone number per person')
    .optional(),
  custom_fields: z.record(z.string().min(1).max(64), z.string().max(1000)).optional(),
});
export type PersonInputBody = z.infer<typeof personInput>;

/**
 * The supporter an action embeds (a signature, an attendance). They become a person once they
 * confirm, so writing people is implied: the key needs that too, and an address is required.
 */
export function embeddedSupporter(
  req: FastifyRequest,
  p: PersonInputBody,
  action: string,
): { name: string; email: string; postcode: string; phone: string } {
  if (!keyAllows(req, 'people', 'write'))
    throw new OsdiError(403, `Recording ${action} with a person needs write access to people too.`);
  const email = p.email_addresses?.[0]?.address;
  if (!email) throw new OsdiError(400, 'body.person.email_addresses: an address is needed.');
  return {
    name: [p.given_name, p.family_name].filter(Boolean).join(' '),
    email,
    postcode: p.postal_addresses?.[0]?.postal_code ?? '',
    phone: p.phone_numbers?.[0]?.number ?? '',
  };
}

/** What the person was shown when they agreed: required to record a subscription. */
const consentWording = z.string().min(1).max(5000).optional();

const signupBody = z.strictObject({
  person: personInput,
  add_tags: z.array(z.string().min(1).max(50)).max(20).optional(),
  'rally:source': z.string().min(1).max(200).optional(),
  'rally:consent_wording': consentWording,
});

const updateBody = personInput.extend({ 'rally:consent_wording': consentWording });

const personOutput = z.object({
  identifiers: z.array(z.string()),
  created_date: z.string(),
  modified_date: z.string(),
  given_name: z.string().nullable(),
  family_name: z.string().nullable(),
  email_addresses: z.array(
    z.object({
      address: z.string(),
      primary: z.boolean(),
      status: z.enum(['subscribed', 'unsubscribed']).optional(),
    }),
  ),
  postal_addresses: z.array(
    z.object({ postal_code: z.string(), primary: z.boolean(), region: z.string().nullable() }),
  ),
  phone_numbers: z.array(z.object({ number: z.string(), primary: z.boolean() })),
  custom_fields: z.record(z.string(), z.string()),
  'rally:tags': z.array(z.string()),
  'rally:source': z.string(),
  'rally:constituency': z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  _links: z.record(z.string(), z.unknown()),
});

export function personHal(services: Pick<Services, 'config'>, p: FeedPerson) {
  const self = apiUrl(services, `/people/${p.id}`);
  return {
    identifiers: identifiers('person', p.id),
    created_date: p.createdAt,
    modified_date: p.updatedAt,
    given_name: p.firstName,
    family_name: p.lastName,
    email_addresses: [
      {
        address: p.email,
        primary: true,
        ...(p.emailConsent
          ? { status: p.emailConsent === 'granted' ? 'subscribed' : 'unsubscribed' }
          : {}),
      },
    ],
    postal_addresses: p.postcode
      ? [{ postal_code: p.postcode, primary: true, region: p.region }]
      : [],
    phone_numbers: p.phone ? [{ number: p.phone, primary: true }] : [],
    custom_fields: p.customFields,
    'rally:tags': p.tags,
    'rally:source': p.source,
    'rally:constituency': p.constituencyCode
      ? { code: p.constituencyCode, name: p.constituencyName }
      : null,
    _links: {
      self: { href: self },
      'osdi:signatures': { href: `${self}/signatures` },
      'osdi:taggings': { href: `${self}/taggings` },
      'osdi:attendances': { href: `${self}/attendances` },
    },
  };
}

async function personOr404(services: Services, id: number) {
  const person = await getFeedPerson(services, id);
  if (!person) throw notFound('person');
  return person;
}

/** Who the audit log and the source name: the key, since no staff member is acting. */
export function keySource(req: FastifyRequest): string {
  return `api:${req.apiKey?.name ?? 'key'}`;
}

const MISSING_WORDING =
  'To record a subscription send rally:consent_wording: the words the person agreed to.';

/**
 * A subscribe or unsubscribe from the API, recorded only when it changes the person's current
 * email consent: a subscription needs the words the person agreed to, as the forms keep them.
 */
async function applyEmailStatus(
  tx: Parameters<Parameters<typeof inTransaction>[1]>[0],
  personId: number,
  status: 'subscribed' | 'unsubscribed' | undefined,
  wording: string | undefined,
  source: string,
) {
  if (!status) return;
  const wanted = status === 'subscribed' ? 'granted' : 'withdrawn';
  const current = await currentConsent({ ...tx.db, kysely: tx.trx }, personId, 'email');
  if (current === wanted) return;
  if (wanted === 'granted' && !wording) throw new OsdiError(422, MISSING_WORDING);
  await recordConsent(
    tx.db,
    personId,
    {
      channel: 'email',
      status: wanted,
      method: 'api',
      wording: wording ?? 'Unsubscribed through the API.',
      source,
    },
    { trx: tx.trx },
  );
}

export const peopleResource: ApiResource = {
  name: 'people',
  title: 'People',
  routes: async (app: FastifyInstance, services: Services) => {
    const api = typedRoutes(app);
    const routes = osdiRoutes(app, services, 'people');

    routes.collection('/people', {
      summary: 'List people (filter: modified_date, email_address)',
      rel: 'people',
      filters: ['modified_date', 'email_address'],
      page: async (_, page) => {
        const { people, total } = await listPeopleFeed(services, page);
        return { total, items: people.map((p) => personHal(services, p)) };
      },
    });

    routes.item('/people/:id', {
      summary: 'Get a person',
      what: 'person',
      params: apiIdParams,
      response: personOutput,
      find: async ({ id }) => {
        const person = await getFeedPerson(services, id);
        return person && personHal(services, person);
      },
    });

    api.post(
      '/people/person_signup_helper',
      {
        schema: { body: signupBody },
        config: routes.config(
          'Sign a person up: upsert by email, add tags, record consent and source',
          'write',
          personOutput,
        ),
      },
      async (req, reply) => {
        const { person: p } = req.body;
        const email = p.email_addresses?.[0];
        if (!email) throw new OsdiError(400, 'body.person.email_addresses: an address is needed.');
        const source = req.body['rally:source'] ?? keySource(req);
        const directory = await getConstituencyDirectory(services.db);
        const { id, outcome } = await inTransaction(services, async (tx) => {
          const result = await upsertPerson(
            tx.db,
            {
              email: email.address,
              firstName: p.given_name ?? null,
              lastName: p.family_name ?? null,
              postcode: p.postal_addresses?.[0]?.postal_code ?? null,
              phone: p.phone_numbers?.[0]?.number ?? null,
              tags: req.body.add_tags ?? [],
              customFields: p.custom_fields ?? {},
              source,
            },
            { trx: tx.trx, directory },
          );
          await applyEmailStatus(
            tx,
            result.id,
            email.status,
            req.body['rally:consent_wording'],
            source,
          );
          await recordActivity(
            tx.db,
            result.id,
            {
              kind: 'api',
              summary: `Signed up through the API (${req.apiKey?.name ?? 'key'})`,
              refType: 'api_key',
              refId: req.apiKey?.id ?? null,
            },
            { trx: tx.trx },
          );
          await tx.audit.record(
            {
              actorUserId: null,
              action: 'api.person-signup',
              subjectType: 'person',
              subjectId: result.id,
              details: { apiKey: req.apiKey?.id, outcome: result.outcome },
            },
            tx.trx,
          );
          return result;
        });
        reply.code(outcome === 'created' ? 201 : 200);
        return personHal(services, await personOr404(services, id));
      },
    );

    api.put(
      '/people/:id',
      {
        schema: { params: apiIdParams, body: updateBody },
        config: routes.config('Update a person (fields not sent are kept)', 'write', personOutput),
      },
      async (req) => {
        const stored = await getPerson(services.db, req.params.id);
        if (!stored || stored.erasedAt) throw notFound('person');
        const b = req.body;
        const email = b.email_addresses?.[0];
        const source = keySource(req);
        const wording = b['rally:consent_wording'];
        // Refused before anything is written: the edit and the consent land together or not at all.
        if (
          email?.status === 'subscribed' &&
          !wording &&
          (await currentConsent(services.db, stored.id, 'email')) !== 'granted'
        )
          throw new OsdiError(422, MISSING_WORDING);
        // editPerson reads the constituency directory outside any transaction, so it runs first
        // in its own; the consent change after it cannot fail for a reason checked above.
        await editPerson(
          services,
          {
            personId: stored.id,
            email: email?.address ?? stored.email,
            firstName: b.given_name ?? stored.firstName ?? '',
            lastName: b.family_name ?? stored.lastName ?? '',
            postcode: b.postal_addresses?.[0]?.postal_code ?? stored.postcode ?? '',
            phone: b.phone_numbers?.[0]?.number ?? stored.phone ?? '',
            customFields: { ...stored.customFields, ...b.custom_fields },
          },
          null,
        );
        await inTransaction(services, (tx) =>
          applyEmailStatus(tx, stored.id, email?.status, wording, source),
        );
        return personHal(services, await personOr404(services, stored.id));
      },
    );
  },
};
