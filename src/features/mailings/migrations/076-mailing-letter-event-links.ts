import type { Kysely } from 'kysely';

/** The letter campaign `{{letter_url}}` and the event `{{event_url}}` of a mailing link to (#10). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mailings').addColumn('letter_campaign_id', 'integer').execute();
  await db.schema.alterTable('mailings').addColumn('event_id', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mailings').dropColumn('event_id').execute();
  await db.schema.alterTable('mailings').dropColumn('letter_campaign_id').execute();
}
