import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { formList, formText, idParams, positiveId, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import {
  WebhookInputError,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  registerEndpoint,
  resendDelivery,
  setEndpointEnabled,
} from './webhooks.service.js';
import { endpointPage, webhooksPage } from './webhooks.views.js';

const endpointForm = z.object({ _csrf: z.string().optional(), url: formText, events: formList });
const deliveryParams = z.object({ id: positiveId, deliveryId: positiveId });

/** /admin/webhooks: owners add endpoints, read the delivery log, send again, turn off and on. */
export async function webhooksRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const owner = { role: 'owner' as const };

  const list = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: { status?: number; values?: { url: string; eventTypes: string[] }; error?: string } = {},
  ) =>
    renderAdmin(req, reply, {
      title: 'Webhooks',
      status: extra.status ?? 200,
      body: webhooksPage({
        endpoints: await listEndpoints(services),
        csrf: reply.generateCsrf(),
        values: extra.values ?? { url: '', eventTypes: [] },
        ...(extra.error ? { error: extra.error } : {}),
      }),
    });

  app.get('/admin/webhooks', { config: owner }, (req, reply) => list(req, reply));

  app.post(
    '/admin/webhooks',
    { config: owner, schema: { body: endpointForm } },
    async (req, reply) => {
      const values = { url: req.body.url, eventTypes: req.body.events };
      try {
        const endpoint = await registerEndpoint(services, values, requireStaff(req));
        setFlash(reply, {
          kind: 'success',
          message: 'Endpoint added. Its signing secret is below.',
        });
        return reply.redirect(`/admin/webhooks/${endpoint.id}`, 303);
      } catch (err) {
        if (!(err instanceof WebhookInputError)) throw err;
        return list(req, reply, { status: 422, values, error: err.message });
      }
    },
  );

  app.get(
    '/admin/webhooks/:id',
    { config: owner, schema: { params: idParams } },
    async (req, reply) => {
      const endpoint = await getEndpoint(services, req.params.id);
      if (!endpoint) return reply.callNotFound();
      return renderAdmin(req, reply, {
        title: 'Webhook endpoint',
        body: endpointPage({
          endpoint,
          deliveries: await listDeliveries(services, endpoint.id),
          csrf: reply.generateCsrf(),
        }),
      });
    },
  );

  app.post(
    '/admin/webhooks/:id/enabled',
    {
      config: owner,
      schema: {
        params: idParams,
        body: z.object({ _csrf: z.string().optional(), enabled: z.enum(['true', 'false']) }),
      },
    },
    async (req, reply) => {
      const enabled = req.body.enabled === 'true';
      if (!(await setEndpointEnabled(services, { id: req.params.id, enabled }, requireStaff(req))))
        return reply.callNotFound();
      setFlash(reply, {
        kind: 'success',
        message: enabled ? 'Deliveries resume.' : 'Deliveries stopped.',
      });
      return reply.redirect(`/admin/webhooks/${req.params.id}`, 303);
    },
  );

  app.post(
    '/admin/webhooks/:id/deliveries/:deliveryId/resend',
    { config: owner, schema: { params: deliveryParams } },
    async (req, reply) => {
      const done = await resendDelivery(
        services,
        { endpointId: req.params.id, deliveryId: req.params.deliveryId },
        requireStaff(req),
      );
      setFlash(reply, {
        kind: done ? 'success' : 'info',
        message: done
          ? 'It will be sent again in a moment.'
          : 'That delivery is already waiting to go.',
      });
      return reply.redirect(`/admin/webhooks/${req.params.id}`, 303);
    },
  );
}
