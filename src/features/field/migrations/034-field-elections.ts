import type { Kysely } from 'kysely';
import { timestampType } from '../../../infra/db/migration-helpers.js';

/** Elections imported beside the shipped 2017 and 2019 results, in the same CSV shapes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await db.schema
    .createTable('field_elections')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('shape', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('imported_by', 'integer')
    .addColumn('imported_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('field_election_results')
    .addColumn('election', 'text', (c) =>
      c.notNull().references('field_elections.name').onDelete('cascade'),
    )
    .addColumn('code', 'text', (c) => c.notNull())
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
    .addPrimaryKeyConstraint('field_election_results_pk', ['election', 'code'])
    .execute();
}
