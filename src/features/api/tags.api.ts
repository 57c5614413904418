import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { typedRoutes } from '../../infra/http/input.js';
import type { Services } from '../../infra/services.js';
import { changeTags } from '../people/people-admin.service.js';
import { getFeedPerson, listPeopleFeed, listTagCounts } from '../people/people-feed.service.js';
import {
  apiIdParams,
  type ApiResource,
  apiUrl,
  halCollection,
  identifiers,
  notFound,
  OsdiError,
} from './osdi.service.js';
import { osdiRoutes } from './osdi-routes.js';

/** Tags are stored lower-case on people (see person-input.ts): the URL names them so. */
const tagName = z
  .string()
  .min(1)
  .max(50)
  .transform((s) => s.trim().toLowerCase());
const tagParams = z.object({ name: tagName });
const taggingParams = z.object({ name: tagName, id: apiIdParams.shape.id });

const taggingBody = z.strictObject({
  _links: z.strictObject({
    'osdi:person': z.strictObject({ href: z.string().max(500) }),
  }),
});

function tagHal(services: Pick<Services, 'config'>, tag: { name: string; count: number }) {
  const self = apiUrl(services, `/tags/${encodeURIComponent(tag.name)}`);
  return {
    identifiers: identifiers('tag', tag.name),
    name: tag.name,
    'rally:people_count': tag.count,
    _links: { self: { href: self }, 'osdi:taggings': { href: `${self}/taggings` } },
  };
}

function taggingHal(services: Pick<Services, 'config'>, tag: string, personId: number) {
  const tagUrl = apiUrl(services, `/tags/${encodeURIComponent(tag)}`);
  return {
    identifiers: identifiers('tagging', `${tag}:${personId}`),
    _links: {
      self: { href: `${tagUrl}/taggings/${personId}` },
      'osdi:tag': { href: tagUrl },
      'osdi:person': { href: apiUrl(services, `/people/${personId}`) },
    },
  };
}

/** The person a tagging points at: `_links.osdi:person.href`, ending in /people/<id>. */
function personIdFromHref(href: string): number {
  const m = /\/people\/([1-9]\d{0,9})\/?$/.exec(href);
  if (!m)
    throw new OsdiError(
      400,
      "body._links.osdi:person.href must be a person's address (…/people/<id>).",
    );
  return Number(m[1]);
}

/**
 * Tags as OSDI sees them. A Rally tag exists while someone carries it, so tags are made by
 * tagging someone, and a tag's id is its name.
 */
export const tagsResource: ApiResource = {
  name: 'tags',
  title: 'Tags',
  routes: async (app: FastifyInstance, services: Services) => {
    const api = typedRoutes(app);
    const routes = osdiRoutes(app, services, 'tags');

    routes.collection('/tags', {
      summary: 'List tags',
      rel: 'tags',
      filters: [],
      page: async (_, page) => {
        const { tags, total } = await listTagCounts(services, page);
        return { total, items: tags.map((t) => tagHal(services, t)) };
      },
    });

    routes.item('/tags/:name', {
      summary: 'Get a tag',
      what: 'tag',
      params: tagParams,
      find: async ({ name }) => {
        const { tags } = await listTagCounts(services, { limit: 1, offset: 0, name });
        return tags[0] && tagHal(services, tags[0]);
      },
    });

    routes.collection('/tags/:name/taggings', {
      summary: 'List the taggings of a tag (who carries it)',
      rel: 'taggings',
      params: tagParams,
      page: async ({ name }, page) => {
        const { people, total } = await listPeopleFeed(services, { ...page, tag: name });
        return { total, items: people.map((p) => taggingHal(services, name, p.id)) };
      },
    });

    api.post(
      '/tags/:name/taggings',
      {
        schema: { params: tagParams, body: taggingBody },
        config: routes.config('Tag a person', 'write'),
      },
      async (req, reply) => {
        const personId = personIdFromHref(req.body._links['osdi:person'].href);
        if (!(await getFeedPerson(services, personId))) throw notFound('person');
        await changeTags(services, { personId, add: req.params.name }, null);
        reply.code(201);
        return taggingHal(services, req.params.name, personId);
      },
    );

    api.delete(
      '/tags/:name/taggings/:id',
      {
        schema: { params: taggingParams },
        config: routes.config('Untag a person', 'write'),
      },
      async (req) => {
        const person = await getFeedPerson(services, req.params.id);
        if (!person || !person.tags.includes(req.params.name)) throw notFound('tagging');
        await changeTags(services, { personId: person.id, remove: req.params.name }, null);
        return { notice: 'The tagging was removed.' };
      },
    );

    api.get(
      '/people/:id/taggings',
      {
        schema: { params: apiIdParams },
        config: routes.config("List a person's taggings", 'read'),
      },
      async (req) => {
        const person = await getFeedPerson(services, req.params.id);
        if (!person) throw notFound('person');
        const items = person.tags.map((t) => taggingHal(services, t, person.id));
        return halCollection(services, {
          path: `/people/${person.id}/taggings`,
          rel: 'taggings',
          query: { page: 1, per_page: Math.max(1, items.length) },
          total: items.length,
          items,
        });
      },
    );
  },
};
