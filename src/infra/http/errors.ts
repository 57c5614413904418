import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { messagePage } from '../html/layout.js';
import { describeInputError } from './input.js';
import { acceptsHtml } from './security.js';

/** Known client-side failures get their own wording; anything else 4xx keeps its message. */
function describe(error: FastifyError): { status: number; title: string; message: string } {
  const status = error.statusCode ?? 500;
  if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
    return {
      status: 403,
      title: 'Form expired',
      message:
        'This form has expired or was not sent from this site. Go back, reload the page and try again.',
    };
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, title: 'Too large', message: 'What you sent is too large.' };
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      status: 415,
      title: 'Unsupported form',
      message: 'This kind of request body is not accepted here.',
    };
  }
  const input = describeInputError(error);
  if (input)
    return {
      status: input.status,
      title: input.status === 404 ? 'Page not found' : 'Request not accepted',
      message: input.message,
    };
  if (status === 429) return { status, title: 'Too many requests', message: error.message };
  if (status >= 400 && status < 500) {
    return {
      status,
      title: 'Request not accepted',
      message: error.message || 'The request was not valid.',
    };
  }
  return {
    status: 500,
    title: 'Something went wrong',
    message: 'Something went wrong on our side. It has been logged.',
  };
}

export function registerErrorHandlers(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const { status, title, message } = describe(error);
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    else req.log.info({ code: error.code, status }, message);
    reply.code(status);
    if (acceptsHtml(req))
      return reply.type('text/html; charset=utf-8').send(messagePage(title, message).value);
    return reply.send({ statusCode: status, error: title, message });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404);
    const message = 'There is nothing at this address.';
    if (acceptsHtml(req))
      return reply
        .type('text/html; charset=utf-8')
        .send(messagePage('Page not found', message).value);
    return reply.send({ statusCode: 404, error: 'Not Found', message });
  });
}
