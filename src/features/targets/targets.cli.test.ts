import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../infra/db/database.js';
import { findTargetsByDivision } from './targets.service.js';
import { runRally } from '../../../test/helpers/cli.js';

// The commands run as their own processes on the configured database; one SQLite file is enough
// to test the command line (the load and import themselves are tested on both dialects).
describe('rally targets commands', () => {
  let dir: string;
  let url: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rally-targets-cli-'));
    url = `sqlite:${join(dir, 'rally.db')}`;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads uk-commons, imports emails into it and lists it with its count', async () => {
    const load = await runRally(['targets', 'load', 'uk-commons'], url);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /Constituencies: 650\. MPs: 650\./);
    assert.match(load.stdout, /Created: 650\./);

    const csv = join(dir, 'emails.csv');
    writeFileSync(csv, 'id,email\n4032,stuart.andrew.mp@parliament.uk\n415,bad-email\n');
    const imported = await runRally(['targets', 'import', 'uk-commons', csv], url);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /Updated: 1\. Unchanged: 0\. Rejected: 1\./);
    assert.match(imported.stdout, /line 3: "bad-email" is not an email address/);

    const lists = await runRally(['targets', 'lists'], url);
    assert.match(lists.stdout, /^uk-commons\t650\tUK House of Commons$/m);

    const db = openDatabase(url);
    try {
      const [mp] = await findTargetsByDivision(db, 'uk-commons', 'E14000886');
      assert.equal(mp?.email, 'stuart.andrew.mp@parliament.uk');
    } finally {
      await db.destroy();
    }
  });

  it('says so when the list does not exist', async () => {
    const csv = join(dir, 'one.csv');
    writeFileSync(csv, 'name\nSomeone\n');
    const noList = await runRally(['targets', 'import', 'no-such-list', csv], url);
    assert.equal(noList.code, 1);
    assert.match(noList.stderr, /No target list "no-such-list"/);
  });
});
