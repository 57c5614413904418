import type { Kysely } from 'kysely';

/**
 * Where a sign-up came from (the link's `?source=`, `ref:<domain>`, or an API client's
 * `rally:source`; null: unknown), whether it came through the page or the API, and the consent
 * wording the person was shown (null: the page's own wording). They reach the person's record when
 * they confirm, and mailings and the dashboard count actions by source.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('event_rsvps').addColumn('source', 'text').execute();
  await db.schema.alterTable('event_rsvps').addColumn('consent_wording', 'text').execute();
  await db.schema
    .alterTable('event_rsvps')
    .addColumn('signed_up_via', 'text', (c) => c.notNull().defaultTo('form'))
    .execute();
  await db.schema
    .createIndex('event_rsvps_source')
    .on('event_rsvps')
    .columns(['source', 'created_at'])
    .execute();
}
