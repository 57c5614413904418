import type { Kysely } from 'kysely';

/**
 * Which send run claimed a recipient row (#10): the run records the row `handed_off` just before
 * the SMTP end-of-data dot only while the claim is still its own, so a stalled worker whose
 * mailing was taken over never writes a dot for a row another worker sends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mailing_recipients').addColumn('claim_token', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mailing_recipients').dropColumn('claim_token').execute();
}
