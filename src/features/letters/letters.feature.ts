import type { Feature } from '../../infra/services.js';
import {
  DELIVER_JOB,
  DIGEST_JOB,
  FOLLOW_UP_JOB,
  TRACK_JOB,
  deliverHandler,
  digestHandler,
  followUpHandler,
  trackHandler,
} from './delivery.service.js';
import { lettersAdminRoutes } from './letters.admin.routes.js';
import { lettersPersonData } from './letters.person-data.js';
import { lettersPublicRoutes } from './letters.public.routes.js';
import { seedLettersDemo } from './letters.seed.js';
import * as lettersMigration from './migrations/013-letters.js';
import * as letterSourceMigration from './migrations/022-letter-source.js';
import { letterSources } from './letters.service.js';

/** Letter campaigns: supporters write to their representative in their own words. */
export const lettersFeature: Feature = {
  name: 'letters',
  migrations: { '013-letters': lettersMigration, '022-letter-source': letterSourceMigration },
  actionSources: [letterSources],
  personData: lettersPersonData,
  nav: [{ href: '/admin/letters', label: 'Letters', role: 'viewer' }],
  publicLinks: [
    {
      href: '/letters',
      label: 'Write to your MP',
      description: 'Find your MP from your postcode and write to them in your own words.',
    },
  ],
  routes: async (app, services) => {
    await lettersPublicRoutes(app, services);
    await lettersAdminRoutes(app, services);
  },
  jobs: (services) => ({
    [DELIVER_JOB]: deliverHandler(services),
    [DIGEST_JOB]: digestHandler(services),
    [TRACK_JOB]: trackHandler(services),
    [FOLLOW_UP_JOB]: followUpHandler(services),
  }),
  seedDemo: seedLettersDemo,
};
