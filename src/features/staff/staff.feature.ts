import type { Feature } from '../../infra/services.js';
import { loginRoutes } from './login.routes.js';
import { staffCli } from './staff.cli.js';
import { usersRoutes } from './users.routes.js';

export const staffFeature: Feature = {
  name: 'staff',
  nav: [{ href: '/admin/users', label: 'Staff', role: 'owner' }],
  routes: async (app, services) => {
    await loginRoutes(app, services);
    await usersRoutes(app, services);
  },
  cli: staffCli,
};
