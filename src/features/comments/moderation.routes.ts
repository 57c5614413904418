import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { html } from '../../infra/html/html.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { formField, formFieldList } from '../../infra/http/form-fields.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { positiveIntParam } from '../../infra/http/route-params.js';
import { parsePositiveId } from '../../infra/validation/ids.js';
import type { Services } from '../../infra/services.js';
import {
  BULK_MAX,
  LOG_PAGE_SIZE,
  QUEUE_PAGE_SIZE,
  SANCTION_REASON_MAX_LENGTH,
} from './comments.limits.js';
import * as repo from './comments.repository.js';
import { QUEUE_TABS, type QueueTab } from './comments.repository.js';
import {
  type Moderator,
  changeThreadSettings,
  isModerationMode,
  moderateComments,
  reinstateCommenter,
  sanctionCommenter,
} from './moderation.service.js';
import {
  type SanctionFormState,
  commenterPage,
  commenterPath,
  logPage,
  queuePage,
  threadsPage,
} from './moderation.views.js';

const viewer = { config: { role: 'viewer' as const } };
const moderator = { config: { role: 'moderator' as const } };
const organiser = { config: { role: 'organiser' as const } };

function isTab(value: unknown): value is QueueTab {
  return typeof value === 'string' && (QUEUE_TABS as readonly string[]).includes(value);
}

/** Every value of a repeated form field (checkboxes), ignoring anything that is not text. */
function actorOf(req: FastifyRequest): Moderator {
  const staff = requireStaff(req);
  return { id: staff.id, name: staff.name };
}

function pageParam(req: FastifyRequest): number | null {
  const raw = (req.query as Record<string, unknown>).page;
  return raw === undefined ? 1 : parsePositiveId(raw);
}

export async function moderationRoutes(app: FastifyInstance, services: Services) {
  const { db } = services;

  const badRequest = (req: FastifyRequest, reply: FastifyReply, message: string, status = 400) =>
    renderAdmin(req, reply, {
      title: status === 404 ? 'Not found' : 'Not understood',
      status,
      body: html`<p>${message}</p>
        <p><a href="/admin/moderation">Back to the moderation queue</a></p>`,
    });

  app.get('/admin/moderation', viewer, async (req, reply) => {
    const rawTab = (req.query as Record<string, unknown>).tab;
    if (rawTab !== undefined && !isTab(rawTab))
      return badRequest(
        req,
        reply,
        `There is no queue tab "${typeof rawTab === 'string' ? rawTab : ''}".`,
      );
    const tab: QueueTab = rawTab ?? 'held';
    const page = pageParam(req);
    if (page === null) return badRequest(req, reply, 'Pages are numbered 1, 2, 3…');
    const counts = Object.fromEntries(
      await Promise.all(QUEUE_TABS.map(async (t) => [t, await repo.countQueue(db.kysely, t)])),
    ) as Record<QueueTab, number>;
    const items = await repo.listQueue(
      db.kysely,
      tab,
      (page - 1) * QUEUE_PAGE_SIZE,
      QUEUE_PAGE_SIZE,
    );
    const reports = await repo.reportsFor(
      db.kysely,
      items.map((i) => i.id),
    );
    return renderAdmin(req, reply, {
      title: 'Moderation',
      body: queuePage({
        tab,
        counts,
        items,
        reports,
        page,
        pageCount: Math.max(1, Math.ceil(counts[tab] / QUEUE_PAGE_SIZE)),
        canModerate: roleAtLeast(requireStaff(req).role, 'moderator'),
        csrf: reply.generateCsrf(),
      }),
    });
  });

  app.post('/admin/moderation', moderator, async (req, reply) => {
    const body = req.body;
    const tabField = formField(body, 'tab', 20);
    const back = `/admin/moderation${isTab(tabField) ? `?tab=${tabField}` : ''}`;
    const one = /^(approve|reject):([1-9]\d{0,9})$/.exec(formField(body, 'one', 40));
    const action = one ? one[1] : formField(body, 'action', 20);
    if (action !== 'approve' && action !== 'reject')
      return badRequest(req, reply, 'Choose Approve or Reject.');
    const rawIds = one ? [one[2] as string] : formFieldList(body, 'ids');
    if (rawIds.length > BULK_MAX)
      return badRequest(req, reply, `At most ${BULK_MAX} comments can be changed at once.`, 413);
    const ids = rawIds.map((r) => parsePositiveId(r));
    if (ids.some((id) => id === null))
      return badRequest(req, reply, 'Some ticked items were not comments.');
    const result = await moderateComments(services, actorOf(req), ids as number[], action);
    if (!result.ok) {
      setFlash(reply, { kind: 'error', message: result.error });
      return reply.redirect(back, 303);
    }
    const verb = action === 'approve' ? 'Approved' : 'Rejected';
    setFlash(reply, {
      kind: 'success',
      message: `${verb} ${result.changed} comment${result.changed === 1 ? '' : 's'}${result.skipped ? ` (${result.skipped} unchanged)` : ''}.`,
    });
    return reply.redirect(back, 303);
  });

  // ---- commenters --------------------------------------------------------------------------------

  const renderCommenter = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form?: SanctionFormState,
  ) => {
    const id = positiveIntParam(req, 'id');
    const commenter = id === null ? undefined : await repo.findCommenter(db.kysely, id);
    if (!commenter) return badRequest(req, reply, 'There is no such commenter.', 404);
    return renderAdmin(req, reply, {
      title: `Commenter: ${commenter.display_name}`,
      status: form?.errors ? 422 : 200,
      body: commenterPage({
        commenter,
        comments: await repo.commentsOfCommenter(db.kysely, commenter.id),
        log: await repo.logOfCommenter(db.kysely, commenter.id),
        canModerate: roleAtLeast(requireStaff(req).role, 'moderator'),
        csrf: reply.generateCsrf(),
        ...(form ? { form } : {}),
      }),
    });
  };

  app.get('/admin/moderation/commenters/:id', viewer, (req, reply) => renderCommenter(req, reply));

  const sanctionRoute =
    (kind: 'suspend' | 'ban') => async (req: FastifyRequest, reply: FastifyReply) => {
      const id = positiveIntParam(req, 'id');
      if (id === null) return badRequest(req, reply, 'There is no such commenter.', 404);
      const reason = formField(req.body, 'reason', SANCTION_REASON_MAX_LENGTH * 2);
      const until = formField(req.body, 'until', 20);
      const removeComments = formField(req.body, 'removeComments') === '1';
      const result = await sanctionCommenter(
        services,
        actorOf(req),
        id,
        kind === 'ban' ? { kind, reason, removeComments } : { kind, until, reason },
      );
      if (!result.ok && 'notFound' in result)
        return badRequest(req, reply, 'There is no such commenter.', 404);
      if (!result.ok)
        return renderCommenter(req, reply, {
          kind,
          until,
          reason,
          removeComments,
          errors: result.errors,
        });
      setFlash(reply, {
        kind: 'success',
        message:
          kind === 'ban'
            ? 'The commenter is banned and has been told by email.'
            : 'The commenter is suspended and has been told by email.',
      });
      return reply.redirect(commenterPath(id), 303);
    };

  app.post('/admin/moderation/commenters/:id/suspend', moderator, sanctionRoute('suspend'));
  app.post('/admin/moderation/commenters/:id/ban', moderator, sanctionRoute('ban'));

  app.post('/admin/moderation/commenters/:id/reinstate', moderator, async (req, reply) => {
    const id = positiveIntParam(req, 'id');
    if (id === null) return badRequest(req, reply, 'There is no such commenter.', 404);
    const lifted = await reinstateCommenter(services, actorOf(req), id);
    setFlash(reply, {
      kind: lifted ? 'success' : 'info',
      message: lifted ? 'The commenter may comment again.' : 'Nothing to lift.',
    });
    return reply.redirect(commenterPath(id), 303);
  });

  // ---- the log and the threads -------------------------------------------------------------------

  app.get('/admin/moderation/log', viewer, async (req, reply) => {
    const page = pageParam(req);
    if (page === null) return badRequest(req, reply, 'Pages are numbered 1, 2, 3…');
    const total = await repo.countLog(db.kysely);
    return renderAdmin(req, reply, {
      title: 'Moderation log',
      body: logPage({
        entries: await repo.listLog(db.kysely, (page - 1) * LOG_PAGE_SIZE, LOG_PAGE_SIZE),
        page,
        pageCount: Math.max(1, Math.ceil(total / LOG_PAGE_SIZE)),
      }),
    });
  });

  app.get('/admin/moderation/threads', viewer, async (req, reply) =>
    renderAdmin(req, reply, {
      title: 'Discussions',
      body: threadsPage({
        threads: await repo.listThreadsWithCounts(db.kysely),
        canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
        csrf: reply.generateCsrf(),
      }),
    }),
  );

  app.post('/admin/moderation/threads/:id', organiser, async (req, reply) => {
    const id = positiveIntParam(req, 'id');
    const mode = formField(req.body, 'mode', 10);
    if (!isModerationMode(mode))
      return badRequest(req, reply, 'Choose post-moderation or pre-moderation.');
    const open = formField(req.body, 'open') === '1';
    const changed =
      id !== null && (await changeThreadSettings(services, actorOf(req), id, { mode, open }));
    if (!changed) return badRequest(req, reply, 'There is no such discussion.', 404);
    setFlash(reply, { kind: 'success', message: 'Discussion settings saved.' });
    return reply.redirect('/admin/moderation/threads', 303);
  });
}
