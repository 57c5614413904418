import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Services } from '../../infra/services.js';
import {
  type ApiAccessNeeded,
  type CollectionQuery,
  collectionQuery,
  halCollection,
  notFound,
  type OsdiFilter,
  pageRequest,
} from './osdi.service.js';

type HalItem = Record<string, unknown>;
type FilterField = 'modified_date' | 'email_address';
/** What the URL pattern's `:names` parsed to (`apiIdParams` and the like). */
type ParamsSchema = z.ZodType<Record<string, string | number>>;

/**
 * The shape every resource's read routes share, so that each resource says only what is its
 * own: the key scope and the OpenAPI entry come from the resource's name; a collection answers
 * a HAL page whose links keep the URL it was asked at; an item that is not there is a 404 in the
 * API's words.
 */
export function osdiRoutes(app: FastifyInstance, services: Services, resource: string) {
  const config = (summary: string, access: ApiAccessNeeded, response?: z.ZodType) => ({
    apiScope: { resource, access },
    apiDoc: { summary, tag: resource, ...(response ? { response } : {}) },
  });

  return {
    /** `config` of a route the resource declares itself (its writes). */
    config,

    /**
     * A paged collection (`?page=&per_page=&filter=`). `page` throws `notFound` when the
     * collection's owner (the petition, the person) does not exist.
     */
    collection<P extends ParamsSchema>(
      url: string,
      opts: {
        summary: string;
        rel: string;
        params?: P;
        filters?: readonly FilterField[];
        page: (
          params: z.output<P>,
          page: OsdiFilter & { limit: number; offset: number },
        ) => Promise<{ total: number; items: HalItem[] }>;
      },
    ) {
      app.get(
        url,
        {
          schema: { ...(opts.params && { params: opts.params }), querystring: collectionQuery },
          config: config(opts.summary, 'read'),
        },
        async (req) => {
          const params = (req.params ?? {}) as z.output<P>;
          const query = req.query as CollectionQuery;
          const filters = opts.filters ?? ['modified_date'];
          const { total, items } = await opts.page(params, pageRequest(query, filters));
          return halCollection(services, {
            path: pathOf(url, params),
            rel: opts.rel,
            query,
            total,
            items,
          });
        },
      );
    },

    /** One item; `find` answers undefined when there is none (a 404 naming `what`). */
    item<P extends ParamsSchema>(
      url: string,
      opts: {
        summary: string;
        what: string;
        params: P;
        response?: z.ZodType;
        find: (params: z.output<P>) => Promise<HalItem | undefined>;
      },
    ) {
      app.get(
        url,
        {
          schema: { params: opts.params },
          config: config(opts.summary, 'read', opts.response),
        },
        async (req) => {
          const found = await opts.find(req.params as z.output<P>);
          if (!found) throw notFound(opts.what);
          return found;
        },
      );
    },
  };
}

/** `/events/:id/attendances` with its parameters filled in, as the page links repeat it. */
function pathOf(url: string, params: Record<string, string | number>): string {
  return url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(params[name])));
}
