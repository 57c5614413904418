import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../infra/db/database.js';
import { migrateToLatest } from '../../infra/db/migrator.js';
import { MIGRATIONS } from '../index.js';
import { loadUkConstituencies } from './uk-data.service.js';
import { runRally } from '../../../test/helpers/cli.js';

/** The command's whole stdout must be exactly one JSON line. */
function oneJsonLine(stdout: string): unknown {
  const lines = stdout.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, stdout);
  return JSON.parse(lines[0]!);
}

// `rally mp` runs as its own process, so one SQLite file is enough to test it.
describe('rally mp', () => {
  let dir: string;
  let loadedUrl: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rally-mp-'));
    loadedUrl = `sqlite:${join(dir, 'loaded.db')}`;
    const db = openDatabase(loadedUrl);
    try {
      await migrateToLatest(db, MIGRATIONS);
      await loadUkConstituencies(db);
    } finally {
      await db.destroy();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the constituencies and MPs of a postcode as one JSON line', async () => {
    const res = await runRally(['mp', 'LS28 5AB'], loadedUrl);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(oneJsonLine(res.stdout), {
      postcode: 'LS28 5AB',
      candidates: [
        {
          constituency: 'Pudsey',
          code: 'E14000886',
          mp: 'Stuart Andrew',
          party: 'Conservative',
          share: 0.931,
        },
        {
          constituency: 'Leeds West',
          code: 'E14000781',
          mp: 'Rachel Reeves',
          party: 'Labour',
          share: 0.069,
        },
      ],
    });
  });

  it('answers an invalid or unknown postcode with an error and exit code 1', async () => {
    const invalid = await runRally(['mp', 'not a postcode'], loadedUrl);
    assert.equal(invalid.code, 1);
    const line = oneJsonLine(invalid.stdout) as { candidates: unknown[]; error: string };
    assert.deepEqual(line.candidates, []);
    assert.match(line.error, /does not look like a UK postcode/);

    const unknown = await runRally(['mp', 'zz99 9zz'], loadedUrl);
    assert.equal(unknown.code, 1);
    assert.deepEqual(oneJsonLine(unknown.stdout), {
      postcode: 'ZZ99 9ZZ',
      candidates: [],
      error:
        'We could not find the postcode district ZZ99 in our constituency data. Check the postcode, or find your constituency by name.',
    });
  });

  it('tells the user to load the data when it is not loaded', async () => {
    const res = await runRally(['mp', 'LS28 5AB'], `sqlite:${join(dir, 'empty.db')}`);
    assert.equal(res.code, 1);
    const line = oneJsonLine(res.stdout) as { candidates: unknown[]; error: string };
    assert.deepEqual(line.candidates, []);
    assert.match(line.error, /rally targets load uk-commons/);
  });
});
