import type { Feature } from '../../infra/services.js';
import { stormsAdminRoutes } from './storms.admin.routes.js';
import { stormsPersonData } from './storms.person-data.js';
import { stormsPublicRoutes } from './storms.public.routes.js';
import { createStormsRuntime } from './storms.runtime.js';
import { seedStormsDemo } from './storms.seed.js';
import * as stormsMigration from './migrations/015-storms.js';
import * as postSourceMigration from './migrations/077-storm-post-source.js';
import { stormPostSources } from './posting.service.js';

export const stormsFeature: Feature = {
  name: 'storms',
  migrations: { '015-storms': stormsMigration, '077-storm-post-source': postSourceMigration },
  actionSources: [stormPostSources],
  personData: stormsPersonData,
  nav: [{ href: '/admin/storms', label: 'Storms', role: 'viewer' }],
  publicLinks: [
    {
      href: '/storms',
      label: 'Social media storms',
      description: 'Post together, at the same time, with one hashtag.',
    },
  ],
  routes: async (app, services) => {
    const rt = await createStormsRuntime(app, services);
    await stormsPublicRoutes(app, services, rt);
    await stormsAdminRoutes(app, services, rt);
  },
  seedDemo: seedStormsDemo,
};
