import type { Feature } from '../../infra/services.js';
import { BoardCache } from './board-cache.js';
import { trackersAdminRoutes } from './trackers.admin.routes.js';
import { trackersPublicRoutes } from './trackers.public.routes.js';
import { seedTrackersDemo } from './trackers.seed.js';
import * as trackersMigration from './migrations/014-trackers.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The public boards' short-lived cache (tests reach it to skip the wait). */
    trackerBoards: BoardCache;
  }
}

export const trackersFeature: Feature = {
  name: 'trackers',
  migrations: { '014-trackers': trackersMigration },
  nav: [{ href: '/admin/trackers', label: 'Trackers', role: 'viewer' }],
  publicLinks: [
    {
      href: '/trackers',
      label: 'Trackers',
      description: 'Where each decision-maker stands, live.',
    },
  ],
  routes: async (app, services) => {
    const cache = new BoardCache(services);
    app.decorate('trackerBoards', cache);
    await trackersPublicRoutes(app, services, cache);
    await trackersAdminRoutes(app, services, cache);
  },
  seedDemo: seedTrackersDemo,
};
