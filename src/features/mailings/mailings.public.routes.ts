import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { confirmButtonPage } from '../../infra/html/confirm-button.js';
import { messagePage, publicLayout } from '../../infra/html/layout.js';
import { html } from '../../infra/html/html.js';
import { idParams, typedRoutes } from '../../infra/http/input.js';
import { renderPublic } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { deliveryAudit, publicAudit } from './delivery-audit.service.js';
import { mailingSecret, readToken, verifyToken } from './mailing-tokens.js';
import * as repo from './mailings.repository.js';
import { getMailing } from './mailings.service.js';
import { resolveUnsubscribeToken, unsubscribe } from './unsubscribe.service.js';
import { auditBody } from './mailings.views.js';

const tokenParams = z.object({ token: z.string().max(600) });
/** What RFC 8058 says a one-click POST carries. */
const ONE_CLICK = 'One-Click';

/**
 * RFC 8058 says the body is `List-Unsubscribe=One-Click`; Gmail posts it form-urlencoded, some
 * senders as multipart/form-data. A multipart body is read field by field, small and bounded.
 */
async function multipartOneClick(req: FastifyRequest): Promise<boolean> {
  let oneClick = false;
  try {
    for await (const part of req.parts({
      limits: { fields: 4, fieldSize: 256, files: 1, fileSize: 1024, parts: 5 },
    })) {
      if (part.type === 'file') {
        part.file.resume();
        continue;
      }
      if (part.fieldname === 'List-Unsubscribe' && part.value === ONE_CLICK) oneClick = true;
    }
  } catch {
    // Over the limits or malformed: not a one-click request (the token still unsubscribes).
  }
  return oneClick;
}

function notValid(reply: import('fastify').FastifyReply) {
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(
      messagePage(
        'This link does not work',
        'The unsubscribe link is incomplete or was changed. Use the link from the email itself, or reply to the email and ask us to remove you.',
      ).value,
    );
}

export async function mailingsPublicRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);

  // A page with one button: mail scanners that open the link change nothing. No JS needed.
  app.get('/unsubscribe/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const target = await resolveUnsubscribeToken(services, req.params.token);
    if (!target) return notValid(reply);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        publicLayout({
          title: 'Unsubscribe',
          body: confirmButtonPage({
            heading: 'Unsubscribe',
            explanation: html`Stop all campaign emails to
              <strong>${target.email}</strong
              >${target.mailingSubject ? html` (you got "${target.mailingSubject}")` : ''}.`,
            action: `/unsubscribe/${req.params.token}`,
            // The signed token in the address is the proof; the field only names the action.
            token: { field: 'confirm', value: 'yes' },
            button: 'Unsubscribe',
          }),
        }).value,
      );
  });

  // The button, and RFC 8058 one-click POSTs from mail providers (no cookie, no Origin of ours):
  // the signed token authorises it, so the CSRF check is off for this route only. Multipart is
  // parsed in this route's own scope (some senders post the one-click body that way).
  await app.register(async (plain) => {
    const scope = typedRoutes(plain);
    await scope.register(multipart);
    scope.post(
      '/unsubscribe/:token',
      {
        config: { csrf: false, rateLimit: { max: 30, timeWindow: 60_000 } },
        schema: { params: tokenParams, body: z.record(z.string(), z.unknown()).nullish() },
      },
      async (req, reply) => {
        const target = await resolveUnsubscribeToken(services, req.params.token);
        if (!target) return notValid(reply);
        const oneClick = req.isMultipart()
          ? await multipartOneClick(req)
          : req.body?.['List-Unsubscribe'] === ONE_CLICK;
        await unsubscribe(services, target, oneClick ? 'one-click' : 'link');
        if (oneClick) return reply.code(200).type('text/plain').send('Unsubscribed.');
        return renderPublic(req, reply, {
          title: 'Unsubscribed',
          body: html`<section class="notice">
            <h1>You are unsubscribed</h1>
            <p>
              We will not email ${target.email} again. It is noted in our records as your choice.
            </p>
          </section>`,
        });
      },
    );
  });

  // Opt-in click tracking: the redirect is signed over the recipient and the URL, so it cannot
  // be used to send people elsewhere.
  app.get(
    '/m/c/:token',
    {
      schema: {
        params: tokenParams,
        querystring: z.object({ u: z.string().max(4000).default('') }),
      },
    },
    async (req, reply) => {
      const claim = readToken(req.params.token);
      const url = req.query.u;
      if (!claim || claim.kind !== 'recipient' || !/^https?:\/\//.test(url)) return notValid(reply);
      const r = await repo.findRecipient(services.db.kysely, claim.recipientId);
      const secret = await mailingSecret(services.db);
      if (
        !r ||
        !verifyToken(secret, `click:${url}`, req.params.token, {
          kind: 'recipient',
          recipientId: r.id,
          personId: r.person_id,
          mailingId: r.mailing_id,
        })
      )
        return notValid(reply);
      if (!r.clicked_at)
        await services.db.kysely
          .updateTable('mailing_recipients')
          .set({ clicked_at: services.clock.now().toISOString() })
          .where('id', '=', r.id)
          .execute();
      return reply.redirect(url, 302);
    },
  );

  app.get('/mailings/:id/audit', { schema: { params: idParams } }, async (req, reply) => {
    const mailing = await getMailing(services, req.params.id);
    if (!mailing || !mailing.auditPublic)
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(messagePage('Not published', 'There is no public delivery audit here.').value);
    const audit = publicAudit(await deliveryAudit(services, mailing));
    return renderPublic(req, reply, {
      title: 'Delivery audit',
      body: html`<h1>Who received this mailing</h1>
        <p>"${mailing.subject}"</p>
        ${auditBody(audit, { isPublic: true })}`,
    });
  });
}
