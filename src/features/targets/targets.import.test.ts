import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { assertForgedUploadRefused } from '../../../test/helpers/uploads.js';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './targets.csv.js';
import { findTargetsByDivision, getTargetList, listTargets } from './targets.service.js';

function counts(body: string) {
  const count = (name: string) => {
    const m = new RegExp(`data-count="${name}">\\s*(\\d+)`).exec(body);
    return m ? Number(m[1]) : undefined;
  };
  return {
    created: count('created'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    rejected: count('rejected'),
  };
}

/** The rejected-rows table as [line, reason] pairs. */
function rejections(body: string): Array<[number, string]> {
  const section = body.split('Rejected rows')[1] ?? '';
  return [...section.matchAll(/<td class="num">(\d+)<\/td>\s*<td>([^<]*)<\/td>/g)].map((m) => [
    Number(m[1]),
    (m[2] ?? '').trim(),
  ]);
}

describeEachDatabase('importing targets from CSV', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  const LIST = '/admin/targets/leeds-city-council';

  async function upload(client: TestClient, csv: string | Buffer, filename = 'list.csv') {
    await client.get(`${LIST}/import`);
    return client.postMultipart(`${LIST}/import`, {}, { file: { filename, content: csv } });
  }

  before(async () => {
    app = await createTestApp(ctx.db);
    organiser = await loginAs(app, 'organiser');
    await organiser.get('/admin/targets');
    const res = await organiser.post('/admin/targets', { name: 'Leeds City Council' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, LIST);
  });
  after(() => app.close());

  it('creates targets and reports each rejected row with its line and reason', async () => {
    const csv = [
      'ID,Name,Role,Party,Ward,Ward code,Email,Twitter,Notes',
      'c1,Alice Able,Councillor,Green,Hyde Park,E05001,alice@example.org,@alice_a,x',
      'c2,Bob Baker,Councillor,Labour,Headingley,E05002,,,',
      ',Carol Cole,Councillor,Labour,Kirkstall,E05003,,https://x.com/carolcole,',
      'c4,Dan Dee,,,,,not-an-email,,',
      'c5,,Councillor,,,,,,',
      'c6,Eve Evans,,,,,,https://example.com/eve,',
    ].join('\n');
    const res = await upload(organiser, csv);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(counts(res.body), { created: 3, updated: 0, unchanged: 0, rejected: 3 });
    const reasons = rejections(res.body);
    assert.deepEqual(
      reasons.map(([line]) => line),
      [5, 6, 7],
    );
    assert.match(reasons[0]?.[1] ?? '', /not-an-email.*not an email address/);
    assert.match(reasons[1]?.[1] ?? '', /Name is missing/);
    assert.match(reasons[2]?.[1] ?? '', /Twitter\/X must be a handle/);
    assert.match(res.body, /Ignored columns \(not recognised\): Notes/);

    const [carol] = await findTargetsByDivision(ctx.db, 'leeds-city-council', 'E05003');
    assert.equal(carol?.twitter, 'carolcole', 'an x.com link becomes the handle');
    const [alice] = await findTargetsByDivision(ctx.db, 'leeds-city-council', 'E05001');
    assert.equal(alice?.twitter, 'alice_a');
  });

  it('updates by id or by division code + name, and never overwrites with an empty cell', async () => {
    const csv = [
      'id,name,email,twitter,division code,party',
      'c1,Alice Able,,,E05001,',
      'c2,,bob@example.org,,,',
      ',Carol Cole,carol@example.org,,E05003,',
    ].join('\r\n');
    const res = await upload(organiser, csv);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(counts(res.body), { created: 0, updated: 2, unchanged: 1, rejected: 0 });

    const [alice] = await findTargetsByDivision(ctx.db, 'leeds-city-council', 'E05001');
    assert.equal(alice?.email, 'alice@example.org');
    assert.equal(alice?.twitter, 'alice_a');
    assert.equal(alice?.party, 'Green');
    const [bob] = await findTargetsByDivision(ctx.db, 'leeds-city-council', 'E05002');
    assert.equal(bob?.email, 'bob@example.org');
    assert.equal(bob?.name, 'Bob Baker');
    const [carol] = await findTargetsByDivision(ctx.db, 'leeds-city-council', 'E05003');
    assert.equal(carol?.email, 'carol@example.org');
    const list = await getTargetList(ctx.db, 'leeds-city-council');
    assert.equal((await listTargets(ctx.db, list?.id ?? 0)).total, 3, 'no duplicates');
  });

  it('reads first name + surname columns, semicolons and Windows-1252 files', async () => {
    const csv = Buffer.from('First name;Surname;Ward;Ward code\nZoë;Zed;Armley;E05009\n', 'latin1');
    const res = await upload(organiser, csv);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(counts(res.body), { created: 1, updated: 0, unchanged: 0, rejected: 0 });
    const [zoe] = await findTargetsByDivision(ctx.db, 'leeds-city-council', 'E05009');
    assert.equal(zoe?.name, 'Zoë Zed');
  });

  it(`imports a file of exactly ${MAX_IMPORT_ROWS} rows`, async () => {
    await organiser.get('/admin/targets');
    await organiser.post('/admin/targets', { name: 'Big list' });
    const rows = Array.from({ length: MAX_IMPORT_ROWS }, (_, i) => `p${i},Person ${i},W${i % 99}`);
    await organiser.get('/admin/targets/big-list/import');
    const res = await organiser.postMultipart(
      '/admin/targets/big-list/import',
      {},
      { file: { filename: 'big.csv', content: `id,name,ward code\n${rows.join('\n')}\n` } },
    );
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.equal(counts(res.body).created, MAX_IMPORT_ROWS);
    const list = await getTargetList(ctx.db, 'big-list');
    assert.equal((await listTargets(ctx.db, list?.id ?? 0)).total, MAX_IMPORT_ROWS);
  });

  it(`refuses more than ${MAX_IMPORT_ROWS} rows with 413 and a message`, async () => {
    const csv = `name\n${'Someone\n'.repeat(MAX_IMPORT_ROWS + 1)}`;
    const res = await upload(organiser, csv);
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /more than 20,000 rows/);
  });

  it(`refuses a file over ${MAX_IMPORT_BYTES / 1024 / 1024} MB with 413 and a message`, async () => {
    const res = await upload(organiser, Buffer.alloc(MAX_IMPORT_BYTES + 1, 'a'));
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /larger than 5 MB/);
  });

  it('answers an empty file, a file with no name column and no file with 400', async () => {
    const empty = await upload(organiser, '');
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /(empty|Choose a CSV file)/);
    const noName = await upload(organiser, 'colour,size\nred,big\n');
    assert.equal(noName.statusCode, 400);
    assert.match(noName.body, /No name or id column found/);
    await organiser.get(`${LIST}/import`);
    const noFile = await organiser.post(`${LIST}/import`, {});
    assert.equal(noFile.statusCode, 400);
    assert.match(noFile.body, /Choose a CSV file/);
    const broken = await upload(organiser, 'name,email\n"Unclosed,a@b.org\n');
    assert.equal(broken.statusCode, 400);
    assert.match(broken.body, /could not be read as CSV/);
  });

  it('refuses a forged upload with 403 before reading its file, however large', async () => {
    await assertForgedUploadRefused(organiser, `${LIST}/import`, MAX_IMPORT_BYTES);
  });

  it('refuses an upload without the form token, and from a viewer', async () => {
    await organiser.get(`${LIST}/import`);
    const forged = await organiser.postMultipart(
      `${LIST}/import`,
      { _csrf: 'forged' },
      { file: { filename: 'x.csv', content: 'name\nMallory\n' } },
    );
    assert.equal(forged.statusCode, 403);
    const foreign = await organiser.postMultipart(
      `${LIST}/import`,
      {},
      { file: { filename: 'x.csv', content: 'name\nMallory\n' } },
      { origin: 'https://evil.example' },
    );
    assert.equal(foreign.statusCode, 403);
    const viewer = await loginAs(app, 'viewer');
    const res = await viewer.postMultipart(
      `${LIST}/import`,
      {},
      { file: { filename: 'x.csv', content: 'name\nMallory\n' } },
    );
    assert.equal(res.statusCode, 403);
    const list = await getTargetList(ctx.db, 'leeds-city-council');
    const found = await listTargets(ctx.db, list?.id ?? 0, { q: 'Mallory' });
    assert.equal(found.total, 0);
  });
});
