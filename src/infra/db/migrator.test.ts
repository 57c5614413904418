import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Migration, sql } from 'kysely';
import { MIGRATIONS } from '../../features/index.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { migrateToLatest } from './migrator.js';

// A release can bring a migration numbered inside a feature's range (e.g. 034) to a database that
// already ran a higher one (071): upgrading must apply it rather than refuse to start.
const lateArrival: Migration = {
  async up(db) {
    await db.schema
      .createTable('late_arrival')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .execute();
  },
};

describeEachDatabase('migrations numbered by feature range', (ctx) => {
  it('applies a new migration numbered below ones the database already ran', async () => {
    const result = await migrateToLatest(ctx.db, {
      ...MIGRATIONS,
      '005-late-arrival': lateArrival,
    });
    assert.deepEqual(
      result.results?.map((r) => [r.migrationName, r.status]),
      [['005-late-arrival', 'Success']],
    );
    const rows = await sql<{ n: number }>`select count(*) as n from late_arrival`.execute(
      ctx.db.kysely,
    );
    assert.equal(Number(rows.rows[0]?.n), 0);
  });
});
