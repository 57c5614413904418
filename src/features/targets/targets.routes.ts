import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { readUpload } from '../../infra/http/file-upload.js';
import { formText, pageQuery, positiveId, typedRoutes } from '../../infra/http/input.js';
import type { Services } from '../../infra/services.js';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, parseTargetsCsv } from './targets.csv.js';
import {
  type ListErrors,
  TARGET_FIELDS,
  type TargetField,
  type TargetListInput,
} from './targets.rules.js';
import * as targets from './targets.service.js';
import type { TargetList } from './targets.service.js';
import * as views from './targets.views.js';

/** Longest filter text kept from the query string. */
const MAX_FILTER_LENGTH = 200;

const listParams = z.object({ slug: z.string() });
const targetParams = z.object({ slug: z.string(), id: positiveId });

const filterText = formText.transform((v) => v.slice(0, MAX_FILTER_LENGTH).trim());
const listQuery = pageQuery.extend({ q: filterText, party: filterText, division: filterText });

const newListBody = z.object({ name: formText, slug: formText, description: formText });

/** Every target field as lenient text: the service's rules answer with field errors. */
const targetBody = z.object(
  Object.fromEntries(TARGET_FIELDS.map((f) => [f, formText])) as Record<
    TargetField,
    typeof formText
  >,
);

/** The confirmation page sends confirm=yes; anything else goes back to that page. */
const deleteBody = z.object({ confirm: formText });

function canEdit(req: FastifyRequest): boolean {
  return roleAtLeast(requireStaff(req).role, 'organiser');
}

function notFound(req: FastifyRequest, reply: FastifyReply, what: string) {
  return renderAdmin(req, reply, {
    title: 'Not found',
    status: 404,
    body: views.notFound(what),
  });
}

/** Admin pages for target lists: browse (viewer), edit and import (organiser). */
export async function targetsRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;

  async function withList(
    req: FastifyRequest & { params: { slug: string } },
    reply: FastifyReply,
    then: (list: TargetList) => Promise<FastifyReply> | FastifyReply,
  ) {
    const list = await targets.getTargetList(db, req.params.slug);
    if (!list) return notFound(req, reply, 'There is no target list at this address.');
    return then(list);
  }

  async function withTarget(
    req: FastifyRequest & { params: { slug: string; id: number } },
    reply: FastifyReply,
    then: (list: TargetList, target: targets.Target) => Promise<FastifyReply>,
  ) {
    return withList(req, reply, async (list) => {
      const target = await targets.getTarget(db, list.id, req.params.id);
      if (!target) return notFound(req, reply, `There is no such target in ${list.name}.`);
      return then(list, target);
    });
  }

  const renderLists = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { status?: number; form?: TargetListInput; errors?: ListErrors } = {},
  ) =>
    renderAdmin(req, reply, {
      title: 'Targets',
      status: opts.status ?? 200,
      body: views.listsPage({
        lists: await targets.listTargetLists(db),
        canEdit: canEdit(req),
        csrf: reply.generateCsrf(),
        ...(opts.form ? { form: opts.form } : {}),
        ...(opts.errors ? { errors: opts.errors } : {}),
      }),
    });

  app.get('/admin/targets', { config: { role: 'viewer' } }, (req, reply) =>
    renderLists(req, reply),
  );

  app.post(
    '/admin/targets',
    { config: { role: 'organiser' }, schema: { body: newListBody } },
    async (req, reply) => {
      const form = req.body;
      const result = await targets.createTargetList(services, form, requireStaff(req));
      if (!result.ok) return renderLists(req, reply, { status: 400, form, errors: result.errors });
      setFlash(reply, { kind: 'success', message: `Created the list ${result.list.name}.` });
      return reply.redirect(`/admin/targets/${result.list.slug}`, 303);
    },
  );

  app.get(
    '/admin/targets/:slug',
    { config: { role: 'viewer' }, schema: { params: listParams, querystring: listQuery } },
    (req, reply) =>
      withList(req, reply, async (list) => {
        const { page: pageNumber, ...filters } = req.query;
        const page = await targets.listTargets(db, list.id, {
          q: filters.q || undefined,
          party: filters.party || undefined,
          division: filters.division || undefined,
          page: pageNumber,
        });
        return renderAdmin(req, reply, {
          title: list.name,
          body: views.listPage({
            list,
            page,
            filters,
            parties: await targets.listParties(db, list.id),
            canEdit: canEdit(req),
          }),
        });
      }),
  );

  app.get(
    '/admin/targets/:slug/new',
    { config: { role: 'organiser' }, schema: { params: listParams } },
    (req, reply) =>
      withList(req, reply, async (list) =>
        renderAdmin(req, reply, {
          title: `Add a target to ${list.name}`,
          body: views.newTargetPage({ list, csrf: reply.generateCsrf() }),
        }),
      ),
  );

  app.post(
    '/admin/targets/:slug/new',
    { config: { role: 'organiser' }, schema: { params: listParams, body: targetBody } },
    (req, reply) =>
      withList(req, reply, async (list) => {
        const input = req.body;
        const result = await targets.createTarget(
          services,
          { listId: list.id, fields: input },
          requireStaff(req),
        );
        if (!result.ok)
          return renderAdmin(req, reply, {
            title: `Add a target to ${list.name}`,
            status: 400,
            body: views.newTargetPage({
              list,
              csrf: reply.generateCsrf(),
              values: input,
              errors: 'errors' in result ? result.errors : {},
            }),
          });
        setFlash(reply, { kind: 'success', message: `Added ${result.target.name}.` });
        return reply.redirect(`/admin/targets/${list.slug}/${result.target.id}`, 303);
      }),
  );

  app.get(
    '/admin/targets/:slug/:id',
    { config: { role: 'viewer' }, schema: { params: targetParams } },
    (req, reply) =>
      withTarget(req, reply, async (list, target) =>
        renderAdmin(req, reply, {
          title: target.name,
          body: views.targetPage({
            list,
            target,
            canEdit: canEdit(req),
            csrf: reply.generateCsrf(),
          }),
        }),
      ),
  );

  app.post(
    '/admin/targets/:slug/:id',
    { config: { role: 'organiser' }, schema: { params: targetParams, body: targetBody } },
    (req, reply) =>
      withTarget(req, reply, async (list, target) => {
        const input = req.body;
        const result = await targets.updateTarget(
          services,
          { listId: list.id, id: target.id, fields: input },
          requireStaff(req),
        );
        if (result.ok) {
          setFlash(reply, { kind: 'success', message: `Saved ${result.target.name}.` });
          return reply.redirect(`/admin/targets/${list.slug}/${target.id}`, 303);
        }
        if ('notFound' in result) return notFound(req, reply, 'This target was just deleted.');
        return renderAdmin(req, reply, {
          title: target.name,
          status: 400,
          body: views.targetPage({
            list,
            target,
            canEdit: true,
            csrf: reply.generateCsrf(),
            values: input,
            errors: result.errors,
          }),
        });
      }),
  );

  app.get(
    '/admin/targets/:slug/:id/delete',
    { config: { role: 'organiser' }, schema: { params: targetParams } },
    (req, reply) =>
      withTarget(req, reply, async (list, target) =>
        renderAdmin(req, reply, {
          title: `Delete ${target.name}?`,
          body: views.deleteConfirmPage({ list, target, csrf: reply.generateCsrf() }),
        }),
      ),
  );

  app.post(
    '/admin/targets/:slug/:id/delete',
    { config: { role: 'organiser' }, schema: { params: targetParams, body: deleteBody } },
    (req, reply) =>
      withTarget(req, reply, async (list, target) => {
        if (req.body.confirm !== 'yes')
          return renderAdmin(req, reply, {
            title: `Delete ${target.name}?`,
            status: 400,
            body: views.deleteConfirmPage({ list, target, csrf: reply.generateCsrf() }),
          });
        await targets.deleteTarget(services, { listId: list.id, id: target.id }, requireStaff(req));
        setFlash(reply, { kind: 'success', message: `Deleted ${target.name}.` });
        return reply.redirect(`/admin/targets/${list.slug}`, 303);
      }),
  );

  const renderImport = (
    req: FastifyRequest,
    reply: FastifyReply,
    list: TargetList,
    opts: { status?: number; error?: string } = {},
  ) =>
    renderAdmin(req, reply, {
      title: `Import into ${list.name}`,
      status: opts.status ?? 200,
      body: views.importPage({
        list,
        csrf: reply.generateCsrf(),
        ...(opts.error ? { error: opts.error } : {}),
      }),
    });

  app.get(
    '/admin/targets/:slug/import',
    { config: { role: 'organiser' }, schema: { params: listParams } },
    (req, reply) => withList(req, reply, (list) => renderImport(req, reply, list)),
  );

  // Multipart is registered only in this scope: the people import registers its own.
  await app.register(async (plain) => {
    const scope = typedRoutes(plain);
    await scope.register(multipart);
    scope.post(
      '/admin/targets/:slug/import',
      { config: { role: 'organiser', csrf: false }, schema: { params: listParams } },
      (req, reply) =>
        withList(req, reply, async (list) => {
          const upload = await readUpload(req, reply, {
            baseUrl: services.config.baseUrl,
            maxFileBytes: MAX_IMPORT_BYTES,
            tooLargeMessage: `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files (at most ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} rows each) and import each.`,
          });
          if (upload === 'refused') return reply;
          if (!upload.ok)
            return renderImport(req, reply, list, { status: upload.status, error: upload.message });
          const { file } = upload;
          if (!file || file.bytes.length === 0)
            return renderImport(req, reply, list, {
              status: 400,
              error: file ? 'The file is empty.' : 'Choose a CSV file to upload.',
            });
          const parsed = parseTargetsCsv(file.bytes);
          if (!parsed.ok)
            return renderImport(req, reply, list, { status: parsed.status, error: parsed.message });
          let report: targets.ImportReport;
          try {
            report = await targets.importTargets(
              services,
              { listId: list.id, rows: parsed.rows, source: `csv:${file.name}` },
              requireStaff(req),
            );
          } catch (err) {
            if (!(err instanceof targets.ImportConflictError)) throw err;
            return renderImport(req, reply, list, { status: 409, error: err.message });
          }
          return renderAdmin(req, reply, {
            title: `Imported into ${list.name}`,
            body: views.importResultPage({
              list,
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
