import { DOMAIN_EVENT_JOB } from '../../infra/events/domain-events.js';
import type { Feature } from '../../infra/services.js';
import * as webhooksMigration from './migrations/051-webhooks.js';
import { webhooksRoutes } from './webhooks.routes.js';
import {
  DELIVER_JOB,
  deliverHandler,
  fanOutHandler,
  redactDeliveries,
} from './webhooks.service.js';

export const webhooksFeature: Feature = {
  name: 'webhooks',
  migrations: { '051-webhooks': webhooksMigration },
  nav: [{ href: '/admin/webhooks', label: 'Webhooks', role: 'owner' }],
  // Delivered events may have carried a supporter's email or name.
  personData: {
    name: 'webhooks',
    erase: (trx, _person, needles) => redactDeliveries(trx, needles),
  },
  routes: webhooksRoutes,
  jobs: (services) => ({
    [DOMAIN_EVENT_JOB]: fanOutHandler(services),
    [DELIVER_JOB]: deliverHandler(services),
  }),
};
