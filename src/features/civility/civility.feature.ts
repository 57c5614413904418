import type { Feature } from '../../infra/services.js';
import { civilityPersonData } from './civility-learning.service.js';
import { civilityCli } from './civility.cli.js';
import { civilityRoutes } from './civility.routes.js';
import * as learningMigration from './migrations/040-civility-learning.js';

export const civilityFeature: Feature = {
  name: 'civility',
  migrations: { '040-civility-learning': learningMigration },
  personData: civilityPersonData,
  nav: [{ href: '/admin/civility', label: 'Civility guard', role: 'moderator' }],
  routes: civilityRoutes,
  cli: civilityCli,
};
