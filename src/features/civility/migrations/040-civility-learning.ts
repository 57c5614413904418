import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('civility_examples'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('guard_score', 'double precision', (c) => c.notNull())
    .addColumn('guard_decision', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('person_id', 'integer')
    .addColumn('person_email', 'text')
    .addColumn('moderator_user_id', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('civility_examples_source', ['source', 'source_id'])
    .execute();
  await db.schema
    .createIndex('civility_examples_person')
    .on('civility_examples')
    .columns(['person_id', 'person_email'])
    .execute();
  await withId(db, db.schema.createTable('civility_calibrations'))
    .addColumn('slope', 'double precision', (c) => c.notNull())
    .addColumn('intercept', 'double precision', (c) => c.notNull())
    .addColumn('examples', 'integer', (c) => c.notNull())
    .addColumn('figures', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('rolled_back_at', ts)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('civility_calibrations').execute();
  await db.schema.dropTable('civility_examples').execute();
}
