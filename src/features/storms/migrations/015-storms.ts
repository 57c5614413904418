import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('storms'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('starts_at', ts, (c) => c.notNull())
    .addColumn('ends_at', ts, (c) => c.notNull())
    .addColumn('hashtag', 'text', (c) => c.notNull())
    .addColumn('link_url', 'text')
    .addColumn('target_list_id', 'integer')
    .addColumn('target_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('handles', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('variants', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('published_at', ts)
    .execute();
  await db.schema
    .createIndex('storms_status_start')
    .on('storms')
    .columns(['status', 'starts_at'])
    .execute();

  await withId(db, db.schema.createTable('storm_posts'))
    .addColumn('storm_id', 'integer', (c) =>
      c.notNull().references('storms.id').onDelete('cascade'),
    )
    .addColumn('variant', 'integer', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('edited', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('participant_key', 'text', (c) => c.notNull())
    .addColumn('posted_minute', 'integer', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('consent_wording', 'text')
    .addColumn('person_id', 'integer')
    .addColumn('confirmed_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  // The count and the report's curve read one storm's rows by minute.
  await db.schema
    .createIndex('storm_posts_storm_minute')
    .on('storm_posts')
    .columns(['storm_id', 'posted_minute'])
    .execute();
  // Export and erasure find a person's posts by id or by a still unconfirmed email.
  await db.schema.createIndex('storm_posts_person').on('storm_posts').column('person_id').execute();
  await db.schema.createIndex('storm_posts_email').on('storm_posts').column('email').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('storm_posts').execute();
  await db.schema.dropTable('storms').execute();
}
