import type { FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../html/html.js';
import { parsePositiveId } from '../validation/ids.js';
import { renderAdmin } from './render.js';

/** The named route parameter as a positive integer id, or null when it is not one. */
export function positiveIntParam(req: FastifyRequest, name: string): number | null {
  return parsePositiveId((req.params as Record<string, unknown> | undefined)?.[name]);
}

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

/**
 * A route helper that reads the record a URL's id names and hands it on, or answers not found
 * (for an id that is malformed or names nothing) without running the handler.
 */
export function withRecordById<T, N>(opts: {
  load: (id: number) => Promise<T | undefined>;
  notFound: (req: FastifyRequest, reply: FastifyReply) => N;
  /** The route parameter holding the id. */
  param?: string;
}) {
  const param = opts.param ?? 'id';
  return async <R>(
    req: FastifyRequest,
    reply: FastifyReply,
    then: (record: T) => R | Promise<R>,
  ): Promise<R | Awaited<N>> => {
    const id = positiveIntParam(req, param);
    const record = id === null ? undefined : await opts.load(id);
    if (record === undefined) return await opts.notFound(req, reply);
    return then(record);
  };
}
