import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { GroupCommitWriter } from './group-commit.js';

describeEachDatabase('group commit writer', (ctx) => {
  it('writes concurrent items in few transactions and settles each after commit', async () => {
    await sql`create table gc_items (id integer primary key, value text not null)`.execute(
      ctx.db.kysely,
    );
    const writer = new GroupCommitWriter<number, number>({
      maxBatch: 100,
      maxDelayMs: 5,
      flush: async (batch) => {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          await trx
            .insertInto('gc_items' as never)
            .values(batch.map((id) => ({ id, value: `v${id}` })))
            .execute();
        });
        return batch;
      },
    });
    const ids = Array.from({ length: 450 }, (_, i) => i + 1);
    const settled = await Promise.all(
      ids.map(async (id) => {
        const result = await writer.write(id);
        // By the time a caller hears back, its row must be readable.
        const row = await sql<{
          n: number;
        }>`select count(*) as n from gc_items where id = ${id}`.execute(ctx.db.kysely);
        return { result, visible: Number(row.rows[0]?.n) };
      }),
    );
    assert.deepEqual(
      settled.map((s) => s.result),
      ids,
    );
    assert.ok(settled.every((s) => s.visible === 1));
    assert.ok(writer.stats.batches <= 10, `expected few batches, got ${writer.stats.batches}`);
    await writer.close();
  });

  it('rejects every item of a failed batch and keeps serving later ones', async () => {
    let fail = true;
    const writer = new GroupCommitWriter<string, string>({
      maxDelayMs: 1,
      flush: async (batch) => {
        if (fail) throw new Error('disk on fire');
        return batch.map((s) => s.toUpperCase());
      },
    });
    const failed = await Promise.allSettled([writer.write('a'), writer.write('b')]);
    assert.deepEqual(
      failed.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    fail = false;
    assert.equal(await writer.write('c'), 'C');
    await writer.close();
    await assert.rejects(writer.write('d'), /closed/);
  });
});
