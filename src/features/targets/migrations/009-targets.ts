import { type Kysely, sql } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('target_lists'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('targets'))
    .addColumn('list_id', 'integer', (c) =>
      c.notNull().references('target_lists.id').onDelete('cascade'),
    )
    .addColumn('external_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('party', 'text')
    .addColumn('organisation', 'text')
    .addColumn('division_type', 'text')
    .addColumn('division_code', 'text')
    .addColumn('division_name', 'text')
    .addColumn('email', 'text')
    .addColumn('twitter', 'text')
    .addColumn('bluesky', 'text')
    .addColumn('mastodon', 'text')
    .addColumn('facebook', 'text')
    .addColumn('phone', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  // Partial unique index: targets typed in by hand have no external id, and many may share that.
  await db.schema
    .createIndex('targets_list_external')
    .on('targets')
    .columns(['list_id', 'external_id'])
    .unique()
    .where(sql.ref('external_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('targets_list_division')
    .on('targets')
    .columns(['list_id', 'division_code'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('targets').execute();
  await db.schema.dropTable('target_lists').execute();
}
