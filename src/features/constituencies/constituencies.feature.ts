import type { Feature } from '../../infra/services.js';
import { mpCommand } from './constituencies.cli.js';
import { constituencyRoutes } from './constituencies.routes.js';
import * as constituenciesMigration from './migrations/008-constituencies.js';

/** UK constituencies, 2017/2019 results, postcode lookup, "Find your MP" and `rally mp`. */
export const constituenciesFeature: Feature = {
  name: 'constituencies',
  migrations: { '008-constituencies': constituenciesMigration },
  nav: [{ href: '/admin/constituencies', label: 'Constituencies', role: 'viewer' }],
  publicLinks: [
    {
      href: '/find-your-mp',
      label: 'Find your MP',
      description:
        'Enter your postcode to see your constituency, your MP and how close the last elections were.',
    },
  ],
  routes: constituencyRoutes,
  cli: { mp: mpCommand },
};
