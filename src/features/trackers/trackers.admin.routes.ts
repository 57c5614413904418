import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { registerAdminResource } from '../../infra/http/admin-resource.js';
import { readUpload } from '../../infra/http/file-upload.js';
import { idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { renderAdminNotFound } from '../../infra/http/admin-not-found.js';
import type { Services } from '../../infra/services.js';
import { listParties, listTargetLists } from '../targets/targets.service.js';
import type { BoardCache } from './board-cache.js';
import { MAX_IMPORT_BYTES, parseStatusCsv } from './trackers.csv.js';
import {
  boardQuery,
  historyQuery,
  statusChangeBody,
  targetParams,
  trackerFormBody,
} from './trackers.input.js';
import type { Errors } from './trackers.rules.js';
import * as service from './trackers.service.js';
import type { Board, Tracker } from './trackers.service.js';
import * as views from './trackers.admin.views.js';

function canEdit(req: FastifyRequest): boolean {
  return roleAtLeast(requireStaff(req).role, 'organiser');
}

/** Organiser pages: create and edit trackers, change statuses, import changes, read history. */
export async function trackersAdminRoutes(
  base: FastifyInstance,
  services: Services,
  cache: BoardCache,
) {
  const app = typedRoutes(base);
  const { db } = services;

  const partiesByList = async () => {
    const lists = await listTargetLists(db);
    const parties = new Map<number, string[]>();
    for (const l of lists) parties.set(l.id, await listParties(db, l.id));
    return { lists, parties };
  };

  const { withRecord: withTracker } = registerAdminResource(app, {
    base: '/admin/trackers',
    noun: 'tracker',
    listLabel: 'All trackers',
    createLabel: 'Create the tracker',
    load: (id) => service.getTracker(services, id),
    href: views.adminBase,
    title: (tracker) => tracker.title,
    body: trackerFormBody,
    toForm: (body) => body,
    emptyForm: views.emptyForm,
    formOf: views.formOf,
    create: (form, actor) => service.createTracker(services, form, actor),
    update: (tracker, form, actor) => service.updateTracker(services, { tracker, form }, actor),
    renderForm: async (req, reply, page) => {
      const { lists, parties } = await partiesByList();
      return renderAdmin(req, reply, {
        title: page.title,
        status: page.status,
        body: views.trackerForm({
          action: page.action,
          // The slug stays as created, whatever the form sent.
          form: page.record ? { ...page.form, slug: page.record.slug } : page.form,
          errors: page.failure?.errors ?? {},
          csrf: reply.generateCsrf(),
          lists,
          parties,
          submitLabel: page.submitLabel,
          ...(page.record ? { editing: page.record } : {}),
        }),
      });
    },
    createdMessage: (tracker, { added }) => `Created "${tracker.title}" over ${added} targets.`,
    savedMessage: (_tracker, { added }) =>
      added ? `Saved. ${added} targets who joined since were added.` : 'Saved.',
    forgetCached: (record) => cache.forget(record.slug),
  });

  const notFoundIn = (req: FastifyRequest, reply: FastifyReply, tracker: Tracker) =>
    renderAdminNotFound(req, reply, `There is no such target in ${tracker.title}.`, {
      href: '/admin/trackers',
      label: 'All trackers',
    });

  /** Loads the tracker and the board entry of the target the URL names, or answers not found. */
  function withEntry<T>(
    req: FastifyRequest & { params: { id: number; targetId: number } },
    reply: FastifyReply,
    then: (tracker: Tracker, board: Board, entry: service.BoardEntry) => T | Promise<T>,
  ) {
    return withTracker(req, reply, async (tracker) => {
      const board = await service.loadBoard(services, tracker);
      const entry = board.entries.find((e) => e.targetId === req.params.targetId);
      if (!entry) return notFoundIn(req, reply, tracker);
      return then(tracker, board, entry);
    });
  }

  app.get('/admin/trackers', { config: { role: 'viewer' } }, async (req, reply) => {
    const trackers = await service.listAllTrackers(services);
    const boards = await Promise.all(trackers.map((t) => service.loadBoard(services, t)));
    return renderAdmin(req, reply, {
      title: 'Trackers',
      body: views.listPage({ boards, canEdit: canEdit(req) }),
    });
  });

  app.get(
    '/admin/trackers/:id',
    { config: { role: 'viewer' }, schema: { params: idParams, querystring: boardQuery } },
    (req, reply) =>
      withTracker(req, reply, async (tracker) => {
        const board = await service.loadBoard(services, tracker);
        const filters = req.query;
        return renderAdmin(req, reply, {
          title: tracker.title,
          body: views.boardAdminPage({
            board,
            entries: service.filterEntries(board, filters),
            filters,
            canEdit: canEdit(req),
            csrf: reply.generateCsrf(),
            back: req.url,
          }),
        });
      }),
  );

  app.get(
    '/admin/trackers/:id/history',
    { config: { role: 'viewer' }, schema: { params: idParams, querystring: historyQuery } },
    (req, reply) =>
      withTracker(req, reply, async (tracker) => {
        const board = await service.loadBoard(services, tracker);
        const page = await service.trackerHistory(services, {
          tracker,
          board,
          page: req.query.page,
        });
        return renderAdmin(req, reply, {
          title: `History: ${tracker.title}`,
          body: views.historyAdminPage({ tracker, page, canEdit: canEdit(req) }),
        });
      }),
  );

  const renderTarget = async (
    req: FastifyRequest,
    reply: FastifyReply,
    tracker: Tracker,
    entry: service.BoardEntry,
    opts: { status?: number; values?: views.ChangeValues; errors?: Errors } = {},
  ) =>
    renderAdmin(req, reply, {
      title: `${entry.name}: ${tracker.title}`,
      status: opts.status ?? 200,
      body: views.targetAdminPage({
        tracker,
        entry,
        history: await service.targetHistory(services, { tracker, entry }),
        canEdit: canEdit(req),
        csrf: reply.generateCsrf(),
        ...(opts.values ? { values: opts.values } : {}),
        ...(opts.errors ? { errors: opts.errors } : {}),
      }),
    });

  app.get(
    '/admin/trackers/:id/targets/:targetId',
    { config: { role: 'viewer' }, schema: { params: targetParams } },
    (req, reply) =>
      withEntry(req, reply, (tracker, _board, entry) => renderTarget(req, reply, tracker, entry)),
  );

  app.post(
    '/admin/trackers/:id/targets/:targetId/status',
    { config: { role: 'organiser' }, schema: { params: targetParams, body: statusChangeBody } },
    (req, reply) =>
      withEntry(req, reply, async (tracker, _board, entry) => {
        const { back, ...change } = req.body;
        const result = await service.changeStatus(
          services,
          { tracker, targetId: entry.targetId, change },
          requireStaff(req),
        );
        if (!result.ok) {
          if ('notFound' in result) return notFoundIn(req, reply, tracker);
          return renderTarget(req, reply, tracker, entry, {
            status: 422,
            values: change,
            errors: result.errors,
          });
        }
        cache.forget(tracker.slug);
        // Only back to this tracker's own pages: never an open redirect.
        const safeBack =
          back.startsWith(`${views.adminBase(tracker)}`) && !back.includes('//')
            ? back
            : views.adminBase(tracker);
        setFlash(
          reply,
          result.outcome === 'unchanged'
            ? { kind: 'info', message: `Nothing changed for ${entry.name}.` }
            : result.outcome === 'past'
              ? {
                  kind: 'success',
                  message: `Added to ${entry.name}'s history; a later change stays current.`,
                }
              : {
                  kind: 'success',
                  message: `${entry.name} is now "${result.status}".`,
                },
        );
        return reply.redirect(safeBack, 303);
      }),
  );

  const renderImport = (
    req: FastifyRequest,
    reply: FastifyReply,
    tracker: Tracker,
    opts: { status?: number; error?: string } = {},
  ) =>
    renderAdmin(req, reply, {
      title: `Import status changes: ${tracker.title}`,
      status: opts.status ?? 200,
      body: views.importPage({
        tracker,
        csrf: reply.generateCsrf(),
        ...(opts.error ? { error: opts.error } : {}),
      }),
    });

  app.get(
    '/admin/trackers/:id/import',
    { config: { role: 'organiser' }, schema: { params: idParams } },
    (req, reply) => withTracker(req, reply, (tracker) => renderImport(req, reply, tracker)),
  );

  // Multipart is registered only in this scope, as other features register their own.
  await app.register(async (plain) => {
    const scope = typedRoutes(plain);
    await scope.register(multipart);
    scope.post(
      '/admin/trackers/:id/import',
      { config: { role: 'organiser', csrf: false }, schema: { params: idParams } },
      (req, reply) =>
        withTracker(req, reply, async (tracker) => {
          const upload = await readUpload(req, reply, {
            baseUrl: services.config.baseUrl,
            maxFileBytes: MAX_IMPORT_BYTES,
            fields: { dryRun: 1 },
            tooLargeMessage: `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it and import each part.`,
          });
          if (upload === 'refused') return reply;
          if (!upload.ok)
            return renderImport(req, reply, tracker, {
              status: upload.status,
              error: upload.message,
            });
          const { fields, file } = upload;
          const dryRun = fields.dryRun === '1';
          if (!file || file.bytes.length === 0)
            return renderImport(req, reply, tracker, {
              status: 400,
              error: file ? 'The file is empty.' : 'Choose a CSV file to upload.',
            });
          const parsed = parseStatusCsv(file.bytes);
          if (!parsed.ok)
            return renderImport(req, reply, tracker, {
              status: parsed.status,
              error: parsed.message,
            });
          const report = await service.importStatusChanges(
            services,
            { tracker, rows: parsed.rows, dryRun, filename: file.name },
            requireStaff(req),
          );
          if (!dryRun) cache.forget(tracker.slug);
          return renderAdmin(req, reply, {
            title: `${dryRun ? 'Dry run' : 'Imported'}: ${tracker.title}`,
            body: views.importResultPage({
              tracker,
              filename: file.name,
              report,
              columns: parsed.columns,
              ignoredColumns: parsed.ignoredColumns,
            }),
          });
        }),
    );
  });
}
