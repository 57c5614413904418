import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from './database.js';

const tempDbUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'rally-sqlite-')), 'app.db')}`;

describe('SQLite connection as the server opens it', () => {
  it('copies the write-ahead log into the database file from its own thread', async () => {
    const url = tempDbUrl();
    const path = url.slice('sqlite:'.length);
    const db = openDatabase(url, { backgroundCheckpoints: true });
    await sql`create table notes (body text not null)`.execute(db.kysely);
    for (let i = 0; i < 300; i++)
      await sql`insert into notes (body) values (${'x'.repeat(2000)})`.execute(db.kysely);
    const done = await db.checkpointer?.checkpointNow();
    assert.ok(done, 'the checkpoint thread answers');
    assert.equal(done.checkpointed, done.log, 'every logged page is in the database file');
    assert.ok(statSync(path).size > 300 * 2000, 'the rows are in the file itself');
    await db.destroy();
    assert.equal(existsSync(`${path}-wal`), false, 'the log is removed on close');
    const reopened = openDatabase(url);
    const row = await sql<{ n: number }>`select count(*) as n from notes`.execute(reopened.kysely);
    assert.equal(Number(row.rows[0]?.n), 300);
    await reopened.destroy();
  });

  it('answers a query asked again while the same query is streaming', async () => {
    const db = openDatabase(tempDbUrl());
    await sql`create table items (id integer primary key)`.execute(db.kysely);
    await db.kysely
      .insertInto('items' as never)
      .values(Array.from({ length: 50 }, (_, i) => ({ id: i + 1 })))
      .execute();
    const query = () => db.kysely.selectFrom('items' as never).select('id' as never);
    const streamed: number[] = [];
    let again: Promise<unknown[]> | undefined;
    for await (const row of query().stream()) {
      streamed.push((row as { id: number }).id);
      // Asked while the same statement is mid-stream (it runs once the stream lets go).
      if (streamed.length === 10) again = query().execute();
    }
    assert.equal(streamed.length, 50);
    assert.equal((await again)?.length, 50);
    assert.equal((await query().execute()).length, 50);
    await db.destroy();
  });
});
