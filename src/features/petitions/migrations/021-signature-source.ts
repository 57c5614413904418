import type { Kysely } from 'kysely';

/** Where a signature came from: `?source=` of the link (mailing-7), or `ref:<domain>` (#10). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('petition_signatures').addColumn('source', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('petition_signatures').dropColumn('source').execute();
}
