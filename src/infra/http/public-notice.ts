import type { FastifyReply } from 'fastify';
import type { SafeHtml } from '../html/html.js';
import { messagePage } from '../html/layout.js';

/** An HTML page already rendered to text; private to the reader unless `cache` says otherwise. */
export function sendHtml(reply: FastifyReply, status: number, text: string, cache = 'no-store') {
  return reply
    .code(status)
    .header('cache-control', cache)
    .type('text/html; charset=utf-8')
    .send(text);
}

/** A public page that only says something (not found, expired, closed), never cached. */
export function sendNotice(
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  extra?: SafeHtml,
) {
  return sendHtml(reply, status, messagePage(title, message, extra).value);
}

/** The 404 answer of the open-data JSON routes. */
export function sendJsonNotFound(reply: FastifyReply, message: string) {
  return reply.code(404).send({ statusCode: 404, error: 'Not Found', message });
}
