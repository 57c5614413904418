import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { readUpload } from '../../infra/http/file-upload.js';
import { formField, formFieldList } from '../../infra/http/form-fields.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import {
  positiveIntParam,
  renderAdminNotFound,
  withRecordById,
} from '../../infra/http/route-params.js';
import type { Services } from '../../infra/services.js';
import { listParties, listTargetLists } from '../targets/targets.service.js';
import type { BoardCache } from './board-cache.js';
import { MAX_IMPORT_BYTES, parseStatusCsv } from './trackers.csv.js';
import type { Errors, TrackerForm } from './trackers.rules.js';
import * as service from './trackers.service.js';
import type { Actor, Board, BoardFilters, Tracker } from './trackers.service.js';
import * as views from './trackers.admin.views.js';

/** Longest filter value read from the query string. */
const MAX_FILTER_LENGTH = 100;

function formFromBody(body: unknown): TrackerForm {
  return {
    title: formField(body, 'title'),
    slug: formField(body, 'slug'),
    description: formField(body, 'description'),
    targetListId: formField(body, 'targetListId'),
    parties: formFieldList(body, 'parties'),
    statuses: formField(body, 'statuses'),
    countingStatuses: formField(body, 'countingStatuses'),
    initialStatus: formField(body, 'initialStatus'),
    countNoun: formField(body, 'countNoun'),
    threshold: formField(body, 'threshold'),
    letterSlug: formField(body, 'letterSlug'),
    stormSlug: formField(body, 'stormSlug'),
    published: formField(body, 'published') === '1',
  };
}

function filtersOf(query: unknown): BoardFilters {
  return {
    party: formField(query, 'party', MAX_FILTER_LENGTH).trim(),
    region: formField(query, 'region', MAX_FILTER_LENGTH).trim(),
    status: formField(query, 'status', MAX_FILTER_LENGTH).trim(),
  };
}

function actorOf(req: FastifyRequest): Actor {
  const staff = requireStaff(req);
  return { id: staff.id, name: staff.name };
}

function canEdit(req: FastifyRequest): boolean {
  return roleAtLeast(requireStaff(req).role, 'organiser');
}

/** Organiser pages: create and edit trackers, change statuses, import changes, read history. */
export async function trackersAdminRoutes(
  app: FastifyInstance,
  services: Services,
  cache: BoardCache,
) {
  const { db } = services;
  const ctx: service.TrackersContext = { db, audit: services.audit };

  const notFound = (req: FastifyRequest, reply: FastifyReply, message: string) =>
    renderAdminNotFound(req, reply, message, { href: '/admin/trackers', label: 'All trackers' });

  const withTracker = withRecordById({
    load: (id) => service.getTracker(db, id),
    notFound: (req, reply) => notFound(req, reply, 'There is no such tracker.'),
  });

  async function withEntry(
    req: FastifyRequest,
    reply: FastifyReply,
    then: (
      tracker: Tracker,
      board: Board,
      entry: service.BoardEntry,
    ) => Promise<FastifyReply> | FastifyReply,
  ) {
    return withTracker(req, reply, async (tracker) => {
      const targetId = positiveIntParam(req, 'targetId');
      const board = await service.loadBoard(db, tracker);
      const entry = board.entries.find((e) => e.targetId === targetId);
      if (!entry) return notFound(req, reply, `There is no such target in ${tracker.title}.`);
      return then(tracker, board, entry);
    });
  }

  const partiesByList = async () => {
    const lists = await listTargetLists(db);
    const parties = new Map<number, string[]>();
    for (const l of lists) parties.set(l.id, await listParties(db, l.id));
    return { lists, parties };
  };

  const renderForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: {
      title: string;
      action: string;
      form: TrackerForm;
      errors?: Errors;
      status?: number;
      editing?: Tracker;
      submitLabel: string;
    },
  ) => {
    const { lists, parties } = await partiesByList();
    return renderAdmin(req, reply, {
      title: opts.title,
      status: opts.status ?? 200,
      body: views.trackerForm({
        action: opts.action,
        form: opts.form,
        errors: opts.errors ?? {},
        csrf: reply.generateCsrf(),
        lists,
        parties,
        submitLabel: opts.submitLabel,
        ...(opts.editing ? { editing: opts.editing } : {}),
      }),
    });
  };

  app.get('/admin/trackers', { config: { role: 'viewer' } }, async (req, reply) => {
    const trackers = await service.listAllTrackers(db);
    const boards = await Promise.all(trackers.map((t) => service.loadBoard(db, t)));
    return renderAdmin(req, reply, {
      title: 'Trackers',
      body: views.listPage({ boards, canEdit: canEdit(req) }),
    });
  });

  app.get('/admin/trackers/new', { config: { role: 'organiser' } }, (req, reply) =>
    renderForm(req, reply, {
      title: 'New tracker',
      action: '/admin/trackers',
      form: views.emptyForm(),
      submitLabel: 'Create the tracker',
    }),
  );

  app.post('/admin/trackers', { config: { role: 'organiser' } }, async (req, reply) => {
    const form = formFromBody(req.body);
    const result = await service.createTracker(ctx, form, actorOf(req));
    if (!result.ok)
      return renderForm(req, reply, {
        title: 'New tracker',
        action: '/admin/trackers',
        form,
        errors: result.errors,
        status: 422,
        submitLabel: 'Create the tracker',
      });
    cache.forget(result.tracker.slug);
    setFlash(reply, {
      kind: 'success',
      message: `Created "${result.tracker.title}" over ${result.added} targets.`,
    });
    return reply.redirect(views.adminBase(result.tracker), 303);
  });

  app.get('/admin/trackers/:id', { config: { role: 'viewer' } }, (req, reply) =>
    withTracker(req, reply, async (tracker) => {
      const board = await service.loadBoard(db, tracker);
      const filters = filtersOf(req.query);
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

  app.get('/admin/trackers/:id/edit', { config: { role: 'organiser' } }, (req, reply) =>
    withTracker(req, reply, (tracker) =>
      renderForm(req, reply, {
        title: `Settings: ${tracker.title}`,
        action: views.adminBase(tracker),
        form: views.formOf(tracker),
        editing: tracker,
        submitLabel: 'Save',
      }),
    ),
  );

  app.post('/admin/trackers/:id', { config: { role: 'organiser' } }, (req, reply) =>
    withTracker(req, reply, async (tracker) => {
      const form = formFromBody(req.body);
      const result = await service.updateTracker(ctx, tracker, form, actorOf(req));
      if (!result.ok)
        return renderForm(req, reply, {
          title: `Settings: ${tracker.title}`,
          action: views.adminBase(tracker),
          form: { ...form, slug: tracker.slug },
          errors: result.errors,
          status: 422,
          editing: tracker,
          submitLabel: 'Save',
        });
      cache.forget(tracker.slug);
      setFlash(reply, {
        kind: 'success',
        message: result.added
          ? `Saved. ${result.added} targets who joined since were added.`
          : 'Saved.',
      });
      return reply.redirect(views.adminBase(tracker), 303);
    }),
  );

  app.get('/admin/trackers/:id/history', { config: { role: 'viewer' } }, (req, reply) =>
    withTracker(req, reply, async (tracker) => {
      const pageNumber = Number.parseInt(formField(req.query, 'page', 9), 10);
      const board = await service.loadBoard(db, tracker);
      const page = await service.trackerHistory(db, tracker, board, pageNumber);
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
        history: await service.targetHistory(db, tracker, entry),
        canEdit: canEdit(req),
        csrf: reply.generateCsrf(),
        ...(opts.values ? { values: opts.values } : {}),
        ...(opts.errors ? { errors: opts.errors } : {}),
      }),
    });

  app.get('/admin/trackers/:id/targets/:targetId', { config: { role: 'viewer' } }, (req, reply) =>
    withEntry(req, reply, (tracker, _board, entry) => renderTarget(req, reply, tracker, entry)),
  );

  app.post(
    '/admin/trackers/:id/targets/:targetId/status',
    { config: { role: 'organiser' } },
    (req, reply) =>
      withEntry(req, reply, async (tracker, _board, entry) => {
        const values: views.ChangeValues = {
          status: formField(req.body, 'status', 200),
          evidenceUrl: formField(req.body, 'evidenceUrl', 2_000),
          note: formField(req.body, 'note', 5_000),
          changedAt: formField(req.body, 'changedAt', 100),
        };
        const result = await service.changeStatus(
          ctx,
          tracker,
          entry.targetId,
          values,
          actorOf(req),
        );
        if (!result.ok) {
          if ('notFound' in result)
            return notFound(req, reply, `There is no such target in ${tracker.title}.`);
          return renderTarget(req, reply, tracker, entry, {
            status: 422,
            values,
            errors: result.errors,
          });
        }
        cache.forget(tracker.slug);
        const back = formField(req.body, 'back', 2_000);
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

  app.get('/admin/trackers/:id/import', { config: { role: 'organiser' } }, (req, reply) =>
    withTracker(req, reply, (tracker) => renderImport(req, reply, tracker)),
  );

  // Multipart is registered only in this scope, as other features register their own.
  await app.register(async (scope) => {
    await scope.register(multipart);
    scope.post(
      '/admin/trackers/:id/import',
      { config: { role: 'organiser', csrf: false } },
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
            ctx,
            tracker,
            parsed.rows,
            actorOf(req),
            { dryRun, filename: file.name },
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
