import type { Kysely } from 'kysely';
import { timestampType } from '../../../infra/db/migration-helpers.js';

/**
 * Subject tests and the petition a mailing links to (#10): up to two more subject lines, the test
 * slice and wait, the winner once chosen; each recipient's subject variant.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await db.schema.alterTable('mailings').addColumn('petition_id', 'integer').execute();
  await db.schema
    .alterTable('mailings')
    .addColumn('subject_variants', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('mailings').addColumn('test_percent', 'integer').execute();
  await db.schema.alterTable('mailings').addColumn('test_wait_hours', 'integer').execute();
  await db.schema.alterTable('mailings').addColumn('test_decide_at', ts).execute();
  await db.schema.alterTable('mailings').addColumn('test_winner', 'text').execute();
  await db.schema.alterTable('mailing_recipients').addColumn('variant', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mailing_recipients').dropColumn('variant').execute();
  for (const column of [
    'test_winner',
    'test_decide_at',
    'test_wait_hours',
    'test_percent',
    'subject_variants',
    'petition_id',
  ])
    await db.schema.alterTable('mailings').dropColumn(column).execute();
}
