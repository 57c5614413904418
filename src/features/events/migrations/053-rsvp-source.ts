import type { Kysely } from 'kysely';

/**
 * Where a sign-up came from (an API client's `rally:source`; null: the event's own page) and the
 * consent wording the person was shown (null: the page's own wording). Both reach the person's
 * record when they confirm.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('event_rsvps').addColumn('source', 'text').execute();
  await db.schema.alterTable('event_rsvps').addColumn('consent_wording', 'text').execute();
}
