import { type Kysely, sql } from 'kysely';
import { dialectOf, timestampType, withId } from '../../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('people_imports'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('mapping', 'text')
    .addColumn('dry_run_counts', 'text')
    .addColumn('counts', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'integer')
    .addColumn('job_id', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('finished_at', ts)
    .execute();

  await db.schema
    .createTable('people_import_chunks')
    .addColumn('import_id', 'integer', (c) =>
      c.notNull().references('people_imports.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', dialectOf(db) === 'postgres' ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .addPrimaryKeyConstraint('people_import_chunks_pk', ['import_id', 'seq'])
    .execute();

  await withId(db, db.schema.createTable('people_import_rejects'))
    .addColumn('import_id', 'integer', (c) =>
      c.notNull().references('people_imports.id').onDelete('cascade'),
    )
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('cells', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('people_import_rejects_import')
    .on('people_import_rejects')
    .columns(['import_id', 'phase', 'row_number'])
    .execute();
}
