import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../../test/helpers/databases.js';
import { loginAs } from '../../../../test/helpers/staff.js';
import type { TestClient } from '../../../../test/helpers/test-client.js';
import { Worker } from '../../../infra/jobs/worker.js';
import { loadUkConstituencies } from '../../constituencies/uk-data.service.js';
import {
  findPersonByEmail,
  listActivities,
  listConsentHistory,
  recordConsent,
  upsertPerson,
} from '../people.service.js';
import { CUSTOM_FIELD_VALUE_MAX_LENGTH } from '../person-input.js';
import { ONE_MB, messyCsv, messyXlsx } from './fixtures/messy-fixtures.js';
import { ABANDONED_UPLOAD_MS, MAX_UPLOAD_BYTES } from './import.limits.js';
import { parse } from 'csv-parse/sync';

const BASE = '/admin/people/import';

/** The rejected rows of the messy CSV, by row number (see fixtures/messy-fixtures.ts). */
const MESSY_REJECTS: [number, string][] = [
  [4, 'not a valid email address: "not-an-email"'],
  [5, 'no email address'],
  [6, 'same email as row 2: only the first row with an email is imported'],
  [7, 'column "Email opt-in": "maybe" is not a consent answer (use yes or no)'],
  [8, 'the row has 3 values but the header has 10 columns'],
  [9, 'the row has 11 values but the header has 10 columns'],
  [10, `column "Notes": value longer than ${CUSTOM_FIELD_VALUE_MAX_LENGTH} characters`],
];

const MESSY_COUNTS = { rows: 13, created: 4, updated: 1, unchanged: 1, rejected: 7, consents: 3 };

function countsOnPage(body: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of body.matchAll(/data-count="(\w+)">([\d,]+)</g))
    out[m[1] as string] = Number((m[2] as string).replace(/,/g, ''));
  return out;
}

function importIdFrom(location: string | undefined): number {
  const match = /\/admin\/people\/import\/(\d+)$/.exec(location ?? '');
  assert.ok(match, `redirect to an import page, got ${location}`);
  return Number(match[1]);
}

/** The mapping form as the organiser leaves it, with some columns changed. */
function mappingForm(body: string, changes: Record<string, string>): Record<string, string> {
  const form: Record<string, string> = {};
  for (const m of body.matchAll(
    /<label for="map-(\d+)">([^<]*)<\/label>\s*<select[^>]*name="(map_\d+)">([\s\S]*?)<\/select>/g,
  )) {
    const header = (m[2] as string).trim();
    const selected = /<option value="([^"]+)"\s*selected/.exec(m[4] as string)?.[1];
    form[m[3] as string] = changes[header] ?? selected ?? 'ignore';
  }
  return form;
}

async function upload(client: TestClient, filename: string, content: Buffer) {
  await client.get(BASE);
  return client.postMultipart(BASE, {}, { file: { filename, content } });
}

describeEachDatabase('people import over HTTP', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  before(async () => {
    await loadUkConstituencies(ctx.db);
    app = await createTestApp(ctx.db);
    organiser = await loginAs(app, 'organiser');
  });
  after(() => app.close());

  const runJobs = () => new Worker(app.services.jobs).runUntilIdle();
  /** The pieces of an import's upload still stored. */
  const chunksOf = (id: number) =>
    ctx.db.kysely
      .selectFrom('people_import_chunks')
      .select('seq')
      .where('import_id', '=', id)
      .execute();

  it('imports a messy CSV: preview, mapping, dry run, job, result, rejected rows', async () => {
    // Bob is already known (with a phone the file leaves empty); Lee is known exactly as the file
    // has him.
    await upsertPerson(ctx.db, {
      email: 'bob@example.org',
      firstName: 'Robert',
      phone: '0113 496 0000',
      postcode: 'LS1 4AP',
      source: 'petition:earlier',
    });
    await upsertPerson(ctx.db, {
      email: 'lee@example.org',
      firstName: 'Lee',
      lastName: 'Ray',
      source: 'petition:earlier',
    });

    const uploaded = await upload(organiser, 'members export.csv', messyCsv());
    assert.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 500));
    const id = importIdFrom(uploaded.headers.location);

    const preview = await organiser.get(`${BASE}/${id}`);
    assert.equal(preview.statusCode, 200);
    // The byte-order mark is gone from the first header and the semicolons were understood.
    assert.match(preview.body, /<th scope="col">Email address<\/th>/);
    assert.match(preview.body, /<th scope="col">Internal ID<\/th>/);
    assert.match(preview.body, /Met at the stall;\r\nwants a leaflet/);
    const guessed = mappingForm(preview.body, {});
    assert.deepEqual(guessed, {
      map_0: 'email',
      map_1: 'firstName',
      map_2: 'lastName',
      map_3: 'postcode',
      map_4: 'phone',
      map_5: 'tags',
      map_6: 'consent:email',
      map_7: 'custom',
      map_8: 'custom',
      map_9: 'custom',
    });

    const dry = await organiser.post(
      `${BASE}/${id}/dry-run`,
      mappingForm(preview.body, { 'Internal ID': 'ignore' }),
    );
    assert.equal(dry.statusCode, 303, dry.body.slice(0, 500));
    const dryPage = await organiser.get(`${BASE}/${id}/dry-run`);
    assert.equal(dryPage.statusCode, 200);
    assert.deepEqual(countsOnPage(dryPage.body), MESSY_COUNTS);
    for (const [row, reason] of MESSY_REJECTS) {
      const escaped = reason.replace(/"/g, '&quot;').replace(/'/g, '&#39;');
      assert.ok(
        dryPage.body
          .replace(/>\s+</g, '><')
          .includes(`<td class="num">${row}</td><td>${escaped}</td>`),
        `dry run lists row ${row}: ${reason}`,
      );
    }
    assert.equal(await findPersonByEmail(ctx.db, 'ann@example.org'), undefined, 'dry run wrote');

    const started = await organiser.post(`${BASE}/${id}/start`, {});
    assert.equal(started.statusCode, 303);
    const waiting = await organiser.get(`${BASE}/${id}`);
    assert.match(waiting.body, /<progress[^>]*id="import-progress"[^>]*value="0"/);
    assert.match(waiting.body, /<noscript><meta http-equiv="refresh" content="2" \/><\/noscript>/);
    assert.match(waiting.body, /src="\/assets\/js\/import-progress.js"/);
    const queued = await organiser.get(`${BASE}/${id}/status.json`, {
      accept: 'application/json',
    });
    assert.deepEqual(queued.json<{ status: string; finished: boolean }>(), {
      ...queued.json<object>(),
      status: 'queued',
      finished: false,
    });

    // The import, then the domain events its new people raised (for webhooks).
    assert.ok((await runJobs()) >= 1);
    const status = await organiser.get(`${BASE}/${id}/status.json`, {
      accept: 'application/json',
    });
    assert.deepEqual(status.json(), {
      status: 'done',
      progress: 100,
      finished: true,
      counts: MESSY_COUNTS,
      error: null,
    });
    const result = await organiser.get(`${BASE}/${id}`);
    assert.deepEqual(countsOnPage(result.body), MESSY_COUNTS);
    assert.match(result.body, /Download rejected rows \(CSV\)/);

    // Every valid row arrived, with what it said.
    const ann = await findPersonByEmail(ctx.db, 'ann@example.org');
    assert.ok(ann);
    assert.equal(ann.firstName, 'Ann', 'the first row with an email wins, not the repeat');
    assert.equal(ann.postcode, 'DN2 4AB');
    assert.equal(ann.constituencyName, 'Doncaster Central', 'derived from the postcode');
    assert.equal(ann.phone, '07700 900001');
    assert.deepEqual(ann.tags, ['volunteer', 'donor']);
    assert.deepEqual(ann.customFields, {
      Joined: '05/03/2024',
      Notes: 'Met at the stall;\r\nwants a leaflet',
    });
    assert.equal(ann.source, 'import:members export.csv');
    const [consent] = await listConsentHistory(ctx.db, ann.id);
    assert.deepEqual(
      consent && {
        channel: consent.channel,
        status: consent.status,
        method: consent.method,
        wording: consent.wording,
        source: consent.source,
      },
      {
        channel: 'email',
        status: 'granted',
        method: 'import',
        wording: 'Imported from members export.csv column Email opt-in',
        source: 'import:members export.csv',
      },
    );
    const kinds = (await listActivities(ctx.db, ann.id)).map((a) => a.kind).sort();
    assert.deepEqual(kinds, ['consent', 'imported']);

    const bob = await findPersonByEmail(ctx.db, 'bob@example.org');
    assert.equal(bob?.firstName, 'Bob');
    assert.equal(bob?.lastName, 'Jones');
    assert.equal(bob?.phone, '0113 496 0000', 'an empty cell never erases a stored value');
    assert.equal(bob?.postcode, 'LS1 4AP');
    assert.equal(bob?.source, 'petition:earlier');
    assert.deepEqual(bob?.customFields, { Joined: '45123' }, 'CSV dates are kept as written');
    assert.deepEqual(await listConsentHistory(ctx.db, bob?.id ?? 0), [], '"no" records nothing');
    const lee = await findPersonByEmail(ctx.db, 'lee@example.org');
    assert.ok(lee);
    assert.deepEqual(
      (await listActivities(ctx.db, lee.id)).map((a) => a.kind),
      ['imported'],
      'an unchanged person still has the import on their timeline',
    );
    const ivy = await findPersonByEmail(ctx.db, 'ivy@example.org');
    assert.deepEqual(ivy?.customFields, {}, 'the 1 MB cell was in an ignored column');
    const jo = await findPersonByEmail(ctx.db, 'jo@example.org');
    assert.equal(jo?.lastName, 'Quote "Q" Smith');
    const kim = await findPersonByEmail(ctx.db, 'kim@example.org');
    assert.equal(kim?.customFields.Notes, '=SUM(A1)', 'the formula guard is taken off');
    for (const email of [
      'eve@example.org',
      'fay@example.org',
      'gus@example.org',
      'hal@example.org',
    ])
      assert.equal(await findPersonByEmail(ctx.db, email), undefined, `${email} was rejected`);

    const csv = await organiser.get(`${BASE}/${id}/rejected.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    assert.match(
      csv.headers['content-disposition'] as string,
      /attachment; filename="members_export-rejected.csv"/,
    );
    const records = parse(csv.body, { bom: true, relax_column_count: true });
    assert.deepEqual(records[0], [
      'Email address',
      'Forename',
      'Surname',
      'Post code',
      'Mobile',
      'Tags',
      'Email opt-in',
      'Joined',
      'Notes',
      'Internal ID',
      'Rejected because',
    ]);
    assert.deepEqual(
      records.slice(1).map((r) => [r[0], r[10]]),
      [
        ['not-an-email', MESSY_REJECTS[0]?.[1]],
        ['', MESSY_REJECTS[1]?.[1]],
        ['ann@example.org', MESSY_REJECTS[2]?.[1]],
        ['eve@example.org', MESSY_REJECTS[3]?.[1]],
        ['fay@example.org', MESSY_REJECTS[4]?.[1]],
        ['gus@example.org', MESSY_REJECTS[5]?.[1]],
        ['hal@example.org', MESSY_REJECTS[6]?.[1]],
      ],
    );
    assert.equal(records[6]?.[11], 'extra', "a long row's extra value follows the reason");
    assert.equal(records[7]?.[8], ONE_MB, 'the rejected row keeps its 1 MB cell whole');

    // The stored upload is gone once the job is done.
    assert.deepEqual(await chunksOf(id), []);
  });

  it('imports an Excel workbook, with dates as ISO dates', async () => {
    const uploaded = await upload(organiser, 'supporters.xlsx', await messyXlsx());
    assert.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 500));
    const id = importIdFrom(uploaded.headers.location);
    const preview = await organiser.get(`${BASE}/${id}`);
    assert.match(preview.body, /Excel workbook with\s+7 columns/);
    assert.match(preview.body, /<td>1980-02-29<\/td>/);
    const form = mappingForm(preview.body, {});
    assert.equal(form.map_0, 'email');
    assert.equal(form.map_5, 'consent:email');
    await organiser.post(`${BASE}/${id}/dry-run`, form);
    const dry = await organiser.get(`${BASE}/${id}/dry-run`);
    const expected = { rows: 5, created: 3, updated: 0, unchanged: 0, rejected: 2, consents: 2 };
    assert.deepEqual(countsOnPage(dry.body), expected);
    await organiser.post(`${BASE}/${id}/start`, {});
    await runJobs();
    const result = await organiser.get(`${BASE}/${id}`);
    assert.deepEqual(countsOnPage(result.body), expected);
    assert.match(
      result.body,
      /<td class="num">4<\/td>\s*<td>not a valid email address: &quot;not an email&quot;<\/td>/,
    );
    assert.match(result.body, /<td class="num">6<\/td>\s*<td>same email as row 2/);

    const mo = await findPersonByEmail(ctx.db, 'mo@example.org');
    assert.equal(mo?.phone, '7700900123');
    assert.deepEqual(mo?.customFields, { 'Date of birth': '1980-02-29', Score: '42' });
    const nia = await findPersonByEmail(ctx.db, 'nia@example.org');
    assert.equal(nia?.firstName, 'Nia');
    assert.deepEqual(await listConsentHistory(ctx.db, nia?.id ?? 0), []);
    const pat = await findPersonByEmail(ctx.db, 'pat@example.org');
    assert.equal((await listConsentHistory(ctx.db, pat?.id ?? 0)).length, 1);
  });

  it('never re-consents someone who withdrew, and a re-import is all unchanged', async () => {
    const file = Buffer.from('Email,First name,Email opt-in\r\numa@example.org,Uma,yes\r\n');
    const { id: umaId } = await upsertPerson(ctx.db, { email: 'uma@example.org', source: 'form' });
    await recordConsent(ctx.db, umaId, {
      channel: 'email',
      status: 'withdrawn',
      method: 'form',
      wording: 'Unsubscribed',
      source: 'mail',
    });
    for (const expected of [
      { rows: 1, created: 0, updated: 1, unchanged: 0, rejected: 0, consents: 0 },
      { rows: 1, created: 0, updated: 0, unchanged: 1, rejected: 0, consents: 0 },
    ]) {
      const uploaded = await upload(organiser, 'again.csv', file);
      const id = importIdFrom(uploaded.headers.location);
      const preview = await organiser.get(`${BASE}/${id}`);
      await organiser.post(`${BASE}/${id}/dry-run`, mappingForm(preview.body, {}));
      await organiser.post(`${BASE}/${id}/start`, {});
      await runJobs();
      assert.deepEqual(countsOnPage((await organiser.get(`${BASE}/${id}`)).body), expected);
    }
    const history = await listConsentHistory(ctx.db, umaId);
    assert.deepEqual(
      history.map((c) => c.status),
      ['withdrawn'],
    );
  });

  it('fails an import whose stored file can no longer be read, saying why', async () => {
    const uploaded = await upload(organiser, 'lost.csv', Buffer.from('Email\nx@example.org\n'));
    const id = importIdFrom(uploaded.headers.location);
    const preview = await organiser.get(`${BASE}/${id}`);
    await organiser.post(`${BASE}/${id}/dry-run`, mappingForm(preview.body, {}));
    await organiser.post(`${BASE}/${id}/start`, {});
    await ctx.db.kysely.deleteFrom('people_import_chunks').where('import_id', '=', id).execute();
    await runJobs();
    const page = await organiser.get(`${BASE}/${id}`);
    assert.match(page.body, /<h1>Import of lost.csv failed<\/h1>/);
    assert.match(page.body, /role="alert">\s*The file is empty\./);
    const status = await organiser.get(`${BASE}/${id}/status.json`, {
      accept: 'application/json',
    });
    assert.equal(status.json<{ status: string }>().status, 'failed');
  });

  it('forgets uploads left before the import for longer than ABANDONED_UPLOAD_MS', async () => {
    const first = await upload(organiser, 'left.csv', Buffer.from('Email\nx@example.org\n'));
    const id = importIdFrom(first.headers.location);
    const stale = new Date(Date.now() - ABANDONED_UPLOAD_MS - 60_000).toISOString();
    await ctx.db.kysely
      .updateTable('people_imports')
      .set({ updated_at: stale })
      .where('id', '=', id)
      .execute();
    const second = await upload(organiser, 'next.csv', Buffer.from('Email\ny@example.org\n'));
    assert.equal(second.statusCode, 303);
    assert.equal((await organiser.get(`${BASE}/${id}`)).statusCode, 404);
    assert.deepEqual(await chunksOf(id), []);
  });

  it('re-renders the mapping with a message when no column is email', async () => {
    const uploaded = await upload(organiser, 'no-email.csv', Buffer.from('Name,Town\nA,B\n'));
    const id = importIdFrom(uploaded.headers.location);
    const preview = await organiser.get(`${BASE}/${id}`);
    const res = await organiser.post(`${BASE}/${id}/dry-run`, mappingForm(preview.body, {}));
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Choose the column that holds email addresses/);
    const twice = await organiser.post(
      `${BASE}/${id}/dry-run`,
      mappingForm(preview.body, { Name: 'email', Town: 'email' }),
    );
    assert.equal(twice.statusCode, 400);
    assert.match(twice.body, /Only one column can be Email: &quot;Name&quot;, &quot;Town&quot;/);
    const start = await organiser.post(`${BASE}/${id}/start`, {});
    assert.equal(start.statusCode, 303, 'starting before a dry run is refused with a message');
    const page = await organiser.get(`${BASE}/${id}`);
    assert.match(page.body, /Check the column mapping with a dry run first/);
  });

  it('refuses files it cannot read with a 4xx message, keeping nothing', async () => {
    const before = await ctx.db.kysely.selectFrom('people_imports').select('id').execute();
    const cases: [string, Buffer, number, RegExp][] = [
      ['empty.csv', Buffer.alloc(0), 400, /The file is empty/],
      [
        'old.xls',
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
        400,
        /old-style Excel file/,
      ],
      ['fake.xlsx', Buffer.from('Email\nx@example.org\n'), 400, /not an Excel workbook/],
      [
        'broken.xlsx',
        Buffer.from('PK\u0003\u0004 not really a zip'),
        400,
        /could not be read as an Excel/,
      ],
      ['blank-header.csv', Buffer.from(',,\nx@example.org,,\n'), 400, /first row is empty/],
    ];
    for (const [name, content, status, message] of cases) {
      const res = await upload(organiser, name, content);
      assert.equal(res.statusCode, status, `${name}: ${res.body.slice(0, 300)}`);
      assert.match(res.body, message, name);
    }
    const after = await ctx.db.kysely.selectFrom('people_imports').select('id').execute();
    assert.equal(after.length, before.length);
  });

  it(`answers 413 with a message for a file over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`, async () => {
    const stored = async () => ({
      imports: (await ctx.db.kysely.selectFrom('people_imports').select('id').execute()).length,
      chunks: (await ctx.db.kysely.selectFrom('people_import_chunks').select('seq').execute())
        .length,
    });
    const before = await stored();
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1, 'a');
    const res = await upload(organiser, 'huge.csv', big);
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /larger than 50 MB/);
    assert.deepEqual(await stored(), before, 'nothing of the refused upload is kept');
  });

  it('refuses an upload without a valid CSRF token', async () => {
    await organiser.get(BASE);
    const res = await organiser.postMultipart(
      BASE,
      { _csrf: 'forged' },
      { file: { filename: 'a.csv', content: 'Email\na@example.org\n' } },
    );
    assert.equal(res.statusCode, 403);
    const foreign = await organiser.postMultipart(
      BASE,
      {},
      { file: { filename: 'a.csv', content: 'Email\na@example.org\n' } },
      { origin: 'https://evil.example' },
    );
    assert.equal(foreign.statusCode, 403);
  });

  it('is for organisers: a viewer gets 403, a visitor the login page', async () => {
    const viewer = await loginAs(app, 'viewer');
    for (const url of [BASE, `${BASE}/1`, `${BASE}/1/dry-run`, `${BASE}/1/rejected.csv`]) {
      const res = await viewer.get(url);
      assert.equal(res.statusCode, 403, url);
    }
    const post = await viewer.post(`${BASE}/1/start`, {});
    assert.equal(post.statusCode, 403);
    await viewer.get('/admin');
    const upload = await viewer.postMultipart(
      BASE,
      {},
      { file: { filename: 'a.csv', content: 'Email\na@example.org\n' } },
    );
    assert.equal(upload.statusCode, 403);
    const anonymous = await app.inject({ url: BASE, headers: { accept: 'text/html' } });
    assert.equal(anonymous.statusCode, 302);
    assert.match(anonymous.headers.location as string, /^\/login/);
  });

  it('answers a repeated mapping field or download phase with a 400 naming it, and an id no row can have with 404, never a 500', async () => {
    // Ten digits pass a digits-only check but are beyond PostgreSQL's integer id column.
    for (const url of [`${BASE}/9999999999`, `${BASE}/9999999999/status.json`])
      assert.equal((await organiser.get(url)).statusCode, 404, url);
    const uploaded = await upload(
      organiser,
      'twice.csv',
      Buffer.from('Email,Name\nx@example.org,X\n'),
    );
    const id = importIdFrom(uploaded.headers.location);
    const preview = await organiser.get(`${BASE}/${id}`);
    const form = mappingForm(preview.body, {});
    const res = await organiser.post(`${BASE}/${id}/dry-run`, {
      ...form,
      map_0: ['email', 'ignore'],
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /map_0: /);
    const csv = await organiser.get(`${BASE}/${id}/rejected.csv?phase=dry-run&phase=import`);
    assert.equal(csv.statusCode, 400);
    assert.match(csv.body, /phase: /);
  });

  it('answers 404 for an import that does not exist', async () => {
    for (const url of [`${BASE}/999999`, `${BASE}/abc`, `${BASE}/999999/status.json`]) {
      const res = await organiser.get(url);
      assert.equal(res.statusCode, 404, url);
    }
  });
});
