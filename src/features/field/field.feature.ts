import type { Feature } from '../../infra/services.js';
import { fieldElectionsImportCommand, fieldSeatsCommand } from './field.cli.js';
import { fieldRoutes } from './field.routes.js';
import { WEEKLY_SUMMARY_JOB, sendWeeklySummary } from './allocation.service.js';
import { fieldPersonData } from './field.person-data.js';
import { seedFieldDemo } from './field.seed.js';
import * as fieldMigration from './migrations/030-field.js';
import * as fieldElectionsMigration from './migrations/034-field-elections.js';

/** Target seats, the hex map, "nearest marginal" and where the organisers are. */
export const fieldFeature: Feature = {
  name: 'field',
  migrations: { '030-field': fieldMigration, '034-field-elections': fieldElectionsMigration },
  nav: [
    { href: '/admin/field/seats', label: 'Seats', role: 'viewer' },
    { href: '/admin/field/allocation', label: 'Allocation', role: 'viewer' },
  ],
  publicLinks: [
    {
      href: '/nearest-marginal',
      label: 'Where can I help?',
      description:
        'Enter your postcode to find the nearest seats where volunteers make the difference.',
    },
  ],
  personData: fieldPersonData,
  routes: fieldRoutes,
  jobs: (services) => ({
    [WEEKLY_SUMMARY_JOB]: async () => {
      await sendWeeklySummary(services);
    },
  }),
  seedDemo: seedFieldDemo,
  cli: {
    'field seats': fieldSeatsCommand,
    'field elections import': fieldElectionsImportCommand,
  },
};
