import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { confirmButtonPage } from '../../infra/html/confirm-button.js';
import { messagePage } from '../../infra/html/layout.js';
import { html } from '../../infra/html/html.js';
import { formText, typedRoutes } from '../../infra/http/input.js';
import { readUpload } from '../../infra/http/file-upload.js';
import { renderPublic } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { COMPLAINT_FIELDS, complaintFormOf } from './cases.admin.routes.js';
import * as pub from './cases.public.views.js';
import { CaseError, EVIDENCE_MAX_BYTES } from './cases.rules.js';
import { emptyComplaint } from './cases.views.js';
import { appealByRespondent } from './decisions.service.js';
import { checkConfirmLink, confirmComplaint, submitComplaint } from './intake.service.js';
import { transparencyReport } from './transparency.service.js';
import { caseForRespondent, respondentReply } from './workflow.service.js';

/** Complaints a client address may send per hour (each one mails a confirmation link). */
export const COMPLAINTS_PER_HOUR = 10;
const tokenParams = z.object({ token: z.string().max(100) });
const invalidLink = () =>
  messagePage('This link does not work', 'It may have expired or been used already.').value;

export async function casesPublicRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);

  app.get('/complaints/new', (req, reply) =>
    renderPublic(req, reply, {
      title: 'Make a complaint',
      body: pub.complaintPage({ csrf: reply.generateCsrf(), form: emptyComplaint(), errors: {} }),
    }),
  );

  await app.register(async (plain) => {
    const scope = typedRoutes(plain);
    await scope.register(multipart);
    scope.post(
      '/complaints',
      {
        config: { csrf: false, rateLimit: { max: COMPLAINTS_PER_HOUR, timeWindow: 3_600_000 } },
        bodyLimit: EVIDENCE_MAX_BYTES + 256 * 1024,
      },
      async (req, reply) => {
        const upload = await readUpload(req, reply, {
          baseUrl: services.config.baseUrl,
          maxFileBytes: EVIDENCE_MAX_BYTES,
          tooLargeMessage: `Files can be at most ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB. Nothing was sent.`,
          fields: COMPLAINT_FIELDS,
        });
        if (upload === 'refused') return reply;
        const form = complaintFormOf(upload.ok ? upload.fields : {});
        const page = (status: number, errors: Record<string, string>, error?: string) =>
          renderPublic(req, reply, {
            title: 'Make a complaint',
            status,
            body: pub.complaintPage({ csrf: reply.generateCsrf(), form, errors, error }),
          });
        if (!upload.ok) return page(upload.status, {}, upload.message);
        const file = upload.file && upload.file.bytes.length > 0 ? upload.file : undefined;
        try {
          const result = await submitComplaint(services, form, file);
          if (!result.ok) return page(422, result.errors);
        } catch (err) {
          if (!(err instanceof CaseError)) throw err;
          return page(err.status, { file: err.message });
        }
        return renderPublic(req, reply, { title: 'Check your email', body: pub.checkEmailPage() });
      },
    );
  });

  app.get('/complaints/confirm/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const state = await checkConfirmLink(services, req.params.token);
    if (state.kind === 'invalid')
      return reply.code(404).type('text/html; charset=utf-8').send(invalidLink());
    if (state.kind === 'done')
      return renderPublic(req, reply, {
        title: 'Complaint confirmed',
        body: html`<p>Your complaint is confirmed. We will acknowledge it soon.</p>`,
      });
    return renderPublic(req, reply, {
      title: 'Confirm your complaint',
      body: confirmButtonPage({
        heading: 'Confirm your complaint',
        explanation: html`Press the button to send your complaint to our caseworkers.`,
        action: `/complaints/confirm/${req.params.token}`,
        token: { field: '_csrf', value: reply.generateCsrf() },
        button: 'Confirm my complaint',
      }),
    });
  });

  app.post(
    '/complaints/confirm/:token',
    { schema: { params: tokenParams } },
    async (req, reply) => {
      const state = await confirmComplaint(services, req.params.token);
      if (state.kind === 'invalid')
        return reply.code(404).type('text/html; charset=utf-8').send(invalidLink());
      return renderPublic(req, reply, {
        title: 'Complaint confirmed',
        body: html`<section class="notice">
          <h1>Thank you</h1>
          <p>Your complaint is confirmed. We will acknowledge it soon.</p>
        </section>`,
      });
    },
  );

  const partyPage = (kind: 'respond' | 'appeal') => {
    const render = pub[kind === 'respond' ? 'respondPage' : 'appealPage'];
    app.get(`/cases/${kind}/:token`, { schema: { params: tokenParams } }, async (req, reply) => {
      const c = await caseForRespondent(services, req.params.token);
      if (!c || c.minimised_at)
        return reply.code(404).type('text/html; charset=utf-8').send(invalidLink());
      return renderPublic(req, reply, {
        title: `Case ${c.id}`,
        body: render({ c, csrf: reply.generateCsrf() }),
      });
    });
    app.post(
      `/cases/${kind}/:token`,
      { schema: { params: tokenParams, body: z.object({ reply: formText, grounds: formText }) } },
      async (req, reply) => {
        const { token } = req.params;
        try {
          if (kind === 'respond') await respondentReply(services, { token, text: req.body.reply });
          else await appealByRespondent(services, { token, grounds: req.body.grounds });
        } catch (err) {
          if (!(err instanceof CaseError)) throw err;
          const c = await caseForRespondent(services, token);
          if (!c) return reply.code(404).type('text/html; charset=utf-8').send(invalidLink());
          return renderPublic(req, reply, {
            title: `Case ${c.id}`,
            status: err.status,
            body: render({ c, csrf: reply.generateCsrf(), error: err.message }),
          });
        }
        const c = await caseForRespondent(services, token);
        if (!c) return reply.code(404).type('text/html; charset=utf-8').send(invalidLink());
        return renderPublic(req, reply, {
          title: `Case ${c.id}`,
          body: render({ c, csrf: reply.generateCsrf(), done: true }),
        });
      },
    );
  };
  partyPage('respond');
  partyPage('appeal');

  app.get('/transparency', async (req, reply) =>
    renderPublic(req, reply, {
      title: 'Complaints: transparency report',
      body: pub.transparencyPage(await transparencyReport(services.db)),
    }),
  );
}
