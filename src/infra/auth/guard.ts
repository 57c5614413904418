import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { messagePage } from '../html/layout.js';
import { roleAtLeast } from './roles.js';
import type { Permission, Role } from './auth.tables.js';
import { SESSION_COOKIE, type SessionStore, type StaffUser, hasPermission } from './sessions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Lowest staff role allowed; routes without it are public. */
    role?: Role;
    /** A permission needed as well as the role (only with `role`). */
    permission?: Permission;
    /** Load the staff session on a public route (e.g. the login page). */
    staffOptional?: boolean;
  }
  interface FastifyRequest {
    staff: StaffUser | null;
  }
}

/** Every route that declared a role, for the route-matrix test and the docs. */
export interface GuardedRoute {
  method: string;
  url: string;
  role: Role;
  permission?: Permission;
}

/**
 * The one guard for staff routes: a route declares `config: { role }`; anonymous visitors are
 * sent to the login page (JSON clients get 401), staff below the role get 403.
 */
export function registerGuard(
  app: FastifyInstance,
  sessions: SessionStore,
  guarded: GuardedRoute[],
) {
  app.decorateRequest('staff', null);
  app.addHook('onRoute', (route) => {
    const role = route.config?.role;
    // Fail at start-up, not in production: an admin page without a role would be public.
    if (!role && isAdminUrl(route.url))
      throw new Error(`${String(route.method)} ${route.url} must declare config.role`);
    if (!role) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      if (method !== 'HEAD')
        guarded.push({
          method,
          url: route.url,
          role,
          ...(route.config?.permission ? { permission: route.config.permission } : {}),
        });
  });

  const loadStaff = async (req: FastifyRequest, reply: FastifyReply) => {
    const { role } = req.routeOptions.config;
    const token = req.cookies[SESSION_COOKIE];
    req.staff = token ? ((await sessions.lookup(token)) ?? null) : null;
    if (!role) return;
    if (!req.staff) return denyAnonymous(req, reply);
    if (!roleAtLeast(req.staff.role, role)) return denyRole(reply, role);
    const { permission } = req.routeOptions.config;
    if (permission && !hasPermission(req.staff, permission))
      return denyPermission(reply, permission);
  };
  // Public routes (most traffic) skip the session lookup without allocating a promise.
  app.addHook('onRequest', (req, reply, done) => {
    const { role, staffOptional } = req.routeOptions.config;
    if (!role && !staffOptional) return done();
    // A denial has already replied; the chain must then stop rather than continue.
    loadStaff(req, reply).then(() => (reply.sent ? undefined : done()), done);
  });
}

function isAdminUrl(url: string): boolean {
  return url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin.');
}

async function denyAnonymous(req: FastifyRequest, reply: FastifyReply) {
  if (req.method === 'GET' && !req.headers.accept?.includes('application/json')) {
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`);
  }
  if (
    req.method !== 'GET' &&
    req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
  ) {
    return reply.redirect('/login', 303);
  }
  return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'Log in first.' });
}

async function denyRole(reply: FastifyReply, role: Role) {
  return reply
    .code(403)
    .type('text/html; charset=utf-8')
    .send(
      messagePage(
        'Not allowed',
        `This page needs the ${role} role or higher. Ask an owner if you need access.`,
      ).value,
    );
}

async function denyPermission(reply: FastifyReply, permission: Permission) {
  return reply
    .code(403)
    .type('text/html; charset=utf-8')
    .send(
      messagePage(
        'Not allowed',
        `This page needs the ${permission} permission. An owner can grant it on the staff page.`,
      ).value,
    );
}

export function requireStaff(req: FastifyRequest): StaffUser {
  if (!req.staff) throw new Error('requireStaff on a route without a role');
  return req.staff;
}
