import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type ApiScopes, createApiKey } from './api-keys.service.js';
import { BUILT_IN_RESOURCES } from './api.feature.js';

/**
 * HAL bodies are read by walking their links, as a client would: typed loosely on purpose, so a
 * test reads `body._embedded['osdi:people'][0]._links.self.href` like the JSON it is.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OsdiBody = Record<string, any>;

/** A key made through the service, with the scopes a test names. */
export async function apiKey(app: FastifyInstance, scopes: ApiScopes, name = 'test key') {
  const { secret, key } = await createApiKey(
    app.services,
    { name, scopes, resources: BUILT_IN_RESOURCES.map((r) => r.name) },
    null,
  );
  return { secret, id: key.id };
}

/** An OSDI client: JSON in and out, the key in its header. */
export function osdiClient(app: FastifyInstance, secret: string) {
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
    const res: LightMyRequestResponse = await app.inject({
      method,
      url,
      headers: {
        'osdi-api-token': secret,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      json: () => res.json<OsdiBody>(),
    };
  };
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body: unknown) => call('POST', url, body),
    put: (url: string, body: unknown) => call('PUT', url, body),
    delete: (url: string) => call('DELETE', url),
  };
}

/** A path from one of our absolute HAL links, for app.inject. */
export function pathOf(href: string): string {
  const u = new URL(href);
  return `${u.pathname}${u.search}`;
}
