import type { Feature } from '../../infra/services.js';
import { outreachPersonData } from './outreach.person-data.js';
import { outreachRoutes } from './outreach.routes.js';
import { seedOutreachDemo } from './outreach.seed.js';
import * as outreachMigration from './migrations/012-outreach.js';

/** "Not in our name": private requests to supporters to delete abusive public posts. */
export const outreachFeature: Feature = {
  name: 'outreach',
  migrations: { '012-outreach': outreachMigration },
  personData: outreachPersonData,
  nav: [{ href: '/admin/outreach', label: 'Not in our name', role: 'viewer' }],
  routes: outreachRoutes,
  seedDemo: seedOutreachDemo,
};
