import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { formField } from '../../infra/http/form-fields.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { positiveIntParam, renderAdminNotFound } from '../../infra/http/route-params.js';
import { readUpload } from '../../infra/http/file-upload.js';
import type { Services } from '../../infra/services.js';
import { getPerson, type Person } from '../people/people.service.js';
import { CSV_COLUMNS, CSV_MAX_BYTES, CSV_TEMPLATE_ROW } from './outreach.csv.js';
import { streamCsv } from '../../infra/csv/stream-csv.js';
import { dashboardPage } from './outreach.dashboard.views.js';
import { importCases } from './outreach.import.js';
import * as repo from './outreach.repository.js';
import {
  CLOSING_ACTIONS,
  type CaseForm,
  type ClosingAction,
  STATUS_LABELS,
} from './outreach.rules.js';
import { dashboard } from './outreach.dashboard.js';
import * as request from './outreach.request.js';
import * as service from './outreach.service.js';
import { CASE_STATUSES } from './outreach.tables.js';
import { importPage } from './outreach.import.views.js';
import { previewPage, templatePage } from './outreach.request.views.js';
import * as views from './outreach.views.js';

const { BASE } = views;
/** Cases per page of the list. */
export const PAGE_SIZE = 50;
/** Room for the multipart framing and the _csrf field around the largest accepted file. */
const IMPORT_BODY_LIMIT = CSV_MAX_BYTES + 64 * 1024;

function caseFormFrom(body: unknown): CaseForm {
  return {
    postUrl: formField(body, 'postUrl', 10_000),
    platform: formField(body, 'platform', 50),
    handle: formField(body, 'handle', 1_000),
    email: formField(body, 'email', 1_000),
    postText: formField(body, 'postText', 20_000),
    postedOn: formField(body, 'postedOn', 50),
  };
}

function actorOf(req: FastifyRequest): service.Actor {
  const staff = requireStaff(req);
  return { id: staff.id, name: staff.name };
}

export async function outreachRoutes(app: FastifyInstance, services: Services) {
  const { db } = services;
  const viewer = { config: { role: 'viewer' as const } };
  const moderator = { config: { role: 'moderator' as const } };

  const canModerate = (req: FastifyRequest) => roleAtLeast(requireStaff(req).role, 'moderator');

  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    renderAdminNotFound(req, reply, 'There is no such case.', { href: BASE, label: 'All cases' });
  const caseIdOf = (req: FastifyRequest) => positiveIntParam(req, 'id');

  const renderCase = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { status?: number; matchError?: string; error?: string } = {},
  ) => {
    const id = caseIdOf(req);
    const view = id === null ? undefined : await service.getCase(services, id);
    if (!view) return notFound(req, reply);
    return renderAdmin(req, reply, {
      title: `Case #${view.row.id}`,
      status: opts.status ?? 200,
      ...(opts.error ? { flash: { kind: 'error' as const, message: opts.error } } : {}),
      body: views.casePage({
        view,
        canModerate: canModerate(req),
        csrf: reply.generateCsrf(),
        matchError: opts.matchError,
      }),
    });
  };

  // ---- list, record, import --------------------------------------------------------------------

  app.get(BASE, viewer, async (req, reply) => {
    const query = req.query as { status?: unknown; page?: unknown };
    const status = CASE_STATUSES.find((s) => s === query.status);
    const pageText = typeof query.page === 'string' ? query.page : '1';
    const page = Math.max(1, Math.min(100_000, Number.parseInt(pageText, 10) || 1));
    const { items, total } = await repo.listCases(
      db.kysely,
      status ? { status } : {},
      (page - 1) * PAGE_SIZE,
      PAGE_SIZE,
    );
    const people = new Map<number, Person>();
    for (const id of new Set(items.map((c) => c.person_id).filter((p) => p !== null))) {
      const person = await getPerson(db, id);
      if (person) people.set(id, person);
    }
    return renderAdmin(req, reply, {
      title: 'Not in our name',
      body: views.listPage({
        items,
        people,
        total,
        status,
        page,
        pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        canModerate: canModerate(req),
      }),
    });
  });

  app.get(`${BASE}/new`, moderator, (req, reply) =>
    renderAdmin(req, reply, {
      title: 'Record a post',
      body: views.caseFormPage({
        form: views.emptyCaseForm(),
        errors: {},
        csrf: reply.generateCsrf(),
      }),
    }),
  );

  app.post(BASE, moderator, async (req, reply) => {
    const form = caseFormFrom(req.body);
    const result = await service.recordCase(services, form, actorOf(req), 'form');
    if (!result.ok)
      return renderAdmin(req, reply, {
        title: 'Record a post',
        status: 422,
        body: views.caseFormPage({
          form,
          errors: result.errors,
          csrf: reply.generateCsrf(),
          duplicateOf: result.duplicateOf,
        }),
      });
    setFlash(reply, {
      kind: 'success',
      message: `Recorded as case #${result.caseId} (${STATUS_LABELS[result.status]}). ${result.match.note}`,
    });
    return reply.redirect(views.caseHref(result.caseId), 303);
  });

  app.get(`${BASE}/import`, moderator, (req, reply) =>
    renderAdmin(req, reply, {
      title: 'Import posts from CSV',
      body: importPage({ csrf: reply.generateCsrf() }),
    }),
  );

  app.get(`${BASE}/import/template.csv`, moderator, (_req, reply) =>
    streamCsv(reply, {
      filename: 'not-in-our-name-template.csv',
      header: CSV_COLUMNS,
      rows: [CSV_TEMPLATE_ROW],
    }),
  );

  // Multipart only in this scope, with the import's own limits; CSRF is checked once the token
  // field is read (checkUploadForgery), as for every upload.
  await app.register(async (scope) => {
    await scope.register(multipart);
    scope.post(
      `${BASE}/import`,
      { config: { role: 'moderator', csrf: false }, bodyLimit: IMPORT_BODY_LIMIT },
      async (req, reply) => {
        const upload = await readUpload(req, reply, {
          baseUrl: services.config.baseUrl,
          maxFileBytes: CSV_MAX_BYTES,
          tooLargeMessage: `The file is larger than ${CSV_MAX_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
        });
        if (upload === 'refused') return reply;
        const file = upload.ok ? upload.file : undefined;
        const result = !upload.ok
          ? upload
          : !file || file.bytes.length === 0
            ? ({ ok: false, status: 400, message: 'Choose a CSV file to upload.' } as const)
            : await importCases(services, file.name, file.bytes, actorOf(req));
        return renderAdmin(req, reply, {
          title: 'Import posts from CSV',
          status: result.ok ? 200 : result.status,
          body: importPage({
            csrf: reply.generateCsrf(),
            ...(result.ok ? { report: result.report } : { error: result.message }),
          }),
        });
      },
    );
  });

  // ---- dashboard and template (static paths before /:id) ---------------------------------------

  app.get(`${BASE}/dashboard`, viewer, async (req, reply) =>
    renderAdmin(req, reply, {
      title: 'Not in our name: dashboard',
      body: dashboardPage(await dashboard(services)),
    }),
  );

  app.get(`${BASE}/template`, viewer, async (req, reply) =>
    renderAdmin(req, reply, {
      title: 'Request template',
      body: templatePage({
        template: await request.getTemplate(services),
        canModerate: canModerate(req),
        csrf: reply.generateCsrf(),
      }),
    }),
  );

  app.post(`${BASE}/template`, moderator, async (req, reply) => {
    const form = {
      campaignName: formField(req.body, 'campaignName', 1_000),
      subject: formField(req.body, 'subject', 1_000),
      body: formField(req.body, 'body', 20_000),
    };
    const actor = actorOf(req);
    const result = await request.saveTemplate(services, form, actor);
    if (!result.ok)
      return renderAdmin(req, reply, {
        title: 'Request template',
        status: 422,
        body: templatePage({
          template: { ...form, savedAt: (await request.getTemplate(services)).savedAt },
          canModerate: true,
          csrf: reply.generateCsrf(),
          errors: result.errors,
          checked: result.checked,
        }),
      });
    setFlash(reply, { kind: 'success', message: 'Saved. New requests use this wording.' });
    return reply.redirect(`${BASE}/template`, 303);
  });

  // ---- one case --------------------------------------------------------------------------------

  app.get(`${BASE}/:id`, viewer, (req, reply) => renderCase(req, reply));

  app.post(`${BASE}/:id/match`, moderator, async (req, reply) => {
    const id = caseIdOf(req);
    if (id === null) return notFound(req, reply);
    const result = await service.matchCaseByEmail(
      services,
      id,
      formField(req.body, 'email', 1_000),
      actorOf(req),
    );
    if (!result.ok) {
      if (result.status === 404) return notFound(req, reply);
      return renderCase(req, reply, { status: result.status, matchError: result.message });
    }
    setFlash(reply, {
      kind: 'success',
      message: `Matched to ${service.personLabel(result.person)}${result.status === 'repeat' ? ': this supporter has an earlier case, so this one is a repeat' : ''}.`,
    });
    return reply.redirect(views.caseHref(id), 303);
  });

  app.get(`${BASE}/:id/preview`, moderator, async (req, reply) => {
    const id = caseIdOf(req);
    const row = id === null ? undefined : await repo.findCase(db.kysely, id);
    if (!row) return notFound(req, reply);
    const rendered = await request.renderRequest(services, row, requireStaff(req).name);
    if (!rendered.ok) {
      setFlash(reply, { kind: 'error', message: rendered.message });
      return reply.redirect(views.caseHref(row.id), 303);
    }
    return renderAdmin(req, reply, {
      title: `Request for case #${row.id}`,
      body: previewPage({
        caseId: row.id,
        request: rendered.request,
        csrf: reply.generateCsrf(),
      }),
    });
  });

  app.post(`${BASE}/:id/send`, moderator, async (req, reply) => {
    const id = caseIdOf(req);
    if (id === null) return notFound(req, reply);
    const result = await request.sendRequest(services, id, actorOf(req));
    if (!result.ok) {
      if (result.status === 404) return notFound(req, reply);
      return renderCase(req, reply, { status: result.status, error: result.message });
    }
    setFlash(reply, { kind: 'success', message: 'Request sent. It is in the outbox.' });
    return reply.redirect(views.caseHref(id), 303);
  });

  app.post(`${BASE}/:id/status`, moderator, async (req, reply) => {
    const id = caseIdOf(req);
    if (id === null) return notFound(req, reply);
    const action = formField(req.body, 'action', 50);
    if (!Object.hasOwn(CLOSING_ACTIONS, action))
      return renderCase(req, reply, { status: 400, error: 'Unknown action.' });
    const result = await service.closeCase(services, id, action as ClosingAction, actorOf(req));
    if (!result.ok) {
      if (result.status === 404) return notFound(req, reply);
      return renderCase(req, reply, { status: result.status, error: result.message });
    }
    setFlash(reply, {
      kind: 'success',
      message: `${CLOSING_ACTIONS[action as ClosingAction].label}.`,
    });
    return reply.redirect(views.caseHref(id), 303);
  });
}
