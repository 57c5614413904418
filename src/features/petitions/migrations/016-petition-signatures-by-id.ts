import type { Kysely } from 'kysely';

/**
 * One petition's signatures in id order, for exports streamed in keyset chunks and the paged
 * delivery names. Without it each chunk sorted every signature of the petition (a 1,000,000-row
 * export took minutes). Ids only grow, so the surge's inserts all land on the index's last page.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('petition_signatures_petition_id')
    .on('petition_signatures')
    .columns(['petition_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('petition_signatures_petition_id').execute();
}
