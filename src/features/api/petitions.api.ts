import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { typedRoutes } from '../../infra/http/input.js';
import type { Services } from '../../infra/services.js';
import { getFeedPerson } from '../people/people-feed.service.js';
import {
  type PetitionRow,
  type SignatureRow,
  getPetitionForFeed,
  getSignatureForFeed,
  listPetitionsFeed,
  listSignaturesFeed,
  signThroughApi,
  signatureModifiedAt,
} from '../petitions/petitions-feed.service.js';
import {
  apiIdParams,
  type ApiResource,
  apiUrl,
  identifiers,
  notFound,
  OsdiError,
} from './osdi.service.js';
import { osdiRoutes } from './osdi-routes.js';
import { embeddedSupporter, personInput } from './people.api.js';

const signatureParams = z.object({ id: apiIdParams.shape.id, signatureId: apiIdParams.shape.id });

const signatureBody = z.strictObject({
  person: personInput,
  comments: z.string().max(500).optional(),
  'rally:membership_number': z.string().max(64).optional(),
  'rally:show_name': z.boolean().optional(),
  /** The consent box's words, when the signer ticked it; it counts once they confirm. */
  'rally:consent_wording': z.string().min(1).max(5000).optional(),
});

function petitionHal(services: Pick<Services, 'config'>, p: PetitionRow) {
  const self = apiUrl(services, `/petitions/${p.id}`);
  return {
    identifiers: identifiers('petition', p.id),
    origin_system: 'Rally',
    created_date: p.created_at,
    modified_date: p.updated_at,
    title: p.title,
    description: p.body,
    browser_url: `${services.config.baseUrl}/p/${p.slug}`,
    total_signatures: p.signature_count,
    'rally:status': p.status,
    'rally:goal': p.goal,
    'rally:deadline': p.deadline,
    _links: {
      self: { href: self },
      'osdi:signatures': { href: `${self}/signatures` },
      'osdi:record_signature_helper': { href: `${self}/signatures` },
    },
  };
}

function signatureHal(services: Pick<Services, 'config'>, s: SignatureRow) {
  const petition = apiUrl(services, `/petitions/${s.petition_id}`);
  return {
    identifiers: identifiers('signature', s.id),
    created_date: s.created_at,
    modified_date: signatureModifiedAt(s),
    comments: s.answer,
    'rally:status': s.status,
    'rally:confirmed_date': s.confirmed_at,
    _links: {
      self: { href: `${petition}/signatures/${s.id}` },
      'osdi:petition': { href: petition },
      ...(s.person_id !== null
        ? { 'osdi:person': { href: apiUrl(services, `/people/${s.person_id}`) } }
        : {}),
    },
  };
}

/** Petitions (read-only: organisers write them in /admin, through the civility guard) and signatures. */
export const petitionsResource: ApiResource = {
  name: 'petitions',
  title: 'Petitions and signatures',
  routes: async (app: FastifyInstance, services: Services) => {
    const routes = osdiRoutes(app, services, 'petitions');

    routes.collection('/petitions', {
      summary: 'List petitions (filter: modified_date)',
      rel: 'petitions',
      page: async (_, page) => {
        const { petitions, total } = await listPetitionsFeed(services, page);
        return { total, items: petitions.map((p) => petitionHal(services, p)) };
      },
    });

    routes.item('/petitions/:id', {
      summary: 'Get a petition',
      what: 'petition',
      params: apiIdParams,
      find: async ({ id }) => {
        const petition = await getPetitionForFeed(services, id);
        return petition && petitionHal(services, petition);
      },
    });

    routes.collection('/petitions/:id/signatures', {
      summary: "List a petition's signatures",
      rel: 'signatures',
      params: apiIdParams,
      page: async ({ id }, page) => {
        if (!(await getPetitionForFeed(services, id))) throw notFound('petition');
        const { signatures, total } = await listSignaturesFeed(services, {
          ...page,
          petitionId: id,
        });
        return { total, items: signatures.map((s) => signatureHal(services, s)) };
      },
    });

    routes.item('/petitions/:id/signatures/:signatureId', {
      summary: 'Get a signature',
      what: 'signature',
      params: signatureParams,
      find: async ({ id, signatureId }) => {
        const s = await getSignatureForFeed(services, id, signatureId);
        return s && signatureHal(services, s);
      },
    });

    routes.collection('/people/:id/signatures', {
      summary: "List a person's signatures",
      rel: 'signatures',
      params: apiIdParams,
      page: async ({ id }, page) => {
        const person = await getFeedPerson(services, id);
        if (!person) throw notFound('person');
        const { signatures, total } = await listSignaturesFeed(services, {
          ...page,
          person: { id: person.id, email: person.email },
        });
        return { total, items: signatures.map((s) => signatureHal(services, s)) };
      },
    });

    typedRoutes(app).post(
      '/petitions/:id/signatures',
      {
        schema: { params: apiIdParams, body: signatureBody },
        config: routes.config(
          'Record a signature with an embedded person (pending until the signer confirms by email, as on the form)',
          'write',
        ),
      },
      async (req, reply) => {
        const { name, email, postcode } = embeddedSupporter(req, req.body.person, 'a signature');
        const result = await signThroughApi(services, {
          petitionId: req.params.id,
          name,
          email,
          postcode,
          answer: req.body.comments ?? null,
          membershipNumber: req.body['rally:membership_number'] ?? null,
          consentWording: req.body['rally:consent_wording'] ?? null,
          showName: req.body['rally:show_name'] ?? false,
          ip: req.ip,
        });
        if (!result.ok) throw new OsdiError(result.status, result.message);
        reply.code(result.outcome === 'created' ? 201 : 200);
        return signatureHal(services, result.signature);
      },
    );
  },
};
