import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runRally } from '../../../test/helpers/cli.js';
import { openDatabase } from '../../infra/db/database.js';
import { migrateToLatest } from '../../infra/db/migrator.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { MIGRATIONS } from '../index.js';

// The command runs in its own process, so one SQLite file is enough to test it.
describe('rally field seats', () => {
  let dir: string;
  let url: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rally-field-'));
    url = `sqlite:${join(dir, 'field.db')}`;
    const db = openDatabase(url);
    try {
      await migrateToLatest(db, MIGRATIONS);
      await loadUkConstituencies(db);
    } finally {
      await db.destroy();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints Labour's 2017 seats to win as JSON lines, Pudsey in and Leeds North East out", async () => {
    const res = await runRally(
      ['field', 'seats', '--party', 'lab', '--election', '2017', '--limit', '50'],
      url,
    );
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            rank: number;
            code: string;
            majority: number;
            swingPct: number;
            turnoutPct: number;
          },
      );
    assert.equal(lines.length, 50);
    assert.deepEqual(
      lines.map((l) => l.rank),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const pudsey = lines.find((l) => l.code === 'E14000886');
    assert.deepEqual(
      pudsey && [pudsey.rank, pudsey.majority, pudsey.swingPct, pudsey.turnoutPct],
      [6, 331, 0.31, 74.46],
    );
    assert.ok(
      !lines.some((l) => l.code === 'E14000779'),
      'Leeds North East is held, not a target to win',
    );
  });

  it('prints the seats to defend with --defend, and refuses a party that did not stand', async () => {
    const defend = await runRally(
      ['field', 'seats', '--party', 'lab', '--election', '2017', '--limit', '2', '--defend'],
      url,
    );
    assert.equal(defend.code, 0, defend.stderr);
    assert.deepEqual(
      defend.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { name: string }).name),
      ['Kensington', 'Dudley North'],
    );
    const bad = await runRally(['field', 'seats', '--party', 'nobody', '--election', '2017'], url);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /No candidate of the party "nobody" stood in 2017/);
    const limit = await runRally(
      ['field', 'seats', '--party', 'lab', '--election', '2017', '--limit', '0'],
      url,
    );
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--limit is a whole number from 1 to 650/);
  });
});
