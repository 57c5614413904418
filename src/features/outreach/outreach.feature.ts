import type { Feature } from '../../infra/services.js';
import { registerPersonDataHandler } from '../people/data-rights.service.js';
import { outreachPersonData } from './outreach.person-data.js';
import { outreachRoutes } from './outreach.routes.js';
import { seedOutreachDemo } from './outreach.seed.js';

registerPersonDataHandler(outreachPersonData);

/** "Not in our name": private requests to supporters to delete abusive public posts. */
export const outreachFeature: Feature = {
  name: 'outreach',
  nav: [{ href: '/admin/outreach', label: 'Not in our name', role: 'viewer' }],
  routes: outreachRoutes,
  seedDemo: seedOutreachDemo,
};
