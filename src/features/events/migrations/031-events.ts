import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('event_series'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await withId(db, db.schema.createTable('events'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('series_id', 'integer', (c) => c.references('event_series.id').onDelete('set null'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('starts_at', ts, (c) => c.notNull())
    .addColumn('ends_at', ts, (c) => c.notNull())
    .addColumn('venue', 'text')
    .addColumn('postcode', 'text')
    .addColumn('online_url', 'text')
    .addColumn('seat_code', 'text')
    .addColumn('capacity', 'integer')
    .addColumn('waiting_list', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('host_staff_id', 'integer')
    .addColumn('host_name', 'text')
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('events_start')
    .on('events')
    .columns(['status', 'starts_at'])
    .execute();
  await db.schema
    .createIndex('events_seat')
    .on('events')
    .columns(['seat_code', 'starts_at'])
    .execute();
  await withId(db, db.schema.createTable('event_rsvps'))
    .addColumn('event_id', 'integer', (c) =>
      c.notNull().references('events.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('postcode', 'text')
    .addColumn('phone', 'text')
    .addColumn('person_id', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('confirm_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('manage_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('share_code', 'text', (c) => c.notNull().unique())
    .addColumn('referred_by', 'integer')
    .addColumn('consent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('walk_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('checked_in_at', ts)
    .addColumn('reminded_24h', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reminded_2h', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('confirmed_at', ts)
    .addColumn('cancelled_at', ts)
    .addUniqueConstraint('event_rsvps_event_email', ['event_id', 'email_key'])
    .execute();
  await db.schema.createIndex('event_rsvps_person').on('event_rsvps').column('person_id').execute();
}
