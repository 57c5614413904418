import type { FastifyInstance } from 'fastify';
import type { Services } from '../../infra/services.js';
import {
  type FeedMessage,
  getMessageForFeed,
  listMessagesFeed,
} from '../mailings/messages-feed.service.js';
import { apiIdParams, type ApiResource, apiUrl, identifiers } from './osdi.service.js';
import { osdiRoutes } from './osdi-routes.js';

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
    const routes = osdiRoutes(app, services, 'messages');

    routes.collection('/messages', {
      summary: 'List messages (filter: modified_date)',
      rel: 'messages',
      page: async (_, page) => {
        const { messages, total } = await listMessagesFeed(services, page);
        return { total, items: messages.map((m) => messageHal(services, m)) };
      },
    });

    routes.item('/messages/:id', {
      summary: 'Get a message',
      what: 'message',
      params: apiIdParams,
      find: async ({ id }) => {
        const m = await getMessageForFeed(services, id);
        return m && messageHal(services, m);
      },
    });
  },
};
