import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

/** "Bring a friend" invitations sent by email, so hosts can see who brought whom. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('event_invitations'))
    .addColumn('event_id', 'integer', (c) =>
      c.notNull().references('events.id').onDelete('cascade'),
    )
    .addColumn('inviter_rsvp_id', 'integer', (c) =>
      c.notNull().references('event_rsvps.id').onDelete('cascade'),
    )
    .addColumn('friend_hash', 'text', (c) => c.notNull())
    .addColumn('sent_at', ts, (c) => c.notNull())
    .addUniqueConstraint('event_invitations_once', ['inviter_rsvp_id', 'friend_hash'])
    .execute();
  await db.schema
    .createIndex('event_invitations_event')
    .on('event_invitations')
    .columns(['event_id', 'friend_hash'])
    .execute();
}
