import { requireStaff } from '../../infra/auth/guard.js';
import { navVisibleTo } from '../../infra/html/layout.js';
import { renderAdmin } from '../../infra/http/render.js';
import type { Feature } from '../../infra/services.js';
import { staffNamesByIds } from '../staff/staff.service.js';
import { type AuditRow, dashboardBody } from './dashboard.views.js';

export const RECENT_EVENTS_SHOWN = 20;

export const dashboardFeature: Feature = {
  name: 'dashboard',
  nav: [{ href: '/admin', label: 'Dashboard', role: 'viewer' }],
  routes: async (app, services) => {
    app.get('/admin', { config: { role: 'viewer' } }, async (req, reply) => {
      const me = requireStaff(req);
      const sections = req.server.adminNav.filter(
        (item) => item.href !== '/admin' && navVisibleTo(item, me),
      );
      const recent = await services.audit.recent(RECENT_EVENTS_SHOWN);
      const names = await staffNamesByIds(
        services,
        recent.flatMap((e) => (e.actor_user_id === null ? [] : [e.actor_user_id])),
      );
      const events: AuditRow[] = recent.map((e) => ({
        id: e.id,
        action: e.action,
        actor:
          e.actor_user_id === null
            ? 'Rally'
            : (names.get(e.actor_user_id) ?? `staff #${e.actor_user_id}`),
        subject: e.subject_type ? `${e.subject_type} ${e.subject_id ?? ''}`.trim() : null,
        created_at: e.created_at,
      }));
      return renderAdmin(req, reply, {
        title: 'Dashboard',
        body: dashboardBody({ name: me.name, sections, events }),
      });
    });
  },
};
