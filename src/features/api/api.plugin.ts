import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { keyedRateLimiter } from '../../infra/http/rate-limit.js';
import type { Services } from '../../infra/services.js';
import { authenticateApiKey } from './api-keys.service.js';
import { type OpenApiRoute, openApiDocument } from './openapi.js';
import {
  API_PREFIX,
  type ApiResource,
  MAX_PER_PAGE,
  OSDI_CURIES,
  OSDI_VERSION,
  OsdiError,
  apiUrl,
  keyAllows,
} from './osdi.service.js';

/** Requests per key per minute; over it, 429 with Retry-After. */
export const API_RATE_LIMIT = { max: 120, windowMs: 60_000 };
export const API_KEY_HEADER = 'osdi-api-token';

function errorBody(status: number, message: string) {
  return { error: message, response_code: status };
}

/** Every failure in the API's words: a schema error names the field, nothing answers HTML. */
function apiError(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  let status = error.statusCode ?? 500;
  let message = error.message;
  if (hasZodFastifySchemaValidationErrors(error)) {
    if (error.validationContext === 'params') {
      status = 404;
      message = 'There is nothing at this address.';
    } else {
      status = 400;
      const where = error.validationContext === 'querystring' ? 'query' : 'body';
      message = error.validation
        .map((i) => {
          const field = i.instancePath.replace(/^\//, '').replaceAll('/', '.');
          return `${where}${field ? `.${field}` : ''}: ${i.message}`;
        })
        .join('; ');
    }
  } else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    status = 400;
    message = 'The body is not valid JSON.';
  } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    status = 415;
    message = 'Send JSON (Content-Type: application/json or application/hal+json).';
  }
  if (status >= 500) {
    req.log.error({ err: error }, 'API request failed');
    message = 'Something went wrong on our side. It has been logged.';
  }
  return reply.code(status).type('application/json').send(errorBody(status, message));
}

/**
 * /api/v1: the OSDI API, encapsulated so its hooks (key, scope, rate limit) and its JSON error
 * bodies touch no other route. Resources are registered inside it; the OpenAPI description is
 * built from the same route schemas the handlers validate with.
 */
export function apiPlugin(
  services: Services,
  resources: () => ApiResource[],
  /** Filled with every API route as it is registered: the OpenAPI description and docs read it. */
  routes: OpenApiRoute[],
) {
  return async (api: FastifyInstance) => {
    api.decorateRequest('apiKey', null);
    api.addHook('onRoute', (route) => {
      // No cookies are read here: a token header, not a form, so no CSRF token either.
      route.config = { ...route.config, csrf: false };
      if (!route.config.apiScope)
        throw new Error(`${String(route.method)} ${route.url} must declare config.apiScope`);
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods)
        if (method !== 'HEAD' && route.config.apiScope !== 'public')
          routes.push({ method, url: route.url, schema: route.schema, config: route.config });
    });
    api.addContentTypeParser(
      'application/hal+json',
      { parseAs: 'string' },
      api.getDefaultJsonParser('error', 'error'),
    );
    api.setErrorHandler(apiError);
    api.setNotFoundHandler((_req, reply) =>
      reply.code(404).send(errorBody(404, 'There is nothing at this address.')),
    );

    const limiter = keyedRateLimiter(api, API_RATE_LIMIT);
    api.addHook('onRequest', async (req, reply) => {
      const scope = req.routeOptions.config.apiScope;
      if (scope === 'public' || scope === undefined) return;
      const header = req.headers[API_KEY_HEADER];
      const token = typeof header === 'string' ? header.trim() : '';
      if (!token)
        return reply
          .code(401)
          .send(errorBody(401, `Send your API key in the ${API_KEY_HEADER} header.`));
      const key = await authenticateApiKey(services, token);
      if (!key)
        return reply.code(401).send(errorBody(401, 'This API key is not valid or was revoked.'));
      req.apiKey = key;
      if (!(await limiter.hit(req, `api-key:${key.id}`)))
        return reply
          .code(429)
          .header('retry-after', String(Math.ceil(API_RATE_LIMIT.windowMs / 1000)))
          .send(
            errorBody(
              429,
              `At most ${API_RATE_LIMIT.max} requests a minute per key. Try again later.`,
            ),
          );
      if (scope !== 'any-key' && !keyAllows(req, scope.resource, scope.access))
        return reply
          .code(403)
          .send(errorBody(403, `This key may not ${scope.access} ${scope.resource}.`));
    });

    api.get('/', { config: { apiScope: 'any-key' } }, async () => {
      const links: Record<string, unknown> = {
        self: { href: apiUrl(services, '') },
        curies: OSDI_CURIES,
        docs: { href: `${services.config.baseUrl}/api/docs`, title: 'Documentation' },
        'rally:openapi': { href: apiUrl(services, '/openapi.json'), title: 'OpenAPI 3.1' },
        'osdi:person_signup_helper': {
          href: apiUrl(services, '/people/person_signup_helper'),
          title: 'Sign a person up (upsert by email)',
        },
      };
      for (const r of resources())
        links[`osdi:${r.name}`] = { href: apiUrl(services, `/${r.name}`), title: r.title };
      return {
        motd: 'Rally: the Open Supporter Data Interface for this campaign.',
        vendor_name: 'Rally',
        product_name: 'Rally',
        osdi_version: OSDI_VERSION,
        max_pagesize: MAX_PER_PAGE,
        namespace: 'rally',
        _links: links,
      };
    });

    for (const resource of resources()) await resource.routes(api, services);

    api.get('/openapi.json', { config: { apiScope: 'public' } }, async () =>
      openApiDocument({ baseUrl: services.config.baseUrl, prefix: API_PREFIX, routes }),
    );
  };
}

export { OsdiError };
