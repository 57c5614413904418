import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { html } from '../../infra/html/html.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { idParams, positiveId, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import {
  listPageQuery,
  moderateBody,
  queueQuery,
  sanctionBody,
  threadSettingsBody,
} from './comments.input.js';
import { BULK_MAX, LOG_PAGE_SIZE, QUEUE_PAGE_SIZE } from './comments.limits.js';
import * as repo from './comments.repository.js';
import { QUEUE_TABS, type QueueTab } from './comments.repository.js';
import {
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

/** The ids of the ticked boxes (or of the row's own button), each one a comment's id. */
const commentIds = z.array(positiveId);

export async function moderationRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;

  const badRequest = (req: FastifyRequest, reply: FastifyReply, message: string, status = 400) =>
    renderAdmin(req, reply, {
      title: status === 404 ? 'Not found' : 'Not understood',
      status,
      body: html`<p>${message}</p>
        <p><a href="/admin/moderation">Back to the moderation queue</a></p>`,
    });

  app.get(
    '/admin/moderation',
    { ...viewer, schema: { querystring: queueQuery } },
    async (req, reply) => {
      const { tab, page } = req.query;
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
          now: services.clock.now(),
        }),
      });
    },
  );

  app.post(
    '/admin/moderation',
    { ...moderator, schema: { body: moderateBody } },
    async (req, reply) => {
      const { body } = req;
      const back = `/admin/moderation${isTab(body.tab) ? `?tab=${body.tab}` : ''}`;
      const one = /^(approve|reject):(.*)$/.exec(body.one);
      const action = one ? one[1] : body.action;
      if (action !== 'approve' && action !== 'reject')
        return badRequest(req, reply, 'Choose Approve or Reject.');
      const rawIds = one ? [one[2] as string] : body.ids;
      if (rawIds.length > BULK_MAX)
        return badRequest(req, reply, `At most ${BULK_MAX} comments can be changed at once.`, 413);
      const ids = commentIds.safeParse(rawIds).data;
      if (!ids) return badRequest(req, reply, 'Some ticked items were not comments.');
      const result = await moderateComments(services, { ids, action }, requireStaff(req));
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
    },
  );

  // ---- commenters --------------------------------------------------------------------------------

  const renderCommenter = async (
    req: FastifyRequest & { params: { id: number } },
    reply: FastifyReply,
    form?: SanctionFormState,
  ) => {
    const commenter = await repo.findCommenter(db.kysely, req.params.id);
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
        now: services.clock.now(),
        ...(form ? { form } : {}),
      }),
    });
  };

  app.get(
    '/admin/moderation/commenters/:id',
    { ...viewer, schema: { params: idParams } },
    (req, reply) => renderCommenter(req, reply),
  );

  const sanctionRoute = (kind: 'suspend' | 'ban') =>
    app.post(
      `/admin/moderation/commenters/:id/${kind}`,
      { ...moderator, schema: { params: idParams, body: sanctionBody } },
      async (req, reply) => {
        const { id } = req.params;
        const { reason, until, removeComments } = req.body;
        const result = await sanctionCommenter(
          services,
          kind === 'ban'
            ? { commenterId: id, kind, reason, removeComments }
            : { commenterId: id, kind, until, reason },
          requireStaff(req),
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
      },
    );

  sanctionRoute('suspend');
  sanctionRoute('ban');

  app.post(
    '/admin/moderation/commenters/:id/reinstate',
    { ...moderator, schema: { params: idParams } },
    async (req, reply) => {
      const { id } = req.params;
      const lifted = await reinstateCommenter(services, { commenterId: id }, requireStaff(req));
      setFlash(reply, {
        kind: lifted ? 'success' : 'info',
        message: lifted ? 'The commenter may comment again.' : 'Nothing to lift.',
      });
      return reply.redirect(commenterPath(id), 303);
    },
  );

  // ---- the log and the threads -------------------------------------------------------------------

  app.get(
    '/admin/moderation/log',
    { ...viewer, schema: { querystring: listPageQuery } },
    async (req, reply) => {
      const { page } = req.query;
      const total = await repo.countLog(db.kysely);
      return renderAdmin(req, reply, {
        title: 'Moderation log',
        body: logPage({
          entries: await repo.listLog(db.kysely, (page - 1) * LOG_PAGE_SIZE, LOG_PAGE_SIZE),
          page,
          pageCount: Math.max(1, Math.ceil(total / LOG_PAGE_SIZE)),
        }),
      });
    },
  );

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

  app.post(
    '/admin/moderation/threads/:id',
    { ...organiser, schema: { params: idParams, body: threadSettingsBody } },
    async (req, reply) => {
      const { mode, open } = req.body;
      if (!isModerationMode(mode))
        return badRequest(req, reply, 'Choose post-moderation or pre-moderation.');
      const changed = await changeThreadSettings(
        services,
        { threadId: req.params.id, mode, open },
        requireStaff(req),
      );
      if (!changed) return badRequest(req, reply, 'There is no such discussion.', 404);
      setFlash(reply, { kind: 'success', message: 'Discussion settings saved.' });
      return reply.redirect('/admin/moderation/threads', 303);
    },
  );
}
