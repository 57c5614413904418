import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { streamCsv } from '../../infra/csv/stream-csv.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { html } from '../../infra/html/html.js';
import { pageCountOf, pagination } from '../../infra/html/pagination.js';
import { registerAdminResource } from '../../infra/http/admin-resource.js';
import { answerInputErrorWith, idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { listTargetLists, listTargets } from '../targets/targets.service.js';
import * as repo from './petitions.repository.js';
import type { PetitionRow } from './petitions.repository.js';
import * as service from './petitions.service.js';
import { PETITION_STATUS } from './petitions.service.js';
import * as views from './petitions.admin.views.js';
import type { PetitionsRuntime } from './petitions.runtime.js';
import { invalidateBody, petitionFormBody, strictPageQuery } from './petitions.input.js';
import { readUpload } from '../../infra/http/file-upload.js';
import { eligibilityEntriesFromFile } from './eligibility-file.js';
import { petitionCurveRoutes } from './petitions.curve.js';
import { ELIGIBILITY_MAX_BYTES } from './petitions.rules.js';

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
/** Targets offered in the picker: enough for every MP. */
const TARGET_PICKER_MAX = 1_000;
/** Rows in each trending table. */
const TRENDING_ROWS = 25;
/** Names on each page of the delivery page: a printable stack, however many signed. */
export const DELIVERY_NAMES_PAGE_SIZE = 500;
/** The eligibility list is pasted into a form, so this route takes a larger body. */
const ELIGIBILITY_BODY_LIMIT = 9 * 1024 * 1024;

export async function petitionsAdminRoutes(
  base: FastifyInstance,
  services: Services,
  rt: PetitionsRuntime,
) {
  const app = typedRoutes(base);
  const { db } = services;

  const { withRecord: withPetition } = registerAdminResource(app, {
    base: '/admin/petitions',
    noun: 'petition',
    listLabel: 'All petitions',
    newTitle: 'New petition or open letter',
    load: (id) => repo.findPetition(db.kysely, id),
    href: views.adminBase,
    title: (petition) => petition.title,
    body: petitionFormBody,
    toForm: (body) => body,
    emptyForm: () => views.emptyForm(),
    formOf: views.formOf,
    create: (form, actor) => service.createPetition(services, form, actor),
    update: (petition, form, actor) => service.updatePetition(services, { petition, form }, actor),
    renderForm: async (req, reply, page) => {
      const listId = Number(page.form.targetListId);
      const pickable =
        Number.isInteger(listId) && listId > 0
          ? (await listTargets(db, listId, { pageSize: TARGET_PICKER_MAX })).targets
          : [];
      return renderAdmin(req, reply, {
        title: page.title,
        status: page.status,
        body: views.petitionForm({
          action: page.action,
          form: page.form,
          errors: page.failure?.errors ?? {},
          csrf: reply.generateCsrf(),
          lists: await listTargetLists(db),
          listTargets: pickable,
          submitLabel: page.submitLabel,
        }),
      });
    },
    createdMessage: (petition) =>
      `Created the draft "${petition.title}". Publish it when it is ready.`,
    forgetCached: (record) => rt.cache.forget(record.slug),
    status: {
      ...PETITION_STATUS,
      change: (petition, action, actor) =>
        service.changeStatus(services, { petition, action }, actor),
    },
  });

  const renderList = async (
    req: FastifyRequest,
    reply: FastifyReply,
    reconciliation?: Awaited<ReturnType<typeof service.reconcile>>,
  ) =>
    renderAdmin(req, reply, {
      title: 'Petitions',
      body: views.listPage({
        petitions: await repo.listPetitions(db.kysely),
        canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
        csrf: reply.generateCsrf(),
        ...(reconciliation ? { reconciliation } : {}),
      }),
    });

  /** The petition's page, as its reader's role may act on it. */
  const renderDetail = async (
    req: FastifyRequest,
    reply: FastifyReply,
    petition: PetitionRow,
    opts: { status?: number; eligibilityError?: string } = {},
  ) => {
    const role = requireStaff(req).role;
    return renderAdmin(req, reply, {
      title: petition.title,
      status: opts.status ?? 200,
      body: views.detailPage({
        petition,
        counts: await repo.countsByStatus(db.kysely, petition.id),
        eligibilityEntries: await repo.countEligibility(db.kysely, petition.id),
        targets: await service.targetsOf(db, petition),
        canEdit: roleAtLeast(role, 'organiser'),
        canModerate: roleAtLeast(role, 'moderator'),
        csrf: reply.generateCsrf(),
        ...(opts.eligibilityError ? { eligibilityError: opts.eligibilityError } : {}),
      }),
    });
  };

  app.get('/admin/petitions', { config: { role: 'viewer' } }, (req, reply) =>
    renderList(req, reply),
  );

  app.post('/admin/petitions/reconcile', { config: { role: 'organiser' } }, async (req, reply) => {
    const result = await service.reconcile(services, { fix: true });
    for (const m of result.mismatches) rt.counts.invalidate(m.id);
    return renderList(req, reply, result);
  });

  app.get(
    '/admin/petitions/:id',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    (req, reply) => withPetition(req, reply, (petition) => renderDetail(req, reply, petition)),
  );

  /** The list arrives pasted (urlencoded) or as a file with an optional pasted part (multipart). */
  async function readEligibilityUpload(
    req: FastifyRequest,
    reply: FastifyReply,
    petition: PetitionRow,
  ): Promise<{ list: string } | { error: string } | 'refused'> {
    const upload = await readUpload(req, reply, {
      baseUrl: services.config.baseUrl,
      maxFileBytes: ELIGIBILITY_MAX_BYTES,
      fields: { list: ELIGIBILITY_MAX_BYTES },
      tooLargeMessage: `The file is too large: at most ${ELIGIBILITY_MAX_BYTES / 1024 / 1024} MB.`,
    });
    if (upload === 'refused') return 'refused';
    if (!upload.ok) return { error: upload.message };
    const pasted = upload.fields.list ?? '';
    if (!upload.file || upload.file.bytes.length === 0) return { list: pasted };
    if (petition.eligibility === 'none') return { list: '' };
    const fromFile = eligibilityEntriesFromFile(
      petition.eligibility,
      upload.file.bytes.toString('utf8'),
    );
    if (!fromFile.ok) return { error: fromFile.error };
    return { list: `${pasted}\n${fromFile.text}` };
  }

  // Multipart only in this scope, with the list's own limits; CSRF is checked once the token
  // field is read (checkUploadForgery), as for every upload.
  await app.register(async (scope) => {
    await scope.register(multipart);
    typedRoutes(scope).post(
      '/admin/petitions/:id/eligibility',
      {
        config: { role: 'organiser', csrf: false },
        bodyLimit: ELIGIBILITY_BODY_LIMIT,
        schema: { params: idParams },
      },
      (req, reply) =>
        withPetition(req, reply, async (petition) => {
          const upload = await readEligibilityUpload(req, reply, petition);
          if (upload === 'refused') return reply;
          const result =
            'error' in upload
              ? ({ ok: false, error: upload.error } as const)
              : await service.replaceEligibilityList(
                  services,
                  { petition, text: upload.list },
                  requireStaff(req),
                );
          if (!result.ok)
            return renderDetail(req, reply, petition, {
              status: 422,
              eligibilityError: result.error,
            });
          setFlash(reply, {
            kind: 'success',
            message: `Stored ${plural(result.stored, 'entry', 'entries')}${result.rejected ? `; ${plural(result.rejected, 'line was', 'lines were')} not valid and skipped` : ''}. New signatures are checked against them.`,
          });
          return reply.redirect(views.adminBase(petition), 303);
        }),
    );
  });

  await petitionCurveRoutes(base, services);

  app.get(
    '/admin/petitions/:id/report',
    { config: { role: 'moderator' }, schema: { params: idParams } },
    (req, reply) =>
      withPetition(req, reply, async (petition) =>
        renderAdmin(req, reply, {
          title: `Fraud signals: ${petition.title}`,
          body: views.reportPage({
            petition,
            ips: await repo.trending(db.kysely, petition.id, 'ip', TRENDING_ROWS),
            domains: await repo.trending(db.kysely, petition.id, 'email_domain', TRENDING_ROWS),
            csrf: reply.generateCsrf(),
          }),
        }),
      ),
  );

  app.post(
    '/admin/petitions/:id/invalidate',
    { config: { role: 'moderator' }, schema: { params: idParams, body: invalidateBody } },
    (req, reply) =>
      withPetition(req, reply, async (petition) => {
        const ip = req.body.ip.trim();
        const domain = req.body.domain.trim().toLowerCase();
        if ((!ip && !domain) || (ip && domain) || ip.length > 100 || domain.length > 254) {
          setFlash(reply, {
            kind: 'error',
            message: 'Choose one IP address or one domain to invalidate.',
          });
          return reply.redirect(`${views.adminBase(petition)}/report`, 303);
        }
        const result = await service.invalidateSignatures(
          services,
          { petition, by: ip ? { ip } : { domain } },
          requireStaff(req),
        );
        rt.counts.invalidate(petition.id);
        rt.cache.forget(petition.slug);
        setFlash(reply, {
          kind: 'success',
          message: `Invalidated ${result.invalidated} signatures from ${ip || domain}; ${result.uncounted} left the count.`,
        });
        return reply.redirect(`${views.adminBase(petition)}/report`, 303);
      }),
  );

  app.get(
    '/admin/petitions/:id/signatures.csv',
    { config: { role: 'organiser' }, schema: { params: idParams } },
    (req, reply) =>
      withPetition(req, reply, async (petition) => {
        const { header, rows } = await service.exportSignatures(
          services,
          { petition, chunkRows: rt.exportChunkRows },
          requireStaff(req),
        );
        return streamCsv(reply, {
          filename: `${petition.slug}-signatures.csv`,
          header,
          rows,
        });
      }),
  );

  app.get(
    '/admin/petitions/:id/delivery',
    {
      config: { role: 'viewer' },
      schema: { params: idParams, querystring: strictPageQuery },
      errorHandler: answerInputErrorWith((req, reply) =>
        renderAdmin(req, reply, {
          title: 'Page not found',
          status: 400,
          body: html`<p>Pages of names are numbered 1, 2, 3…</p>
            <p><a href="${req.url.split('?')[0]}">First page</a></p>`,
        }),
      ),
    },
    (req, reply) =>
      withPetition(req, reply, async (petition) => {
        const { page } = req.query;
        const isLetter = petition.kind === 'open_letter';
        const namedTotal = isLetter ? await repo.countNamedSigners(db.kysely, petition.id) : 0;
        const pageCount = pageCountOf(namedTotal, DELIVERY_NAMES_PAGE_SIZE);
        const names = isLetter
          ? await repo.pageOfNamedSigners(db.kysely, petition.id, {
              limit: DELIVERY_NAMES_PAGE_SIZE,
              offset: (page - 1) * DELIVERY_NAMES_PAGE_SIZE,
            })
          : [];
        return renderAdmin(req, reply, {
          title: `Delivery: ${petition.title}`,
          status: page > pageCount ? 404 : 200,
          body: views.deliveryPage({
            petition,
            targets: await service.targetsOf(db, petition),
            byConstituency: await repo.byConstituency(db.kysely, petition.id),
            names,
            namedTotal,
            firstNumber: (page - 1) * DELIVERY_NAMES_PAGE_SIZE + 1,
            pages: pagination({
              page,
              pageCount,
              href: (n) => `${views.adminBase(petition)}/delivery?page=${n}`,
              label: 'Pages of names',
              note: `${namedTotal.toLocaleString('en-GB')} names`,
            }),
          }),
        });
      }),
  );

  app.post(
    '/admin/petitions/:id/email-targets',
    { config: { role: 'organiser' }, schema: { params: idParams } },
    (req, reply) =>
      withPetition(req, reply, async (petition) => {
        const emailed = await service.emailTargets(
          services,
          { petition, link: `${services.config.baseUrl}/p/${petition.slug}` },
          requireStaff(req),
        );
        setFlash(reply, {
          kind: 'success',
          message: `Emailed ${emailed} target${emailed === 1 ? '' : 's'}.`,
        });
        return reply.redirect(views.adminBase(petition), 303);
      }),
  );
}
