import type { FastifySchema } from 'fastify';
import { z } from 'zod';

export interface OpenApiRoute {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
  config: { apiDoc?: { summary: string; response?: z.ZodType; tag?: string } };
}

type Json = Record<string, unknown>;

/** Request shapes as the client sends them (before our transforms), in JSON Schema 2020-12. */
function jsonSchema(schema: unknown, io: 'input' | 'output'): Json {
  if (!(schema instanceof z.ZodType)) return {};
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

function parameters(schema: unknown, where: 'path' | 'query'): Json[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    schema: jsonSchema(field, 'input'),
  }));
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'response_code'],
  properties: { error: { type: 'string' }, response_code: { type: 'integer' } },
};

/**
 * The OpenAPI 3.1 description of the API, built from the routes as registered: their zod
 * schemas are the ones the input layer validates with, so the description cannot drift.
 */
export function openApiDocument(opts: {
  baseUrl: string;
  prefix: string;
  routes: readonly OpenApiRoute[];
}): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of opts.routes) {
    const path =
      `${opts.prefix}${route.url.slice(opts.prefix.length)}`
        .replace(/:([A-Za-z_]+)/g, '{$1}')
        .replace(/\/$/, '') || opts.prefix;
    const doc = route.config.apiDoc;
    const schema = route.schema ?? {};
    const method = route.method.toLowerCase();
    const operation: Json = {
      summary: doc?.summary ?? `${route.method} ${path}`,
      ...(doc?.tag ? { tags: [doc.tag] } : {}),
      parameters: [
        ...parameters(schema.params, 'path'),
        ...parameters(schema.querystring, 'query'),
      ],
      responses: {
        [method === 'post' ? '2XX' : '200']: {
          description: 'HAL+JSON',
          content: {
            'application/hal+json': {
              schema: doc?.response ? jsonSchema(doc.response, 'output') : { type: 'object' },
            },
          },
        },
        '4XX': {
          description: 'The request was refused; `error` says why.',
          content: { 'application/json': { schema: ERROR_SCHEMA } },
        },
      },
    };
    if (schema.body)
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(schema.body, 'input') } },
      };
    (paths[path] ??= {})[method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rally OSDI API',
      version: '1',
      description:
        'The Open Supporter Data Interface of this Rally campaign. Authenticate with the OSDI-API-Token header.',
    },
    servers: [{ url: opts.baseUrl }],
    components: {
      securitySchemes: { osdiToken: { type: 'apiKey', in: 'header', name: 'OSDI-API-Token' } },
    },
    security: [{ osdiToken: [] }],
    paths,
  };
}
