import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('trackers'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('target_list_id', 'integer', (c) => c.notNull())
    .addColumn('parties', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('statuses', 'text', (c) => c.notNull())
    .addColumn('counting_statuses', 'text', (c) => c.notNull())
    .addColumn('initial_status', 'text', (c) => c.notNull())
    .addColumn('count_noun', 'text', (c) => c.notNull())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('letter_slug', 'text')
    .addColumn('storm_slug', 'text')
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tracker_targets')
    .addColumn('tracker_id', 'integer', (c) =>
      c.notNull().references('trackers.id').onDelete('cascade'),
    )
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('evidence_url', 'text')
    .addColumn('note', 'text')
    .addColumn('changed_at', ts)
    .addColumn('changed_by_name', 'text')
    .addPrimaryKeyConstraint('tracker_targets_pk', ['tracker_id', 'target_id'])
    .execute();

  await withId(db, db.schema.createTable('tracker_status_changes'))
    .addColumn('tracker_id', 'integer', (c) =>
      c.notNull().references('trackers.id').onDelete('cascade'),
    )
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('evidence_url', 'text')
    .addColumn('note', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'integer')
    .addColumn('changed_by_name', 'text')
    .addColumn('changed_at', ts, (c) => c.notNull())
    .addColumn('recorded_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tracker_status_changes_target')
    .on('tracker_status_changes')
    .columns(['tracker_id', 'target_id', 'changed_at'])
    .execute();
  await db.schema
    .createIndex('tracker_status_changes_time')
    .on('tracker_status_changes')
    .columns(['tracker_id', 'changed_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tracker_status_changes').execute();
  await db.schema.dropTable('tracker_targets').execute();
  await db.schema.dropTable('trackers').execute();
}
