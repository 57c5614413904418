import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await db.schema
    .createTable('field_target_seats')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('marked_by', 'integer')
    .addColumn('marked_at', ts, (c) => c.notNull())
    .execute();
  await withId(db, db.schema.createTable('field_allocations'))
    .addColumn('seat_code', 'text', (c) => c.notNull())
    .addColumn('staff_user_id', 'integer')
    .addColumn('person_id', 'integer')
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('hours_per_week', 'double precision', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('field_allocations_seat')
    .on('field_allocations')
    .column('seat_code')
    .execute();
}
