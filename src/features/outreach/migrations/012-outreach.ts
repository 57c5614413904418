import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('outreach_cases'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('post_url', 'text', (c) => c.notNull())
    .addColumn('post_text', 'text', (c) => c.notNull())
    .addColumn('handle', 'text')
    .addColumn('handle_key', 'text')
    .addColumn('email', 'text')
    .addColumn('posted_on', 'text')
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('spans', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('person_id', 'integer')
    .addColumn('repeat_of', 'integer')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('request_subject', 'text')
    .addColumn('request_body', 'text')
    .addColumn('outbox_id', 'integer')
    .addColumn('created_by', 'integer')
    .addColumn('sent_by', 'integer')
    .addColumn('closed_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('sent_at', ts)
    .addColumn('closed_at', ts)
    .execute();
  await db.schema
    .createIndex('outreach_cases_status')
    .on('outreach_cases')
    .columns(['status', 'id'])
    .execute();
  await db.schema
    .createIndex('outreach_cases_person')
    .on('outreach_cases')
    .columns(['person_id', 'id'])
    .execute();
  await db.schema
    .createIndex('outreach_cases_created')
    .on('outreach_cases')
    .column('created_at')
    .execute();
  await db.schema
    .createIndex('outreach_cases_sent')
    .on('outreach_cases')
    .column('sent_at')
    .execute();

  await withId(db, db.schema.createTable('outreach_case_events'))
    .addColumn('case_id', 'integer', (c) =>
      c.notNull().references('outreach_cases.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'integer')
    .addColumn('note', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('outreach_case_events_case')
    .on('outreach_case_events')
    .columns(['case_id', 'id'])
    .execute();

  await withId(db, db.schema.createTable('outreach_templates'))
    .addColumn('campaign_name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outreach_templates').execute();
  await db.schema.dropTable('outreach_case_events').execute();
  await db.schema.dropTable('outreach_cases').execute();
}
