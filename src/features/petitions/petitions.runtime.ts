import type { FastifyInstance } from 'fastify';
import { getOrCreateSecret } from '../../infra/db/settings.js';
import type { Services } from '../../infra/services.js';
import { type SigningLimits, signingLimits } from './fraud-limits.js';
import { FORM_SECRET_SETTING } from './form-token.js';
import { followCountChanges } from './count-changes.js';
import { CountStreams, LiveCounts } from './live-counts.js';
import { PublicCache } from './public-cache.js';
import { SIGNATURE_EXPORT_CHUNK_ROWS } from './petitions.repository.js';
import { createSignatureWriter } from './signing.service.js';

/** The per-process state of the petitions feature: caches, limits and the signature writer. */
export interface PetitionsRuntime {
  formSecret: string;
  counts: LiveCounts;
  streams: CountStreams;
  cache: PublicCache;
  limits: SigningLimits;
  writer: ReturnType<typeof createSignatureWriter>;
  /** Rows per query while signatures.csv streams (tests set it small to cross chunk edges). */
  exportChunkRows: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    petitions: PetitionsRuntime;
  }
}

export async function createRuntime(
  app: FastifyInstance,
  services: Services,
): Promise<PetitionsRuntime> {
  const counts = new LiveCounts(services.db, {
    clock: services.clock,
    onError: (err, petitionId) =>
      app.log.error({ err, petitionId }, 'petition count refresh failed; serving the last count'),
  });
  const rt: PetitionsRuntime = {
    formSecret: await getOrCreateSecret(services.db, FORM_SECRET_SETTING),
    counts,
    streams: new CountStreams(counts),
    cache: new PublicCache(services.db, services.clock),
    limits: signingLimits(app),
    writer: createSignatureWriter(services),
    exportChunkRows: SIGNATURE_EXPORT_CHUNK_ROWS,
  };
  app.decorate('petitions', rt);
  await followCountChanges(services.db, rt.counts, rt.streams);
  // Streams never end by themselves, so they must be closed before the server waits for them.
  app.addHook('preClose', async () => rt.streams.close());
  // Signatures already accepted are written before the database closes.
  app.addHook('onClose', async () => rt.writer.close());
  return rt;
}
