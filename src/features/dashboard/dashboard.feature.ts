import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { navVisibleTo } from '../../infra/html/layout.js';
import { positiveId, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin } from '../../infra/http/render.js';
import type { Feature } from '../../infra/services.js';
import { DEFAULT_PERIOD, PERIODS, activityPage, loadDashboard } from './dashboard.service.js';
import { dashboardBody } from './dashboard.views.js';
import * as indexesMigration from './migrations/052-dashboard-indexes.js';

const dashboardQuery = z.strictObject({
  period: z
    .enum(PERIODS.map(String) as [string, ...string[]], {
      error: `The period is ${PERIODS.join(', ')} days.`,
    })
    .transform((p) => Number(p) as (typeof PERIODS)[number])
    .default(DEFAULT_PERIOD),
  before: positiveId.optional(),
});

export const dashboardFeature: Feature = {
  name: 'dashboard',
  migrations: { '052-dashboard-indexes': indexesMigration },
  nav: [{ href: '/admin', label: 'Dashboard', role: 'viewer' }],
  routes: async (base, services) => {
    const app = typedRoutes(base);
    app.get(
      '/admin',
      { config: { role: 'viewer' }, schema: { querystring: dashboardQuery } },
      async (req, reply) => {
        const me = requireStaff(req);
        const sections = req.server.adminNav.filter(
          (item) => item.href !== '/admin' && navVisibleTo(item, me),
        );
        const [dashboard, activity] = await Promise.all([
          loadDashboard(services, req.query.period),
          activityPage(services, req.query.before),
        ]);
        return renderAdmin(req, reply, {
          title: 'Dashboard',
          body: dashboardBody({
            name: me.name,
            sections,
            dashboard,
            activity: activity.entries,
            olderBefore: activity.olderBefore,
            newerLink: req.query.before !== undefined,
          }),
        });
      },
    );
  },
};
