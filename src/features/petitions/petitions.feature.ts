import type { Feature } from '../../infra/services.js';
import { petitionsPersonData } from './petitions.person-data.js';
import { petitionsAdminRoutes } from './petitions.admin.routes.js';
import { petitionsCli } from './petitions.cli.js';
import { petitionsPublicRoutes } from './petitions.public.routes.js';
import { createRuntime } from './petitions.runtime.js';
import { seedPetitionsDemo } from './petitions.seed.js';
import { PROCESS_BATCH_JOB, processBatchHandler } from './signing.service.js';
import * as petitionsMigration from './migrations/010-petitions.js';
import * as signaturesByIdMigration from './migrations/016-petition-signatures-by-id.js';
import * as recentSignersMigration from './migrations/017-recent-signers.js';
import * as signatureSourceMigration from './migrations/021-signature-source.js';
import { signatureSources } from './petitions.service.js';

export const petitionsFeature: Feature = {
  name: 'petitions',
  migrations: {
    '010-petitions': petitionsMigration,
    '016-petition-signatures-by-id': signaturesByIdMigration,
    '017-recent-signers': recentSignersMigration,
    '021-signature-source': signatureSourceMigration,
  },
  actionSources: [signatureSources],
  personData: petitionsPersonData,
  nav: [{ href: '/admin/petitions', label: 'Petitions', role: 'viewer' }],
  publicLinks: [
    { href: '/petitions', label: 'Petitions and open letters', description: 'Sign and share.' },
  ],
  routes: async (app, services) => {
    const rt = await createRuntime(app, services);
    await petitionsPublicRoutes(app, services, rt);
    await petitionsAdminRoutes(app, services, rt);
  },
  jobs: (services) => ({ [PROCESS_BATCH_JOB]: processBatchHandler(services) }),
  seedDemo: seedPetitionsDemo,
  cli: petitionsCli,
};
