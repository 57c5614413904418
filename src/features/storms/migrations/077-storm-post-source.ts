import type { Kysely } from 'kysely';

/**
 * Where an "I posted" came from (the storm link's `?source=`, or `ref:<domain>`; null: unknown),
 * so mailings and the dashboard count storm posts by source like signatures, letters and RSVPs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('storm_posts').addColumn('source', 'text').execute();
  await db.schema
    .createIndex('storm_posts_source')
    .on('storm_posts')
    .columns(['source', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('storm_posts_source').execute();
  await db.schema.alterTable('storm_posts').dropColumn('source').execute();
}
