import type { Feature } from '../../infra/services.js';
import { civilityCli } from './civility.cli.js';
import { civilityRoutes } from './civility.routes.js';

export const civilityFeature: Feature = {
  name: 'civility',
  nav: [{ href: '/admin/civility', label: 'Civility guard', role: 'moderator' }],
  routes: civilityRoutes,
  cli: civilityCli,
};
