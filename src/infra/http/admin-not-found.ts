import type { FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../html/html.js';
import { renderAdmin } from './render.js';

/** The admin 404 page for a record that does not exist, with a way back to its list. */
export function renderAdminNotFound(
  req: FastifyRequest,
  reply: FastifyReply,
  message: string,
  back: { href: string; label: string },
) {
  return renderAdmin(req, reply, {
    title: 'Not found',
    status: 404,
    body: html`<p>${message}</p>
      <p><a href="${back.href}">${back.label}</a></p>`,
  });
}
