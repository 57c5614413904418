import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { html } from '../../infra/html/html.js';
import { formText, idParams, pageQuery, positiveId, typedRoutes } from '../../infra/http/input.js';
import { readUpload } from '../../infra/http/file-upload.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { renderAdminNotFound } from '../../infra/http/admin-not-found.js';
import type { Services } from '../../infra/services.js';
import { PAGE_SIZE, checkCaseAccess, listCasesFor, viewCase } from './case-view.service.js';
import {
  CaseError,
  EVIDENCE_MAX_BYTES,
  NAME_MAX_LENGTH,
  SUMMARY_MAX_LENGTH,
} from './cases.rules.js';
import { getCaseSettings, saveCaseSettings } from './cases.settings.js';
import { CASE_STATUSES } from './cases.tables.js';
import {
  closeCase,
  confirmDecision,
  proposeDecision,
  recordAppealForParty,
  ruleOnAppeal,
} from './decisions.service.js';
import { addEvidence, readEvidenceFile } from './evidence.service.js';
import { openCase } from './intake.service.js';
import { prefillFrom } from './prefill.service.js';
import { minimiseDueCases } from './retention.service.js';
import * as views from './cases.views.js';
import {
  acknowledgeCase,
  declareConflict,
  notifyRespondent,
  startInvestigating,
  takeCase,
} from './workflow.service.js';

const { BASE } = views;
const caseworker = { role: 'viewer' as const, permission: 'caseworker' as const };
/** Room for the multipart framing and the text fields around the largest accepted file. */
const UPLOAD_BODY_LIMIT = EVIDENCE_MAX_BYTES + 256 * 1024;
const TEXT_FIELD_BYTES = SUMMARY_MAX_LENGTH * 4;
export const COMPLAINT_FIELDS: Record<string, number> = {
  name: NAME_MAX_LENGTH * 4,
  email: 1024,
  category: 100,
  respondentName: NAME_MAX_LENGTH * 4,
  respondentEmail: 1024,
  summary: TEXT_FIELD_BYTES,
  quoted: TEXT_FIELD_BYTES,
  links: 25_000,
  anonymous: 10,
};
const listQuery = pageQuery.extend({ status: z.string().optional(), late: z.string().optional() });
const newQuery = z.object({ source: z.string().default('staff'), ref: z.string().default('') });
const evidenceParams = z.object({ id: positiveId, evidenceId: positiveId });

export function complaintFormOf(fields: Record<string, string>): views.ComplaintFormValues {
  return {
    name: fields.name ?? '',
    email: fields.email ?? '',
    category: fields.category ?? '',
    respondentName: fields.respondentName ?? '',
    respondentEmail: fields.respondentEmail ?? '',
    summary: fields.summary ?? '',
    quoted: fields.quoted ?? '',
    links: fields.links ?? '',
    anonymous: fields.anonymous !== undefined,
  };
}

export async function casesAdminRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);

  const refused = (req: FastifyRequest, reply: FastifyReply, err: CaseError, back: string) =>
    renderAdmin(req, reply, {
      title: 'Not done',
      status: err.status,
      body: html`<p class="flash flash-error" role="alert">${err.message}</p>
        <p>Nothing was changed. <a href="${back}">Back</a></p>`,
    });

  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    renderAdminNotFound(req, reply, 'There is no such case.', { href: BASE, label: 'All cases' });

  app.get(BASE, { config: caseworker, schema: { querystring: listQuery } }, async (req, reply) => {
    const status = CASE_STATUSES.find((s) => s === req.query.status);
    const late = req.query.late === '1';
    const { items, total } = await listCasesFor(services, { status, late }, req.query.page);
    return renderAdmin(req, reply, {
      title: late ? 'Late cases' : 'Conduct cases',
      body: views.listPage({
        items,
        total,
        status,
        late,
        page: req.query.page,
        pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        now: services.clock.now().toISOString(),
        isOwner: roleAtLeast(requireStaff(req).role, 'owner'),
      }),
    });
  });

  app.get(
    `${BASE}/new`,
    { config: caseworker, schema: { querystring: newQuery } },
    async (req, reply) => {
      const ref = positiveId.safeParse(req.query.ref);
      const prefill = await prefillFrom(
        services.db,
        req.query.source,
        ref.success ? ref.data : undefined,
      );
      return renderAdmin(req, reply, {
        title: 'Open a case',
        body: views.newCasePage({
          csrf: reply.generateCsrf(),
          form: prefill.form,
          errors: {},
          source: req.query.source.slice(0, 40),
          sourceRef: req.query.ref.slice(0, 200),
          respondentPersonId: prefill.respondentPersonId,
        }),
      });
    },
  );

  app.get(`${BASE}/settings`, { config: { role: 'owner' } }, async (req, reply) =>
    renderAdmin(req, reply, {
      title: 'Case settings',
      body: views.settingsPage({
        csrf: reply.generateCsrf(),
        settings: await getCaseSettings(services.db),
      }),
    }),
  );

  app.post(
    `${BASE}/settings`,
    { config: { role: 'owner' }, schema: { body: z.record(z.string(), z.string()) } },
    async (req, reply) => {
      try {
        await saveCaseSettings(services.db, req.body);
        setFlash(reply, { kind: 'success', message: 'Settings saved.' });
        return reply.redirect(`${BASE}/settings`, 303);
      } catch (err) {
        if (!(err instanceof CaseError)) throw err;
        return renderAdmin(req, reply, {
          title: 'Case settings',
          status: err.status,
          body: views.settingsPage({
            csrf: reply.generateCsrf(),
            settings: await getCaseSettings(services.db),
            error: err.message,
          }),
        });
      }
    },
  );

  app.post(`${BASE}/minimise`, { config: { role: 'owner' } }, async (req, reply) => {
    const n = await minimiseDueCases(services);
    return renderAdmin(req, reply, {
      title: 'Case settings',
      body: views.settingsPage({
        csrf: reply.generateCsrf(),
        settings: await getCaseSettings(services.db),
        minimised: n,
      }),
    });
  });

  app.get(
    `${BASE}/:id`,
    { config: caseworker, schema: { params: idParams } },
    async (req, reply) => {
      try {
        const view = await viewCase(services, req.params.id, requireStaff(req));
        if (!view) return notFound(req, reply);
        return renderAdmin(req, reply, {
          title: `Case #${view.c.id}`,
          body: views.casePage(view, reply.generateCsrf(), services.clock.now().toISOString()),
        });
      } catch (err) {
        if (!(err instanceof CaseError)) throw err;
        return refused(req, reply, err, BASE);
      }
    },
  );

  app.get(
    `${BASE}/:id/evidence/:evidenceId`,
    { config: caseworker, schema: { params: evidenceParams } },
    async (req, reply) => {
      const { id, evidenceId } = req.params;
      try {
        // The case's own rules first: a party to the case cannot open its files either.
        if (!(await checkCaseAccess(services, id, requireStaff(req)))) return notFound(req, reply);
      } catch (err) {
        if (!(err instanceof CaseError)) throw err;
        return refused(req, reply, err, BASE);
      }
      const file = await readEvidenceFile(services, { caseId: id, evidenceId }, requireStaff(req));
      if (!file) return notFound(req, reply);
      return reply
        .header('content-type', file.mime)
        .header('content-disposition', `attachment; filename="evidence-${file.id}"`)
        .header('cache-control', 'no-store, private')
        .header('x-content-type-options', 'nosniff')
        .send(file.bytes);
    },
  );

  /** A step on the case: do it, then back to the case with a message; refusals say why. */
  const step = <B extends z.ZodTypeAny>(
    path: string,
    body: B,
    act: (
      caseId: number,
      body: z.infer<B>,
      actor: ReturnType<typeof requireStaff>,
    ) => Promise<string>,
  ) =>
    app.post(
      `${BASE}/:id/${path}`,
      { config: caseworker, schema: { params: idParams, body } },
      async (req, reply) => {
        try {
          const message = await act(req.params.id, req.body as z.infer<B>, requireStaff(req));
          setFlash(reply, { kind: 'success', message });
          return reply.redirect(views.caseHref(req.params.id), 303);
        } catch (err) {
          if (!(err instanceof CaseError)) throw err;
          return refused(req, reply, err, views.caseHref(req.params.id));
        }
      },
    );

  const none = z.object({});
  step('take', none, async (id, _b, actor) => {
    await takeCase(services, id, actor);
    return 'You handle this case.';
  });
  step('conflict', z.object({ note: formText }), async (id, b, actor) => {
    await declareConflict(services, { caseId: id, note: b.note }, actor);
    return 'Conflict declared: you can no longer act on this case.';
  });
  step('acknowledge', none, async (id, _b, actor) => {
    await acknowledgeCase(services, id, actor);
    return 'Acknowledged.';
  });
  step('investigate', none, async (id, _b, actor) => {
    await startInvestigating(services, id, actor);
    return 'Investigating.';
  });
  step('notify', none, async (id, _b, actor) => {
    await notifyRespondent(services, id, actor);
    return 'The respondent has been told what is alleged.';
  });
  step(
    'propose',
    z.object({ outcome: formText, reasons: formText, until: formText }),
    async (id, b, actor) => {
      const { issued } = await proposeDecision(services, { caseId: id, ...b }, actor);
      return issued
        ? 'Decision issued; both sides have been emailed.'
        : 'Decision proposed: a different caseworker must confirm it.';
    },
  );
  step('confirm', none, async (id, _b, actor) => {
    await confirmDecision(services, id, actor);
    return 'Decision confirmed and issued; both sides have been emailed.';
  });
  step('appeal', z.object({ grounds: formText }), async (id, b, actor) => {
    await recordAppealForParty(services, { caseId: id, grounds: b.grounds }, actor);
    return 'Appeal recorded.';
  });
  step('rule', z.object({ result: formText, reasons: formText }), async (id, b, actor) => {
    await ruleOnAppeal(services, { caseId: id, ...b }, actor);
    return 'Appeal ruled on; the case is closed.';
  });
  step('close', none, async (id, _b, actor) => {
    await closeCase(services, id, actor);
    return 'Closed.';
  });

  // Uploads: multipart only in this scope; the _csrf field is checked before the file is read.
  await app.register(async (plain) => {
    const scope = typedRoutes(plain);
    await scope.register(multipart);
    const uploadOpts = {
      baseUrl: services.config.baseUrl,
      maxFileBytes: EVIDENCE_MAX_BYTES,
      tooLargeMessage: `Files can be at most ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB. Nothing was saved.`,
    };
    scope.post(
      BASE,
      { config: { ...caseworker, csrf: false }, bodyLimit: UPLOAD_BODY_LIMIT },
      async (req, reply) => {
        const upload = await readUpload(req, reply, {
          ...uploadOpts,
          fields: { ...COMPLAINT_FIELDS, source: 100, sourceRef: 400, respondentPersonId: 20 },
        });
        if (upload === 'refused') return reply;
        const fields = upload.ok ? upload.fields : {};
        const form = complaintFormOf(fields);
        const page = (status: number, errors: Record<string, string>, error?: string) =>
          renderAdmin(req, reply, {
            title: 'Open a case',
            status,
            body: views.newCasePage({
              csrf: reply.generateCsrf(),
              form,
              errors,
              error,
              source: fields.source ?? 'staff',
              sourceRef: fields.sourceRef ?? '',
            }),
          });
        if (!upload.ok) return page(upload.status, {}, upload.message);
        const file = upload.file && upload.file.bytes.length > 0 ? upload.file : undefined;
        const personId = positiveId.safeParse(fields.respondentPersonId ?? '');
        try {
          const result = await openCase(
            services,
            {
              ...form,
              source: fields.source ?? 'staff',
              sourceRef: fields.sourceRef ?? '',
              respondentPersonId: personId.success ? personId.data : undefined,
            },
            file,
            requireStaff(req),
          );
          if (!result.ok) return page(422, result.errors);
          setFlash(reply, { kind: 'success', message: `Case #${result.caseId} opened.` });
          return reply.redirect(views.caseHref(result.caseId), 303);
        } catch (err) {
          if (!(err instanceof CaseError)) throw err;
          return page(err.status, { file: err.message });
        }
      },
    );
    scope.post(
      `${BASE}/:id/evidence`,
      {
        config: { ...caseworker, csrf: false },
        bodyLimit: UPLOAD_BODY_LIMIT,
        schema: { params: idParams },
      },
      async (req, reply) => {
        const upload = await readUpload(req, reply, {
          ...uploadOpts,
          fields: { text: TEXT_FIELD_BYTES, link: 8_000 },
        });
        if (upload === 'refused') return reply;
        const back = views.caseHref(req.params.id);
        if (!upload.ok)
          return refused(req, reply, new CaseError(upload.message, upload.status), back);
        try {
          await addEvidence(
            services,
            {
              caseId: req.params.id,
              text: upload.fields.text ?? '',
              link: upload.fields.link ?? '',
              file: upload.file && upload.file.bytes.length > 0 ? upload.file : undefined,
            },
            requireStaff(req),
          );
          setFlash(reply, { kind: 'success', message: 'Evidence added.' });
          return reply.redirect(back, 303);
        } catch (err) {
          if (!(err instanceof CaseError)) throw err;
          return refused(req, reply, err, back);
        }
      },
    );
  });
}
