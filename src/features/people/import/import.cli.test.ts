import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { type Db, openDatabase } from '../../../infra/db/database.js';
import { findPersonByEmail, listConsentHistory } from '../people.service.js';
import { messyCsv } from './fixtures/messy-fixtures.js';
import { runRally } from '../../../../test/helpers/cli.js';

// `rally import people` runs as its own process against a SQLite file, as an operator runs it.
describe('rally import people', () => {
  let dir: string;
  let url: string;
  let file: string;
  let db: Db;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rally-import-cli-'));
    url = `sqlite:${join(dir, 'cli.db')}`;
    file = join(dir, 'members.csv');
    writeFileSync(file, messyCsv());
    db = openDatabase(url);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const args = ['import', 'people', '--map', 'Email opt-in=consent:email'];

  it('dry run: counts what it would do and writes nothing', async () => {
    const res = await runRally([...args, file, '--dry-run', '--map', 'Internal ID=ignore'], url);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Dry run: nothing was written/);
    assert.match(
      res.stdout,
      /Would create 6, updated 0, unchanged 0, rejected 7 \(of 13 rows\); 3 consent record\(s\) would be written\./,
    );
    assert.equal(await findPersonByEmail(db, 'ann@example.org'), undefined);
  });

  it('imports, prints the reasons and writes FILE.rejected.csv', async () => {
    const res = await runRally([...args, file, '--map', 'Internal ID=ignore'], url);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /Created 6, updated 0, unchanged 0, rejected 7 \(of 13 rows\); 3 consent record\(s\) written\./,
    );
    assert.match(res.stdout, /Rejected rows by reason:/);
    assert.match(res.stdout, /\s1 {2}not a valid email address: "…"/);
    assert.match(res.stdout, /row 6: same email as row 2/);
    assert.match(res.stdout, /row 10: column "Notes": value longer than 1000 characters/);
    const rejected = parse(readFileSync(`${file}.rejected.csv`), {
      bom: true,
      relax_column_count: true,
    });
    assert.equal(rejected.length, 8);
    assert.equal(rejected[0]?.at(-1), 'Rejected because');
    assert.deepEqual(
      rejected.slice(1).map((r) => r[0]),
      [
        'not-an-email',
        '',
        'ann@example.org',
        'eve@example.org',
        'fay@example.org',
        'gus@example.org',
        'hal@example.org',
      ],
    );
    const ann = await findPersonByEmail(db, 'ann@example.org');
    assert.equal((await listConsentHistory(db, ann?.id ?? 0))[0]?.method, 'import');
  });

  it('a second run finds everyone unchanged', async () => {
    const res = await runRally([...args, file, '--map', 'Internal ID=ignore'], url);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Created 0, updated 0, unchanged 6, rejected 7/);
  });

  it('takes no consent from a column it only guessed', async () => {
    const plain = join(dir, 'plain.csv');
    writeFileSync(plain, 'Email,Email opt-in\nnew@example.org,yes\n');
    const res = await runRally(['import', 'people', plain], url);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Email opt-in → Custom field/);
    const person = await findPersonByEmail(db, 'new@example.org');
    assert.deepEqual(person?.customFields, { 'Email opt-in': 'yes' });
    assert.deepEqual(await listConsentHistory(db, person?.id ?? 0), []);
    assert.equal(existsSync(`${plain}.rejected.csv`), false);
  });

  it('exits 1 when nothing could be imported, 2 on a bad mapping', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Email,Name\nnope,A\n,B\n');
    const res = await runRally(['import', 'people', bad], url);
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stdout, /rejected 2 \(of 2 rows\)/);
    const unmapped = await runRally(['import', 'people', bad, '--map', 'Email=ignore'], url);
    assert.equal(unmapped.code, 2);
    assert.match(unmapped.stderr, /Choose the column that holds email addresses/);
    const missing = await runRally(['import', 'people', join(dir, 'nope.csv')], url);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /No such file/);
  });
});
