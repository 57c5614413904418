import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { html } from '../../infra/html/html.js';
import { answerInputErrorWith, idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin } from '../../infra/http/render.js';
import { MAIL_STATUSES } from '../../infra/mail/mail.tables.js';
import type { OutboxRepository } from '../../infra/mail/outbox.repository.js';
import { outboxDetailBody, outboxListBody } from './outbox.views.js';

export const OUTBOX_PAGE_SIZE = 50;
export const OUTBOX_SEARCH_MAX_LENGTH = 200;
/** Far beyond any real outbox; stops absurd offsets reaching the database. */
const OUTBOX_MAX_PAGE = 100_000;

/**
 * The sandbox keeps the mail's HTML in an opaque origin with no scripts, forms or plugins;
 * links may open in a new tab. Nothing is fetched except inline images, so no tracking pixels.
 * frame-ancestors/X-Frame-Options replace the global "never framed" rule for this one response,
 * which exists only to be framed by the detail page.
 */
export const MAIL_HTML_CSP =
  "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

const ListQuery = z.object({
  status: z
    .union([z.literal(''), z.enum(MAIL_STATUSES)], {
      error: `Status must be one of: ${MAIL_STATUSES.join(', ')}.`,
    })
    .optional()
    .transform((s) => s || undefined),
  q: z
    .string()
    .trim()
    .max(OUTBOX_SEARCH_MAX_LENGTH, {
      error: `Search for at most ${OUTBOX_SEARCH_MAX_LENGTH} characters.`,
    })
    .default(''),
  page: z.coerce
    .number({ error: 'Page must be a number.' })
    .int({ error: 'Page must be a whole number.' })
    .min(1, { error: 'Page must be 1 or more.' })
    .max(OUTBOX_MAX_PAGE, { error: 'That page does not exist.' })
    .default(1),
});

export async function outboxRoutes(base: FastifyInstance, outbox: OutboxRepository) {
  const app = typedRoutes(base);
  const organiser = { config: { role: 'organiser' as const } };
  const organiserOnMail = { ...organiser, schema: { params: idParams } };

  const listOptions = {
    ...organiser,
    schema: { querystring: ListQuery },
    errorHandler: answerInputErrorWith((req, reply, problem) =>
      renderAdmin(req, reply, {
        title: 'Outbox',
        status: 400,
        body: outboxListBody({
          items: [],
          total: 0,
          page: 1,
          pageCount: 0,
          status: undefined,
          recipient: '',
          searchMaxLength: OUTBOX_SEARCH_MAX_LENGTH,
          error: problem,
        }),
      }),
    ),
  };

  app.get('/admin/outbox', listOptions, async (req, reply) => {
    const { status, q, page } = req.query;
    const result = await outbox.list(
      { status, recipient: q || undefined },
      (page - 1) * OUTBOX_PAGE_SIZE,
      OUTBOX_PAGE_SIZE,
    );
    return renderAdmin(req, reply, {
      title: 'Outbox',
      body: outboxListBody({
        ...result,
        page,
        pageCount: Math.ceil(result.total / OUTBOX_PAGE_SIZE),
        status,
        recipient: q,
        searchMaxLength: OUTBOX_SEARCH_MAX_LENGTH,
      }),
    });
  });

  app.get('/admin/outbox/:id', organiserOnMail, async (req, reply) => {
    const mail = await outbox.find(req.params.id);
    if (!mail) {
      return renderAdmin(req, reply, {
        title: 'Message not found',
        status: 404,
        body: html`<p>There is no message with that number.</p>
          <p><a href="/admin/outbox">Back to the outbox</a></p>`,
      });
    }
    return renderAdmin(req, reply, {
      title: mail.subject || '(no subject)',
      body: outboxDetailBody(mail),
    });
  });

  app.get('/admin/outbox/:id/html', organiserOnMail, async (req, reply) => {
    const mail = await outbox.find(req.params.id);
    if (!mail?.html_body) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('This message has no HTML part.');
    }
    return reply
      .header('content-security-policy', MAIL_HTML_CSP)
      .header('x-frame-options', 'SAMEORIGIN')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(mail.html_body);
  });
}
