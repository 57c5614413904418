import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { upsertPerson } from '../people/people.service.js';
import { CSV_COLUMNS, CSV_MAX_BYTES, CSV_MAX_ROWS, parseCasesCsv } from './outreach.csv.js';
import { ABUSIVE_POST, addAmira, recordThroughForm } from './outreach.test-support.js';

describe('outreach CSV parsing', () => {
  it('numbers rows as a spreadsheet does, skipping empty ones, with semicolons too', () => {
    const parsed = parseCasesCsv(
      Buffer.from(
        'Post URL;Text;Handle\nhttps://x.com/a/status/1;"one; two";@a\n;;\n\nhttps://x.com/b/status/2;three;\n',
      ),
    );
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.rows.map((r) => [r.row, r.form.postUrl, r.form.postText, r.form.handle]),
      [
        [2, 'https://x.com/a/status/1', 'one; two', '@a'],
        [5, 'https://x.com/b/status/2', 'three', ''],
      ],
    );
  });

  it('refuses files without the required columns, empty, too large or too long', () => {
    const noColumns = parseCasesCsv(Buffer.from('name,email\nx,y\n'));
    assert.ok(
      !noColumns.ok && noColumns.status === 400 && /post_url and post_text/.test(noColumns.message),
    );
    const empty = parseCasesCsv(Buffer.from('  \n'));
    assert.ok(!empty.ok && empty.status === 400);
    const headerOnly = parseCasesCsv(Buffer.from('post_url,post_text\n'));
    assert.ok(!headerOnly.ok && headerOnly.status === 400 && /no posts/.test(headerOnly.message));
    const big = parseCasesCsv(Buffer.alloc(CSV_MAX_BYTES + 1, 'a'));
    assert.ok(!big.ok && big.status === 413);
    const rows = (n: number) =>
      Buffer.from(
        `post_url,post_text\n${Array.from({ length: n }, (_, i) => `https://x.com/a/status/${i},t`).join('\n')}\n`,
      );
    assert.ok(parseCasesCsv(rows(CSV_MAX_ROWS)).ok, 'exactly at the limit');
    const tooMany = parseCasesCsv(rows(CSV_MAX_ROWS + 1));
    assert.ok(!tooMany.ok && tooMany.status === 413 && /more than 200 posts/.test(tooMany.message));
    const broken = parseCasesCsv(Buffer.from('post_url,post_text\n"unclosed,x\n'));
    assert.ok(
      !broken.ok && broken.status === 400 && /could not be read as CSV/.test(broken.message),
    );
  });
});

describeEachDatabase('outreach CSV import', (ctx) => {
  let app: FastifyInstance;
  let moderator: TestClient;
  let amiraId: number;

  before(async () => {
    app = await createTestApp(ctx.db);
    moderator = await loginAs(app, 'moderator');
    amiraId = await addAmira(ctx.db, '@amira_h');
    await upsertPerson(ctx.db, { email: 'grace@example.org', firstName: 'Grace', source: 'test' });
  });
  after(() => app.close());

  const upload = async (content: string | Buffer, filename = 'posts.csv') => {
    await moderator.get('/admin/outreach/import');
    return moderator.postMultipart('/admin/outreach/import', {}, { file: { filename, content } });
  };

  it('offers a template with the header row', async () => {
    const res = await moderator.get('/admin/outreach/import/template.csv');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /attachment/);
    const rows: string[][] = parse(res.body);
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.ok(parseCasesCsv(Buffer.from(res.body)).ok, 'the template reads back');
  });

  it('records the good rows and reports each bad one by row number', async () => {
    const existing = await recordThroughForm(moderator, {
      postUrl: 'https://x.com/someone/status/500',
    });
    const csv = [
      'post_url,platform,handle,email,post_text,posted_on',
      `https://x.com/amira_h/status/101,,,,"${ABUSIVE_POST}",2025-01-02`,
      'https://www.instagram.com/p/XYZ/,instagram,,grace@example.org,"You are all idiots, shut up",',
      'not-a-url,,,,some text,',
      'https://x.com/a/status/102,,,,,',
      'https://x.com/someone/status/500,,,,duplicate of a recorded post,',
      ',,,,,',
      'https://x.com/b/status/103,,,,text,31/02/2025',
      'https://x.com/amira_h/status/101,,,,the same post twice in one file,',
      'https://x.com/c/status/104,myspace,two words,bad@,text,',
    ].join('\r\n');
    const res = await upload(csv);
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.match(res.body, /Read 8 rows: recorded 2, rejected 6\./);
    const rejected = [...res.body.matchAll(/<td class="num">(\d+)<\/td>\s*<td>([^<]*)<\/td>/g)].map(
      (m) => [Number(m[1]), m[2]?.trim() ?? ''],
    );
    assert.deepEqual(
      rejected.map(([row]) => row),
      [4, 5, 6, 8, 9, 10],
    );
    assert.match(String(rejected[0]?.[1]), /must be a web address/);
    assert.match(String(rejected[1]?.[1]), /Copy the text of the post/);
    assert.match(String(rejected[2]?.[1]), new RegExp(`already recorded, as case #${existing}`));
    assert.match(String(rejected[3]?.[1]), /YYYY-MM-DD/);
    assert.match(String(rejected[4]?.[1]), /already recorded/);
    const last = String(rejected[5]?.[1]);
    for (const problem of [/Choose a platform/, /not a handle/, /valid email address/])
      assert.match(last, problem);

    const cases = await ctx.db.kysely
      .selectFrom('outreach_cases')
      .selectAll()
      .where('source', '=', 'csv')
      .orderBy('id')
      .execute();
    assert.equal(cases.length, 2);
    assert.equal(cases[0]?.person_id, amiraId);
    assert.equal(cases[0]?.posted_on, '2025-01-02');
    assert.equal(cases[1]?.platform, 'instagram');
    assert.equal(cases[1]?.status, 'new');
    const audit = await app.services.audit.recent(10);
    const entry = audit.find((e) => e.action === 'outreach.import');
    assert.ok(entry);
    assert.deepEqual(JSON.parse(entry.details ?? '{}'), {
      filename: 'posts.csv',
      rows: 8,
      recorded: 2,
      rejected: 6,
      caseIds: cases.map((c) => c.id),
    });

    const again = await upload(csv);
    assert.match(again.body, /recorded 0, rejected 8\./, 'uploading again adds nothing');
  });

  it('refuses an oversize file, too many rows, a missing file and a bad header with 4xx', async () => {
    const big = await upload(Buffer.alloc(CSV_MAX_BYTES + 10, 'a'));
    assert.equal(big.statusCode, 413);
    assert.match(big.body, /larger than 1 MB/);
    const many = await upload(
      `post_url,post_text\n${Array.from({ length: CSV_MAX_ROWS + 1 }, (_, i) => `https://x.com/m/status/${i},t`).join('\n')}`,
    );
    assert.equal(many.statusCode, 413);
    assert.match(many.body, /more than 200 posts/);
    const header = await upload('name,email\nx,y');
    assert.equal(header.statusCode, 400);
    assert.match(header.body, /role="alert"/);
    await moderator.get('/admin/outreach/import');
    const none = await moderator.postMultipart('/admin/outreach/import', {}, {});
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Choose a CSV file/);
    await moderator.get('/admin/outreach/import');
    const forged = await moderator.postMultipart(
      '/admin/outreach/import',
      { _csrf: 'forged' },
      { file: { filename: 'x.csv', content: 'post_url,post_text\nhttps://x.com/f/status/1,t' } },
    );
    assert.equal(forged.statusCode, 403);
    const count = await ctx.db.kysely
      .selectFrom('outreach_cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('post_url', 'like', 'https://x.com/m/%')
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0, 'a refused file records nothing');
  });

  it('imports the row of its own template, downloaded and uploaded unchanged', async () => {
    const template = await moderator.get('/admin/outreach/import/template.csv');
    const res = await upload(template.rawPayload, 'not-in-our-name-template.csv');
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.match(res.body, /Read 1 row: recorded 1, rejected 0\./);
    const recorded = await ctx.db.kysely
      .selectFrom('outreach_cases')
      .select(['post_url', 'handle_key'])
      .where('post_url', '=', 'https://x.com/example/status/1')
      .executeTakeFirst();
    assert.deepEqual(recorded, {
      post_url: 'https://x.com/example/status/1',
      handle_key: 'example',
    });
  });
});
