import type { Feature } from '../../infra/services.js';
import { targetsCli } from './targets.cli.js';
import { targetsRoutes } from './targets.routes.js';
import { loadUkCommons } from './uk-commons.service.js';
import * as targetsMigration from './migrations/009-targets.js';

export const targetsFeature: Feature = {
  name: 'targets',
  migrations: { '009-targets': targetsMigration },
  nav: [{ href: '/admin/targets', label: 'Targets', role: 'viewer' }],
  routes: targetsRoutes,
  // The demo campaign asks supporters to write to their MP, so it needs the MPs.
  seedDemo: async (services) => {
    await loadUkCommons(services);
  },
  cli: targetsCli,
};
