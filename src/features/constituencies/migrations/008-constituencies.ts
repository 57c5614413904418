import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('constituencies')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('county', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('constituency_results')
    .addColumn('code', 'text', (c) =>
      c.notNull().references('constituencies.code').onDelete('cascade'),
    )
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('electorate', 'integer', (c) => c.notNull())
    .addColumn('valid_votes', 'integer', (c) => c.notNull())
    .addColumn('invalid_votes', 'integer', (c) => c.notNull())
    .addColumn('turnout', 'double precision', (c) => c.notNull())
    .addColumn('majority', 'integer', (c) => c.notNull())
    .addColumn('first_party', 'text', (c) => c.notNull())
    .addColumn('second_party', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('winner_name', 'text')
    .addColumn('party_votes', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('constituency_results_pk', ['code', 'year'])
    .execute();

  await db.schema
    .createTable('postcode_districts')
    .addColumn('outcode', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) =>
      c.notNull().references('constituencies.code').onDelete('cascade'),
    )
    .addColumn('share', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('postcode_districts_pk', ['outcode', 'code'])
    .execute();
  await db.schema
    .createIndex('postcode_districts_code')
    .on('postcode_districts')
    .column('code')
    .execute();
}
