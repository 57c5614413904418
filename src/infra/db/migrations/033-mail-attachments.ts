import type { Kysely } from 'kysely';

/** Files sent with a message (an event's .ics), as JSON: [{ filename, contentType, content }]. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_outbox').addColumn('attachments', 'text').execute();
}
