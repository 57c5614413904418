import { type Kysely, sql } from 'kysely';
import { timestampType } from '../../../infra/db/migration-helpers.js';

/**
 * When a sign-up last changed in a way an API client syncing with `modified_date gt …` must see:
 * made, confirmed, promoted from the waiting list, cancelled, checked in, erased. Promotion set no
 * time of its own, so a client polling for changes never heard that a waiting person got a place.
 * Existing rows keep the time the API reported for them until now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('event_rsvps').addColumn('updated_at', timestampType(db)).execute();
  await sql`UPDATE event_rsvps SET updated_at = COALESCE(cancelled_at, checked_in_at, confirmed_at, created_at)`.execute(
    db,
  );
}
