import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { ApiKeyInputError, createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.js';
import { type KeyFormValues, apiKeysPage } from './api-keys.views.js';
import { API_ACCESS, type ApiAccess } from './api.tables.js';
import type { ApiResource } from './osdi.service.js';

/** The form: a name, and `scope_<resource>` = none | read | write for each resource. */
const keyForm = z.looseObject({ name: z.string().default('') });

function scopesFrom(body: Record<string, unknown>, resources: ApiResource[]) {
  const scopes: Record<string, ApiAccess> = {};
  for (const r of resources) {
    const value = body[`scope_${r.name}`];
    const access = API_ACCESS.find((a) => a === value) ?? 'none';
    // A read-only collection has nothing to write: read is the most it grants.
    scopes[r.name] = r.readOnly && access === 'write' ? 'read' : access;
  }
  return scopes;
}

/** /admin/api-keys: owners create (shown once), see and revoke keys. */
export async function apiKeysRoutes(
  base: FastifyInstance,
  services: Services,
  resources: () => ApiResource[],
) {
  const app = typedRoutes(base);
  const owner = { role: 'owner' as const };

  const show = async (
    req: Parameters<typeof renderAdmin>[0],
    reply: Parameters<typeof renderAdmin>[1],
    extra: {
      status?: number;
      values?: KeyFormValues;
      error?: string;
      created?: { name: string; secret: string };
    } = {},
  ) =>
    renderAdmin(req, reply, {
      title: 'API keys',
      status: extra.status ?? 200,
      body: apiKeysPage({
        keys: await listApiKeys(services),
        resources: resources(),
        csrf: reply.generateCsrf(),
        values: extra.values ?? { name: '', scopes: {} },
        ...(extra.error ? { error: extra.error } : {}),
        ...(extra.created ? { created: extra.created } : {}),
      }),
    });

  app.get('/admin/api-keys', { config: owner }, (req, reply) => show(req, reply));

  app.post('/admin/api-keys', { config: owner, schema: { body: keyForm } }, async (req, reply) => {
    const values = { name: req.body.name, scopes: scopesFrom(req.body, resources()) };
    try {
      const { key, secret } = await createApiKey(
        services,
        { ...values, resources: resources().map((r) => r.name) },
        requireStaff(req),
      );
      // The secret is in this response only: a redirect would need to carry it somewhere.
      return show(req, reply, { status: 201, created: { name: key.name, secret } });
    } catch (err) {
      if (!(err instanceof ApiKeyInputError)) throw err;
      return show(req, reply, { status: 422, values, error: err.message });
    }
  });

  app.post(
    '/admin/api-keys/:id/revoke',
    { config: owner, schema: { params: idParams } },
    async (req, reply) => {
      const done = await revokeApiKey(services, { id: req.params.id }, requireStaff(req));
      setFlash(reply, {
        kind: done ? 'success' : 'info',
        message: done
          ? 'The key was revoked: it no longer works.'
          : 'That key was already revoked.',
      });
      return reply.redirect('/admin/api-keys', 303);
    },
  );
}
