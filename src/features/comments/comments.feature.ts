import type { Feature } from '../../infra/services.js';
import { commentsPersonData } from './comments.person-data.js';
import { commentsPublicRoutes } from './comments.public.routes.js';
import { seedCommentsDemo } from './comments.seed.js';
import { moderationRoutes } from './moderation.routes.js';
import * as commentsMigration from './migrations/011-comments.js';

export const commentsFeature: Feature = {
  name: 'comments',
  migrations: { '011-comments': commentsMigration },
  personData: commentsPersonData,
  nav: [{ href: '/admin/moderation', label: 'Moderation', role: 'viewer' }],
  publicLinks: [
    {
      href: '/comments',
      label: 'Discussions',
      description: 'Talk about the campaign with other supporters.',
    },
  ],
  routes: async (app, services) => {
    await commentsPublicRoutes(app, services);
    await moderationRoutes(app, services);
  },
  seedDemo: seedCommentsDemo,
};
