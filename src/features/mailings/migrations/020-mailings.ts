import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('mailings'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('preheader', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('from_name', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('segment_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('exclude_segment_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('click_tracking', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('audit_public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scheduled_at', ts)
    .addColumn('audience', 'text')
    .addColumn('error', 'text')
    .addColumn('lease_until', ts)
    .addColumn('created_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('started_at', ts)
    .addColumn('finished_at', ts)
    .execute();

  await withId(db, db.schema.createTable('mailing_recipients'))
    .addColumn('mailing_id', 'integer', (c) =>
      c.notNull().references('mailings.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('smtp_response', 'text')
    .addColumn('region', 'text')
    .addColumn('constituency_code', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('person_created_at', ts, (c) => c.notNull())
    .addColumn('merge_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('soft_bounces', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clicked_at', ts)
    .addColumn('sent_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  // At most one row per person per mailing: the audience build cannot add anyone twice.
  await db.schema
    .createIndex('mailing_recipients_person_once')
    .on('mailing_recipients')
    .columns(['mailing_id', 'person_id'])
    .unique()
    .execute();
  // The sender claims queued rows of one mailing in id order; the report counts by status.
  await db.schema
    .createIndex('mailing_recipients_status')
    .on('mailing_recipients')
    .columns(['mailing_id', 'status', 'id'])
    .execute();
  // The frequency cap counts a person's recent mailings; export and erasure find their rows.
  await db.schema
    .createIndex('mailing_recipients_person_sent')
    .on('mailing_recipients')
    .columns(['person_id', 'sent_at'])
    .execute();

  await db.schema
    .createTable('mail_suppressions')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mail_suppressions').execute();
  await db.schema.dropTable('mailing_recipients').execute();
  await db.schema.dropTable('mailings').execute();
}
