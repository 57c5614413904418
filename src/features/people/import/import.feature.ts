import type { Feature } from '../../../infra/services.js';
import { importPeopleCommand } from './import.cli.js';
import { importRoutes } from './import.routes.js';
import { IMPORT_JOB, runImportJob } from './import.service.js';
import { IMPORT_BASE } from './import.views.js';
import * as peopleImportMigration from './migrations/007-people-import.js';

/** Spreadsheet import of supporters: admin pages, the background job and `rally import people`. */
export const peopleImportFeature: Feature = {
  name: 'people-import',
  migrations: { '007-people-import': peopleImportMigration },
  nav: [{ href: IMPORT_BASE, label: 'Import people', role: 'organiser' }],
  routes: importRoutes,
  jobs: (services) => ({
    [IMPORT_JOB]: (payload, ctx) => runImportJob(services, payload, ctx),
  }),
  cli: { 'import people': importPeopleCommand },
};
