import type { Feature } from '../../infra/services.js';
import { casesAdminRoutes } from './cases.admin.routes.js';
import { casesPersonData } from './cases.person-data.js';
import { casesPublicRoutes } from './cases.public.routes.js';
import { seedCasesDemo } from './cases.seed.js';
import { MINIMISE_JOB, minimiseDueCases } from './retention.service.js';
import * as casesMigration from './migrations/071-cases.js';

/** Complaints about conduct, handled with due process (issue #15). */
export const casesFeature: Feature = {
  name: 'cases',
  migrations: { '071-cases': casesMigration },
  personData: casesPersonData,
  nav: [{ href: '/admin/cases', label: 'Conduct cases', role: 'viewer', permission: 'caseworker' }],
  publicLinks: [
    {
      href: '/complaints/new',
      label: 'Make a complaint',
      description: 'About a supporter’s, volunteer’s or commenter’s conduct in our name.',
    },
    {
      href: '/transparency',
      label: 'How we handle complaints',
      description: 'Complaints received, decisions and appeals, per quarter.',
    },
  ],
  routes: async (app, services) => {
    await casesPublicRoutes(app, services);
    await casesAdminRoutes(app, services);
  },
  // Closing a case books this job for the end of its retention period; each run minimises
  // everything then due (a shortened period is caught by the next run or `rally cases minimise`).
  jobs: (services) => ({
    [MINIMISE_JOB]: async () => {
      await minimiseDueCases(services);
    },
  }),
  seedDemo: seedCasesDemo,
  cli: {
    'cases minimise': {
      summary: 'Minimise closed cases past their retention period (names and evidence removed).',
      async run(_values, _positionals, cli) {
        const n = await cli.withServices((s) => minimiseDueCases(s));
        console.log(`${n} case(s) minimised.`);
        return 0;
      },
    },
  },
};
