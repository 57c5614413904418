import type { Feature } from '../../infra/services.js';
import { jobsAdminRoutes } from './jobs-admin.routes.js';
import { workerCommand } from './worker-command.js';

/** The job queue seen by organisers (counts, dead letters, retry) and the `rally worker` command. */
export const jobsAdminFeature: Feature = {
  name: 'jobs-admin',
  nav: [{ href: '/admin/jobs', label: 'Jobs', role: 'organiser' }],
  routes: jobsAdminRoutes,
  cli: { worker: workerCommand },
};
