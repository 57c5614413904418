import type { Feature, Services } from '../../infra/services.js';
import { bouncesRoutes } from './bounces.routes.js';
import { inboundCommand } from './inbound.cli.js';
import { mailingsPersonData } from './mailings.person-data.js';
import { mailingsPublicRoutes } from './mailings.public.routes.js';
import { mailingsAdminRoutes } from './mailings.routes.js';
import { seedMailingsDemo } from './mailings.seed.js';
import { DECIDE_JOB, SEND_JOB } from './mailings.service.js';
import { decideHandler } from './subject-test.js';
import { mailingSecret } from './mailing-tokens.js';
import { MailingSender } from './sending.js';
import * as mailingsMigration from './migrations/020-mailings.js';
import * as subjectTestsMigration from './migrations/024-mailing-subject-tests.js';
import * as handoffMigration from './migrations/075-mailing-handoff.js';
import * as actionLinksMigration from './migrations/076-mailing-letter-event-links.js';

/** One sender (one SMTP pool) per app: the routes close it with the app, the job uses it. */
const senders = new WeakMap<Services, MailingSender>();
function senderOf(services: Services): MailingSender {
  let sender = senders.get(services);
  if (!sender) {
    sender = new MailingSender(services);
    senders.set(services, sender);
  }
  return sender;
}

export const mailingsFeature: Feature = {
  name: 'mailings',
  migrations: {
    '020-mailings': mailingsMigration,
    '024-mailing-subject-tests': subjectTestsMigration,
    '075-mailing-handoff': handoffMigration,
    '076-mailing-letter-event-links': actionLinksMigration,
  },
  personData: mailingsPersonData,
  nav: [{ href: '/admin/mailings', label: 'Mailings', role: 'viewer' }],
  routes: async (app, services) => {
    // Read once now: other features sign unsubscribe links inside their transactions, where a
    // first read of the secret would wait for SQLite's one connection.
    await mailingSecret(services.db);
    app.addHook('onClose', async () => senderOf(services).close());
    await mailingsPublicRoutes(app, services);
    await mailingsAdminRoutes(app, services);
    await bouncesRoutes(app, services);
  },
  jobs: (services) => {
    const sender = senderOf(services);
    return {
      [SEND_JOB]: (payload, ctx) => sender.run(payload, ctx),
      [DECIDE_JOB]: decideHandler(services),
    };
  },
  cli: { inbound: inboundCommand },
  seedDemo: seedMailingsDemo,
};
