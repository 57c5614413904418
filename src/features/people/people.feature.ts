import type { Feature } from '../../infra/services.js';
import { seedPeopleDemo } from './people.demo.js';
import { peopleRoutes } from './people.routes.js';
import * as peopleMigration from './migrations/006-people.js';

/** Supporters: records, consent, timeline, segments and data rights. */
export const peopleFeature: Feature = {
  name: 'people',
  migrations: { '006-people': peopleMigration },
  nav: [
    { href: '/admin/people', label: 'People', role: 'viewer' },
    { href: '/admin/segments', label: 'Segments', role: 'viewer' },
  ],
  routes: peopleRoutes,
  seedDemo: seedPeopleDemo,
};
