import type { Kysely } from 'kysely';
import { timestampType } from '../migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('staff_permissions')
    .addColumn('user_id', 'integer', (c) =>
      c.notNull().references('staff_users.id').onDelete('cascade'),
    )
    .addColumn('permission', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'integer')
    .addColumn('granted_at', timestampType(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_permissions_pk', ['user_id', 'permission'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('staff_permissions').execute();
}
