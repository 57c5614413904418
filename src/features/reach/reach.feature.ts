import type { Feature } from '../../infra/services.js';
import * as reachMigration from './migrations/054-reach.js';
import { reachPersonData } from './reach.person-data.js';
import { reachRoutes } from './reach.routes.js';
import { seedReachDemo } from './reach.seed.js';

/**
 * Reach for storms and petitions: follower counts organisers record per account that posted or
 * shared, added up (each account once) into an estimated reach by day, with its CSV.
 */
export const reachFeature: Feature = {
  name: 'reach',
  migrations: { '054-reach': reachMigration },
  personData: reachPersonData,
  routes: reachRoutes,
  seedDemo: seedReachDemo,
};
