import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ROLES } from '../../infra/auth/auth.tables.js';
import { requireStaff } from '../../infra/auth/guard.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { startSession } from './session-cookie.js';
import { StaffInputError, firstIssue, newPasswordForm } from './staff.rules.js';
import { StaffService } from './staff.service.js';
import * as views from './staff.views.js';
import { formField } from '../../infra/http/form-fields.js';
import { positiveIntParam } from '../../infra/http/route-params.js';

/** Staff management for owners, and each staff member's own account page. */
export async function usersRoutes(app: FastifyInstance, services: Services) {
  const staff = new StaffService(services);

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
        users: await staff.list(),
        viewerId: requireStaff(req).id,
        ...opts,
      }),
    });

  app.get('/admin/users', { config: { role: 'owner' } }, async (req, reply) =>
    renderUsers(req, reply),
  );

  app.post('/admin/users', { config: { role: 'owner' } }, async (req, reply) => {
    const actor = requireStaff(req);
    const form = {
      email: formField(req.body, 'email'),
      name: formField(req.body, 'name'),
      role: formField(req.body, 'role'),
      sendLink: formField(req.body, 'send_link') === '1',
    };
    try {
      const created = await staff.create(
        { email: form.email, name: form.name, role: form.role },
        actor.id,
      );
      if (form.sendLink) await staff.sendSetupLink(actor.id, created.id);
      const user = await staff.get(created.id);
      return renderAdmin(req, reply, {
        title: 'Staff member added',
        status: 201,
        body: views.createdNotice({
          email: created.email,
          name: user?.name ?? created.email,
          password: created.password,
          linkSent: form.sendLink,
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
          sendLink: form.sendLink,
        },
      });
    }
  });

  /** The shared shape of the per-user buttons: act, then back to the list with a message. */
  const userAction = (
    path: string,
    act: (actorId: number, id: number, body: unknown) => Promise<string>,
  ) =>
    app.post(path, { config: { role: 'owner' } }, async (req, reply) => {
      const id = positiveIntParam(req, 'id');
      try {
        if (id === null) throw new StaffInputError('There is no such staff account.', 404);
        const message = await act(requireStaff(req).id, id, req.body);
        setFlash(reply, { kind: 'success', message });
        return reply.redirect('/admin/users', 303);
      } catch (err) {
        if (!(err instanceof StaffInputError)) throw err;
        return renderUsers(req, reply, { status: err.status, error: err.message });
      }
    });

  userAction('/admin/users/:id/role', async (actorId, id, body) => {
    const user = await staff.changeRole(actorId, id, formField(body, 'role'));
    return `${user.name} is now ${user.role === 'owner' ? 'an' : 'a'} ${user.role}.`;
  });
  userAction('/admin/users/:id/disable', async (actorId, id) => {
    const user = await staff.setDisabled(actorId, id, true);
    return `${user.name} can no longer log in.`;
  });
  userAction('/admin/users/:id/enable', async (actorId, id) => {
    const user = await staff.setDisabled(actorId, id, false);
    return `${user.name} can log in again.`;
  });
  userAction('/admin/users/:id/send-link', async (actorId, id) => {
    const email = await staff.sendSetupLink(actorId, id);
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

  app.post('/admin/account/password', { config: { role: 'viewer' } }, async (req, reply) => {
    const me = requireStaff(req);
    const parsed = newPasswordForm.safeParse({
      password: formField(req.body, 'password'),
      confirm: formField(req.body, 'confirm'),
    });
    if (!parsed.success)
      return renderAccount(req, reply, { status: 400, error: firstIssue(parsed.error) });
    try {
      await staff.changeOwnPassword(me.id, formField(req.body, 'current'), parsed.data.password);
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
  });
}
