/**
 * The OSDI kit: what every API resource (ours, and those other features contribute through
 * `Feature.apiResources`) uses to speak HAL+JSON the same way: pages, filters, links, errors.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiResourceDeclaration, Services } from '../../infra/services.js';
import type { ApiKey } from './api-keys.service.js';

export const OSDI_VERSION = '1.1.1';
export const API_PREFIX = '/api/v1';
export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 100;
/** Deeper pages than this are refused: an OFFSET that large is a mistake, not a client. */
export const MAX_PAGE = 100_000;
export const OSDI_CURIES = [
  { name: 'osdi', href: 'https://opensupporter.github.io/osdi-docs/{rel}', templated: true },
];

/** An answer with an OSDI-style error body: `{ error, response_code }`. */
export class OsdiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'OsdiError';
  }
}

export type ApiAccessNeeded = 'read' | 'write';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * API routes name the key scope they need: the resource, and whether they read or write it.
     * 'public' for the description and docs, 'any-key' for the entry point.
     */
    apiScope?: { resource: string; access: ApiAccessNeeded } | 'public' | 'any-key';
    /** What the OpenAPI description says of the route (its input comes from its schema). */
    apiDoc?: { summary: string; response?: z.ZodType; tag?: string };
  }
  interface FastifyRequest {
    apiKey: ApiKey | null;
  }
}

/** A collection under /api/v1 (declared on a Feature as `apiResources`); see infra/services.ts. */
export type ApiResource = ApiResourceDeclaration;

// ---- pages -------------------------------------------------------------------------------------

const pageNumber = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, 'page is a whole number from 1')
  .transform(Number)
  .refine((n) => n <= MAX_PAGE, `page can be at most ${MAX_PAGE}`)
  .default(1);

const perPage = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, `per_page is a whole number from 1 to ${MAX_PER_PAGE}`)
  .transform(Number)
  .refine((n) => n <= MAX_PER_PAGE, `per_page can be at most ${MAX_PER_PAGE}`)
  .default(DEFAULT_PER_PAGE);

/** `?page=&per_page=&filter=` of every collection; any other parameter is refused. */
export const collectionQuery = z.strictObject({
  page: pageNumber,
  per_page: perPage,
  filter: z.string().max(500).optional(),
});
export type CollectionQuery = z.infer<typeof collectionQuery>;

export function offsetOf(q: { page: number; per_page: number }): number {
  return (q.page - 1) * q.per_page;
}

// ---- filters -----------------------------------------------------------------------------------

/** The filter subset clients use most: `modified_date gt|lt '…'`, `email_address eq '…'`. */
export interface OsdiFilter {
  modifiedAfter?: string;
  modifiedBefore?: string;
  email?: string;
}

const CLAUSE = /^\s*(modified_date|email_address)\s+(gt|lt|eq)\s+'([^']*)'\s*$/;

export function parseFilter(
  raw: string | undefined,
  allowed: readonly ('modified_date' | 'email_address')[],
): OsdiFilter {
  if (raw === undefined || raw.trim() === '') return {};
  const out: OsdiFilter = {};
  const supported = allowed
    .map((f) =>
      f === 'modified_date' ? "modified_date gt|lt '<ISO date>'" : "email_address eq '<address>'",
    )
    .join(', ');
  for (const clause of raw.split(/\s+and\s+/i)) {
    const m = CLAUSE.exec(clause);
    const [, field, op, value] = m ?? [];
    if (!m || !field || !op || value === undefined || !allowed.includes(field as 'modified_date'))
      throw new OsdiError(400, `Unsupported filter "${clause.trim()}". Supported: ${supported}.`);
    if (field === 'modified_date') {
      const time = Date.parse(value);
      if (op === 'eq' || Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}/.test(value))
        throw new OsdiError(
          400,
          `modified_date takes gt or lt and an ISO 8601 date, not "${clause.trim()}".`,
        );
      const iso = new Date(time).toISOString();
      if (op === 'gt') out.modifiedAfter = iso;
      else out.modifiedBefore = iso;
    } else {
      if (op !== 'eq') throw new OsdiError(400, 'email_address supports only eq.');
      out.email = value;
    }
  }
  return out;
}

/** A collection request's filter and page, as the feed services take them. */
export function pageRequest(
  q: CollectionQuery,
  allowed: readonly ('modified_date' | 'email_address')[],
): OsdiFilter & { limit: number; offset: number } {
  return { ...parseFilter(q.filter, allowed), limit: q.per_page, offset: offsetOf(q) };
}

// ---- HAL ---------------------------------------------------------------------------------------

export interface Link {
  href: string;
  title?: string;
}

export function apiUrl(services: Pick<Services, 'config'>, path: string): string {
  return `${services.config.baseUrl}${API_PREFIX}${path}`;
}

/** `rally:123`-style identifiers: the system, then our id. */
export function identifiers(kind: string, id: number | string): string[] {
  return [kind === 'person' ? `rally:${id}` : `rally:${kind}:${id}`];
}

/** A collection page: totals, the items under `_embedded`, and next/prev links that keep the filter. */
export function halCollection(
  services: Pick<Services, 'config'>,
  opts: {
    path: string;
    rel: string;
    query: CollectionQuery;
    total: number;
    items: Record<string, unknown>[];
  },
) {
  const { query, total } = opts;
  const totalPages = Math.max(1, Math.ceil(total / query.per_page));
  const pageLink = (page: number): Link => {
    const params = new URLSearchParams({ page: String(page), per_page: String(query.per_page) });
    if (query.filter) params.set('filter', query.filter);
    return { href: `${apiUrl(services, opts.path)}?${params.toString()}` };
  };
  const links: Record<string, unknown> = {
    self: pageLink(query.page),
    curies: OSDI_CURIES,
    [`osdi:${opts.rel}`]: opts.items.map((i) => (i._links as { self: Link }).self),
  };
  if (query.page < totalPages) links.next = pageLink(query.page + 1);
  if (query.page > 1) links.prev = pageLink(Math.min(query.page - 1, totalPages));
  return {
    total_pages: totalPages,
    per_page: query.per_page,
    page: query.page,
    total_records: total,
    _links: links,
    _embedded: { [`osdi:${opts.rel}`]: opts.items },
  };
}

/** The key's scope check, for handlers that decide per request (e.g. an embedded person). */
export function keyAllows(req: FastifyRequest, resource: string, access: ApiAccessNeeded): boolean {
  const granted = req.apiKey?.scopes[resource];
  return granted === 'write' || (granted === 'read' && access === 'read');
}

/** "The id in the URL names nothing": a 404 in the API's words. */
export function notFound(what: string): OsdiError {
  return new OsdiError(404, `There is no ${what} with that id.`);
}

/** Params of `/…/:id` in the API: a malformed id is a 404 like a missing one. */
export const apiIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/)
    .transform(Number)
    .refine((n) => n <= 2_147_483_647),
});
