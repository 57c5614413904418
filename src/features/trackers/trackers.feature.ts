import type { Feature } from '../../infra/services.js';
import { BoardCache } from './board-cache.js';
import { trackersAdminRoutes } from './trackers.admin.routes.js';
import { trackersPublicRoutes } from './trackers.public.routes.js';
import { seedTrackersDemo } from './trackers.seed.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The public boards' short-lived cache (tests reach it to skip the wait). */
    trackerBoards: BoardCache;
  }
}

export const trackersFeature: Feature = {
  name: 'trackers',
  nav: [{ href: '/admin/trackers', label: 'Trackers', role: 'viewer' }],
  publicLinks: [
    {
      href: '/trackers',
      label: 'Trackers',
      description: 'Where each decision-maker stands, live.',
    },
  ],
  routes: async (app, services) => {
    const cache = new BoardCache(services.db, app.clock);
    app.decorate('trackerBoards', cache);
    await trackersPublicRoutes(app, services, cache);
    await trackersAdminRoutes(app, services, cache);
  },
  seedDemo: seedTrackersDemo,
};
