import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { formText, idParams, pageQuery, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { renderAdminNotFound } from '../../infra/http/admin-not-found.js';
import { readUpload } from '../../infra/http/file-upload.js';
import type { Services } from '../../infra/services.js';
import { getPerson, type Person } from '../people/people.service.js';
import { CSV_COLUMNS, CSV_MAX_BYTES, CSV_TEMPLATE_ROW } from './outreach.csv.js';
import { streamCsv } from '../../infra/csv/stream-csv.js';
import { dashboardPage } from './outreach.dashboard.views.js';
import { importCases } from './outreach.import.js';
import * as repo from './outreach.repository.js';
import { CLOSING_ACTIONS, type ClosingAction, STATUS_LABELS } from './outreach.rules.js';
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

/** Lenient text: the service's rules answer with field errors on the form. */
const caseBody = z.object({
  postUrl: formText,
  platform: formText,
  handle: formText,
  email: formText,
  postText: formText,
  postedOn: formText,
});
const listQuery = pageQuery.extend({ status: z.string().optional() });
const matchBody = z.object({ email: formText });
const statusBody = z.object({ action: formText });
const templateBody = z.object({ campaignName: formText, subject: formText, body: formText });

export async function outreachRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;
  const viewer = { config: { role: 'viewer' as const } };
  const moderator = { config: { role: 'moderator' as const } };
  const oneCase = { schema: { params: idParams } };

  const canModerate = (req: FastifyRequest) => roleAtLeast(requireStaff(req).role, 'moderator');

  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    renderAdminNotFound(req, reply, 'There is no such case.', { href: BASE, label: 'All cases' });

  const renderCase = async (
    req: FastifyRequest & { params: { id: number } },
    reply: FastifyReply,
    opts: { status?: number; matchError?: string; error?: string } = {},
  ) => {
    const view = await service.getCase(services, req.params.id);
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

  app.get(BASE, { ...viewer, schema: { querystring: listQuery } }, async (req, reply) => {
    // An unknown status shows every case, as a bare list address does.
    const status = CASE_STATUSES.find((s) => s === req.query.status);
    const { page } = req.query;
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

  app.post(BASE, { ...moderator, schema: { body: caseBody } }, async (req, reply) => {
    const form = req.body;
    const result = await service.recordCase(services, { form, source: 'form' }, requireStaff(req));
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
  await app.register(async (plain) => {
    const scope = typedRoutes(plain);
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
            : await importCases(
                services,
                { filename: file.name, bytes: file.bytes },
                requireStaff(req),
              );
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

  app.post(
    `${BASE}/template`,
    { ...moderator, schema: { body: templateBody } },
    async (req, reply) => {
      const form = req.body;
      const staff = requireStaff(req);
      const result = await request.saveTemplate(services, { ...form, signedBy: staff.name }, staff);
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
    },
  );

  // ---- one case --------------------------------------------------------------------------------

  app.get(`${BASE}/:id`, { ...viewer, ...oneCase }, (req, reply) => renderCase(req, reply));

  app.post(
    `${BASE}/:id/match`,
    { ...moderator, schema: { params: idParams, body: matchBody } },
    async (req, reply) => {
      const { id } = req.params;
      const result = await service.matchCaseByEmail(
        services,
        { caseId: id, email: req.body.email },
        requireStaff(req),
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
    },
  );

  app.get(`${BASE}/:id/preview`, { ...moderator, ...oneCase }, async (req, reply) => {
    const row = await repo.findCase(db.kysely, req.params.id);
    if (!row) return notFound(req, reply);
    const rendered = await request.renderRequest(services, {
      row,
      signedBy: requireStaff(req).name,
    });
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

  app.post(`${BASE}/:id/send`, { ...moderator, ...oneCase }, async (req, reply) => {
    const { id } = req.params;
    const staff = requireStaff(req);
    const result = await request.sendRequest(services, { caseId: id, signedBy: staff.name }, staff);
    if (!result.ok) {
      if (result.status === 404) return notFound(req, reply);
      return renderCase(req, reply, { status: result.status, error: result.message });
    }
    setFlash(reply, { kind: 'success', message: 'Request sent. It is in the outbox.' });
    return reply.redirect(views.caseHref(id), 303);
  });

  app.post(
    `${BASE}/:id/status`,
    { ...moderator, schema: { params: idParams, body: statusBody } },
    async (req, reply) => {
      const { id } = req.params;
      const { action } = req.body;
      if (!isClosingAction(action))
        return renderCase(req, reply, { status: 400, error: 'Unknown action.' });
      const result = await service.closeCase(services, { caseId: id, action }, requireStaff(req));
      if (!result.ok) {
        if (result.status === 404) return notFound(req, reply);
        return renderCase(req, reply, { status: result.status, error: result.message });
      }
      setFlash(reply, {
        kind: 'success',
        message: `${CLOSING_ACTIONS[action].label}.`,
      });
      return reply.redirect(views.caseHref(id), 303);
    },
  );
}

function isClosingAction(value: string): value is ClosingAction {
  return Object.hasOwn(CLOSING_ACTIONS, value);
}
