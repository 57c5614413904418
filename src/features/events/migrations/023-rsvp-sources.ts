import type { Kysely } from 'kysely';
import { timestampType } from '../../../infra/db/migration-helpers.js';

/**
 * Where an RSVP came from: `?source=` of the link (mailing-7), or `ref:<domain>` (#10). A table of
 * its own, keyed by the RSVP, because event_rsvps is created by a later-numbered migration (031).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_rsvp_sources')
    .addColumn('rsvp_id', 'integer', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_rsvp_sources_source')
    .on('event_rsvp_sources')
    .columns(['source', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_rsvp_sources').execute();
}
