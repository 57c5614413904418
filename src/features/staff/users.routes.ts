import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLES } from '../../infra/auth/auth.tables.js';
import { requireStaff } from '../../infra/auth/guard.js';
import { formCheckbox, formText, idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { permissionsByStaff, setPermission } from './permissions.service.js';
import { startSession } from './session-cookie.js';
import { StaffInputError, firstIssue, newPasswordForm } from './staff.rules.js';
import {
  changeOwnPassword,
  changeRole,
  createStaffAccount,
  getStaff,
  listStaff,
  sendSetupLink,
  setDisabled,
} from './staff.service.js';
import * as views from './staff.views.js';

const newStaffForm = z.object({
  email: formText,
  name: formText,
  role: formText,
  send_link: formCheckbox,
});
const roleForm = z.object({ role: formText });
const passwordChangeForm = z.object({ current: formText, password: formText, confirm: formText });

/** Staff management for owners, and each staff member's own account page. */
export async function usersRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);

  const renderUsers = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { status?: number; error?: string; form?: views.CreateFormValues } = {},
  ) =>
    renderAdmin(req, reply, {
      title: 'Staff',
      status: opts.status ?? 200,
      body: views.usersPage({
        csrf: reply.generateCsrf(),
        users: await listStaff(services),
        permissions: await permissionsByStaff(services),
        viewerId: requireStaff(req).id,
        ...opts,
      }),
    });

  app.get('/admin/users', { config: { role: 'owner' } }, async (req, reply) =>
    renderUsers(req, reply),
  );

  app.post(
    '/admin/users',
    { config: { role: 'owner' }, schema: { body: newStaffForm } },
    async (req, reply) => {
      const actor = requireStaff(req);
      const { send_link: sendLink, ...form } = req.body;
      try {
        const created = await createStaffAccount(services, form, actor);
        if (sendLink) await sendSetupLink(services, { userId: created.id }, actor);
        const user = await getStaff(services, created.id);
        return renderAdmin(req, reply, {
          title: 'Staff member added',
          status: 201,
          body: views.createdNotice({
            email: created.email,
            name: user?.name ?? created.email,
            password: created.password,
            linkSent: sendLink,
          }),
        });
      } catch (err) {
        if (!(err instanceof StaffInputError)) throw err;
        return renderUsers(req, reply, {
          status: err.status,
          error: err.message,
          form: {
            email: form.email.slice(0, 300),
            name: form.name.slice(0, 300),
            role: ROLES.find((r) => r === form.role),
            sendLink,
          },
        });
      }
    },
  );

  /** The shared shape of the per-user buttons: act, then back to the list with a message. */
  const userAction = (
    path: string,
    act: (
      userId: number,
      body: z.infer<typeof roleForm>,
      actor: ReturnType<typeof requireStaff>,
    ) => Promise<string>,
  ) =>
    app.post(
      path,
      { config: { role: 'owner' }, schema: { params: idParams, body: roleForm } },
      async (req, reply) => {
        try {
          const message = await act(req.params.id, req.body, requireStaff(req));
          setFlash(reply, { kind: 'success', message });
          return reply.redirect('/admin/users', 303);
        } catch (err) {
          if (!(err instanceof StaffInputError)) throw err;
          return renderUsers(req, reply, { status: err.status, error: err.message });
        }
      },
    );

  userAction('/admin/users/:id/role', async (userId, { role }, actor) => {
    const user = await changeRole(services, { userId, role }, actor);
    return `${user.name} is now ${user.role === 'owner' ? 'an' : 'a'} ${user.role}.`;
  });
  app.post(
    '/admin/users/:id/permissions',
    {
      config: { role: 'owner' },
      schema: { params: idParams, body: z.object({ permission: formText, granted: formText }) },
    },
    async (req, reply) => {
      try {
        const input = { userId: req.params.id, ...req.body, granted: req.body.granted === 'yes' };
        const done = await setPermission(services, input, requireStaff(req));
        const message = done.granted
          ? `${done.name} now has the ${done.permission} permission.`
          : `${done.name} no longer has the ${done.permission} permission.`;
        setFlash(reply, { kind: 'success', message });
        return reply.redirect('/admin/users', 303);
      } catch (err) {
        if (!(err instanceof StaffInputError)) throw err;
        return renderUsers(req, reply, { status: err.status, error: err.message });
      }
    },
  );
  userAction('/admin/users/:id/disable', async (userId, _body, actor) => {
    const user = await setDisabled(services, { userId, disabled: true }, actor);
    return `${user.name} can no longer log in.`;
  });
  userAction('/admin/users/:id/enable', async (userId, _body, actor) => {
    const user = await setDisabled(services, { userId, disabled: false }, actor);
    return `${user.name} can log in again.`;
  });
  userAction('/admin/users/:id/send-link', async (userId, _body, actor) => {
    const email = await sendSetupLink(services, { userId }, actor);
    return `We emailed ${email} a link to choose a password.`;
  });

  const renderAccount = (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { status?: number; error?: string } = {},
  ) => {
    const me = requireStaff(req);
    return renderAdmin(req, reply, {
      title: 'Your account',
      status: opts.status ?? 200,
      body: views.accountPage({
        csrf: reply.generateCsrf(),
        name: me.name,
        email: me.email,
        role: me.role,
        ...(opts.error ? { error: opts.error } : {}),
      }),
    });
  };

  app.get('/admin/account', { config: { role: 'viewer' } }, async (req, reply) =>
    renderAccount(req, reply),
  );

  app.post(
    '/admin/account/password',
    { config: { role: 'viewer' }, schema: { body: passwordChangeForm } },
    async (req, reply) => {
      const me = requireStaff(req);
      const parsed = newPasswordForm.safeParse(req.body);
      if (!parsed.success)
        return renderAccount(req, reply, { status: 400, error: firstIssue(parsed.error) });
      try {
        await changeOwnPassword(
          services,
          { current: req.body.current, password: parsed.data.password },
          me,
        );
      } catch (err) {
        if (!(err instanceof StaffInputError)) throw err;
        return renderAccount(req, reply, { status: err.status, error: err.message });
      }
      await startSession(services, req, reply, me.id);
      setFlash(reply, {
        kind: 'success',
        message: 'Your password is changed. Other devices have been logged out.',
      });
      return reply.redirect('/admin/account', 303);
    },
  );
}
