import type { Feature, Services } from '../../infra/services.js';
import { MailDelivery } from '../../infra/mail/mail-delivery.js';
import { MAIL_DELIVER_JOB } from '../../infra/mail/mailer.js';
import { OutboxRepository } from '../../infra/mail/outbox.repository.js';
import { outboxRoutes } from './outbox.routes.js';

// routes() and jobs() are called separately with the same services; both need the one delivery
// (and its SMTP pool) of that app, closed when the app closes.
const deliveries = new WeakMap<Services, MailDelivery>();

function deliveryFor(services: Services): MailDelivery {
  let delivery = deliveries.get(services);
  if (!delivery) {
    delivery = new MailDelivery(new OutboxRepository(services.db), services.config.smtpUrl);
    deliveries.set(services, delivery);
  }
  return delivery;
}

/** The mail outbox: delivers queued messages and shows organisers everything Rally sent. */
export const outboxFeature: Feature = {
  name: 'outbox',
  nav: [{ href: '/admin/outbox', label: 'Outbox', role: 'organiser' }],
  routes: async (app, services) => {
    app.addHook('onClose', async () => deliveryFor(services).close());
    await outboxRoutes(app, new OutboxRepository(services.db));
  },
  jobs: (services) => ({
    [MAIL_DELIVER_JOB]: (payload, ctx) => deliveryFor(services).deliver(payload, ctx),
  }),
};
