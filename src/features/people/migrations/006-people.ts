import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('people'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('postcode', 'text')
    .addColumn('constituency_code', 'text')
    .addColumn('constituency_name', 'text')
    .addColumn('region', 'text')
    .addColumn('phone', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('erased_at', ts)
    .execute();
  await db.schema.createIndex('people_created').on('people').column('created_at').execute();
  await db.schema
    .createIndex('people_constituency')
    .on('people')
    .column('constituency_code')
    .execute();
  await db.schema.createIndex('people_region').on('people').column('region').execute();

  await withId(db, db.schema.createTable('consents'))
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('wording', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  // The latest row per (person, channel) is the current state: found by the highest id.
  await db.schema
    .createIndex('consents_person_channel')
    .on('consents')
    .columns(['person_id', 'channel', 'id'])
    .execute();

  await withId(db, db.schema.createTable('activities'))
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('ref_type', 'text')
    .addColumn('ref_id', 'text')
    .addColumn('data', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('activities_person')
    .on('activities')
    .columns(['person_id', 'id'])
    .execute();
  await db.schema
    .createIndex('activities_kind_person')
    .on('activities')
    .columns(['kind', 'person_id'])
    .execute();
  await db.schema
    .createIndex('activities_ref')
    .on('activities')
    .columns(['ref_type', 'ref_id'])
    .execute();

  await withId(db, db.schema.createTable('segments'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
}
