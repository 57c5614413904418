import type { FastifyInstance } from 'fastify';
import { typedRoutes } from '../../infra/http/input.js';
import type { Services } from '../../infra/services.js';
import {
  type FeedMessage,
  getMessageForFeed,
  listMessagesFeed,
} from '../mailings/messages-feed.service.js';
import {
  apiIdParams,
  type ApiResource,
  apiUrl,
  collectionQuery,
  halCollection,
  identifiers,
  notFound,
  pageRequest,
} from './osdi.service.js';

/** Recipients whose message the mail server accepted (what happened after is counted apart). */
const ACCEPTED = ['sent', 'bounced', 'complained', 'unsubscribed'] as const;

function messageHal(services: Pick<Services, 'config'>, m: FeedMessage) {
  const r = m.recipients;
  const total = Object.values(r).reduce((a, b) => a + b, 0);
  return {
    identifiers: identifiers('message', m.id),
    origin_system: 'Rally',
    created_date: m.createdAt,
    modified_date: m.updatedAt,
    subject: m.subject,
    message: m.body,
    'rally:preheader': m.preheader,
    from: m.fromName,
    status: m.status,
    'rally:scheduled_date': m.scheduledAt,
    sent_start_date: m.startedAt,
    'rally:sent_end_date': m.finishedAt,
    total_targeted: total - (r.skipped ?? 0),
    statistics: {
      sent: ACCEPTED.reduce((a, s) => a + (r[s] ?? 0), 0),
      bounced: r.bounced ?? 0,
      unsubscribed: r.unsubscribed ?? 0,
      spam_reports: r.complained ?? 0,
      'rally:failed': r.failed ?? 0,
      'rally:queued': (r.queued ?? 0) + (r.sending ?? 0),
    },
    'rally:recipients': r,
    _links: { self: { href: apiUrl(services, `/messages/${m.id}`) } },
  };
}

/** Mailings as OSDI messages, read-only: they are written and sent in /admin/mailings. */
export const messagesResource: ApiResource = {
  name: 'messages',
  title: 'Messages (mailings, read-only)',
  readOnly: true,
  routes: async (app: FastifyInstance, services: Services) => {
    const api = typedRoutes(app);
    const scope = { resource: 'messages', access: 'read' as const };

    api.get(
      '/messages',
      {
        schema: { querystring: collectionQuery },
        config: {
          apiScope: scope,
          apiDoc: { summary: 'List messages (filter: modified_date)', tag: 'messages' },
        },
      },
      async (req) => {
        const { messages, total } = await listMessagesFeed(services, {
          ...pageRequest(req.query, ['modified_date']),
        });
        return halCollection(services, {
          path: '/messages',
          rel: 'messages',
          query: req.query,
          total,
          items: messages.map((m) => messageHal(services, m)),
        });
      },
    );

    api.get(
      '/messages/:id',
      {
        schema: { params: apiIdParams },
        config: { apiScope: scope, apiDoc: { summary: 'Get a message', tag: 'messages' } },
      },
      async (req) => {
        const m = await getMessageForFeed(services, req.params.id);
        if (!m) throw notFound('message');
        return messageHal(services, m);
      },
    );
  },
};
