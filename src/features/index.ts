import { allMigrations } from '../infra/db/migrator.js';
import type { Feature } from '../infra/services.js';
import { casesFeature } from './cases/cases.feature.js';
import { apiFeature } from './api/api.feature.js';
import { commentsFeature } from './comments/comments.feature.js';
import { lettersFeature } from './letters/letters.feature.js';
import { mailingsFeature } from './mailings/mailings.feature.js';
import { outreachFeature } from './outreach/outreach.feature.js';
import { reachFeature } from './reach/reach.feature.js';
import { stormsFeature } from './storms/storms.feature.js';
import { trackersFeature } from './trackers/trackers.feature.js';
import { webhooksFeature } from './webhooks/webhooks.feature.js';
import { civilityFeature } from './civility/civility.feature.js';
import { constituenciesFeature } from './constituencies/constituencies.feature.js';
import { dashboardFeature } from './dashboard/dashboard.feature.js';
import { eventsFeature } from './events/events.feature.js';
import { fieldFeature } from './field/field.feature.js';
import { healthFeature } from './health/health.feature.js';
import { homeFeature } from './home/home.feature.js';
import { jobsAdminFeature } from './jobs-admin/jobs-admin.feature.js';
import { outboxFeature } from './outbox/outbox.feature.js';
import { peopleImportFeature } from './people/import/import.feature.js';
import { peopleFeature } from './people/people.feature.js';
import { petitionsFeature } from './petitions/petitions.feature.js';
import { staffFeature } from './staff/staff.feature.js';
import { targetsFeature } from './targets/targets.feature.js';

/** Every capability, in admin-navigation order (also the order of demo seeding). */
export const FEATURES: Feature[] = [
  dashboardFeature,
  healthFeature,
  homeFeature(() => FEATURES.flatMap((f) => f.publicLinks ?? [])),
  // Reference data first: the demo seeds of later features derive constituencies from it.
  constituenciesFeature,
  targetsFeature,
  peopleFeature,
  peopleImportFeature,
  civilityFeature,
  petitionsFeature,
  commentsFeature,
  lettersFeature,
  // Storms before trackers: the demo tracker's "contact them" links to the demo storm.
  stormsFeature,
  // Reach after storms and petitions: it tallies follower counts for both.
  reachFeature,
  trackersFeature,
  outreachFeature,
  casesFeature,
  // Field after people: its demo allocates supporters; events after field (sessions in target seats).
  fieldFeature,
  eventsFeature,
  mailingsFeature,
  outboxFeature,
  apiFeature(() => FEATURES.flatMap((f) => f.apiResources ?? [])),
  webhooksFeature,
  jobsAdminFeature,
  staffFeature,
];

/** Every table's migrations, the core's and each feature's, in one ordered set. */
export const MIGRATIONS = allMigrations(FEATURES.map((f) => f.migrations));
