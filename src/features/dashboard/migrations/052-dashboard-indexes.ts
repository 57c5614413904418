import type { Kysely } from 'kysely';

/**
 * The dashboard counts by time: activities per day and kind (answered from this index alone,
 * without reading the rows), signatures made, consents changed and people erased in a period. Other features own the tables;
 * these indexes serve only the dashboard's reads.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('activities_created_kind')
    .on('activities')
    .columns(['created_at', 'kind'])
    .execute();
  await db.schema
    .createIndex('petition_signatures_created')
    .on('petition_signatures')
    .column('created_at')
    .execute();
  await db.schema.createIndex('consents_created').on('consents').column('created_at').execute();
  await db.schema.createIndex('people_erased').on('people').column('erased_at').execute();
}
