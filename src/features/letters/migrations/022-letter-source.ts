import type { Kysely } from 'kysely';

/** Where a letter came from: `?source=` of the link (mailing-7), or `ref:<domain>` (#10). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('letters').addColumn('source', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('letters').dropColumn('source').execute();
}
