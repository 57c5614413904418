import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('event_lifts'))
    .addColumn('event_id', 'integer', (c) =>
      c.notNull().references('events.id').onDelete('cascade'),
    )
    .addColumn('rsvp_id', 'integer', (c) =>
      c.notNull().references('event_rsvps.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('from_outcode', 'text')
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('event_lifts_rsvp_kind', ['rsvp_id', 'kind'])
    .execute();
  await withId(db, db.schema.createTable('event_lift_matches'))
    .addColumn('offer_id', 'integer', (c) =>
      c.notNull().references('event_lifts.id').onDelete('cascade'),
    )
    .addColumn('request_id', 'integer', (c) =>
      c.notNull().references('event_lifts.id').onDelete('cascade'),
    )
    .addColumn('offer_confirmed', 'integer', (c) => c.notNull())
    .addColumn('request_confirmed', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('event_lift_matches_pair', ['offer_id', 'request_id'])
    .execute();
}
