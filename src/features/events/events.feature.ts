import type { Feature } from '../../infra/services.js';
import { registerCaseOutcomeApplier } from '../cases/cases.service.js';
import { removeHostApplier } from './events.service.js';
import { eventsAdminRoutes } from './events.admin.routes.js';
import { eventsPersonData } from './events.person-data.js';
import { eventsPublicRoutes } from './events.public.routes.js';
import { seedEventsDemo } from './events.seed.js';
import { REMIND_JOB, remindHandler, rsvpSources } from './rsvp.service.js';
import * as eventsMigration from './migrations/031-events.js';
import * as liftsMigration from './migrations/032-event-lifts.js';
import * as rsvpSourceMigration from './migrations/053-rsvp-source.js';
import * as rsvpUpdatedAtMigration from './migrations/036-rsvp-updated-at.js';
import * as invitationsMigration from './migrations/035-event-invitations.js';

/** Events and canvassing sessions: RSVPs with double opt-in, waiting lists, reminders, check-in. */
export const eventsFeature: Feature = {
  name: 'events',
  migrations: {
    '031-events': eventsMigration,
    '032-event-lifts': liftsMigration,
    '053-rsvp-source': rsvpSourceMigration,
    '035-event-invitations': invitationsMigration,
    '036-rsvp-updated-at': rsvpUpdatedAtMigration,
  },
  actionSources: [rsvpSources],
  personData: eventsPersonData,
  nav: [{ href: '/admin/events', label: 'Events', role: 'viewer' }],
  publicLinks: [
    {
      href: '/events',
      label: 'Events',
      description: 'Canvassing sessions, phone banks, meetings and training near you.',
    },
  ],
  routes: async (app, services) => {
    // A conduct case's "removal from event hosting" outcome takes the respondent off every event
    // they host, inside the decision's transaction.
    registerCaseOutcomeApplier('role_removal', removeHostApplier);
    await eventsPublicRoutes(app, services);
    await eventsAdminRoutes(app, services);
  },
  seedDemo: seedEventsDemo,
  jobs: (services) => ({ [REMIND_JOB]: remindHandler(services) }),
};
