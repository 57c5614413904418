import type { Feature } from '../../infra/services.js';
import { apiKeysRoutes } from './api-keys.routes.js';
import { apiDocsRoutes } from './api-docs.routes.js';
import { apiPlugin } from './api.plugin.js';
import type { OpenApiRoute } from './openapi.js';
import * as apiKeysMigration from './migrations/050-api-keys.js';
import { API_PREFIX, type ApiResource } from './osdi.service.js';
import { eventsResource } from './events.api.js';
import { messagesResource } from './messages.api.js';
import { peopleResource } from './people.api.js';
import { petitionsResource } from './petitions.api.js';
import { tagsResource } from './tags.api.js';

/** The collections Rally serves itself; features add theirs through `contributed`. */
export const BUILT_IN_RESOURCES: ApiResource[] = [
  peopleResource,
  tagsResource,
  petitionsResource,
  eventsResource,
  messagesResource,
];

/**
 * The OSDI API, its keys and its docs. `contributed` lists the resources other features declare
 * (events, messages…), read when the app is assembled.
 */
export function apiFeature(contributed: () => ApiResource[]): Feature {
  const resources = () => [...BUILT_IN_RESOURCES, ...contributed()];
  return {
    name: 'api',
    migrations: { '050-api-keys': apiKeysMigration },
    nav: [{ href: '/admin/api-keys', label: 'API keys', role: 'owner' }],
    routes: async (app, services) => {
      const described: OpenApiRoute[] = [];
      await app.register(apiPlugin(services, resources, described), { prefix: API_PREFIX });
      await apiKeysRoutes(app, services, resources);
      await apiDocsRoutes(app, services, described);
    },
  };
}
