import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff } from '../../../test/helpers/staff.js';
import { recordConsent, upsertPerson } from './people.service.js';
import { NO_SEGMENTS_MESSAGE } from './people.views.js';
import {
  CSV_COLUMNS,
  SEGMENT_NAME_MAX_LENGTH,
  listSegmentMembers,
  resolveSegment,
} from './segments.service.js';

function listedIds(body: string): number[] {
  return [...body.matchAll(/<a href="\/admin\/people\/(\d+)">/g)].map((m) => Number(m[1]));
}

function csvRows(body: string): Record<string, string>[] {
  assert.ok(body.startsWith('\uFEFF'), 'UTF-8 byte-order mark for spreadsheet programs');
  return parse<Record<string, string>>(body.slice(1), { columns: true });
}

describeEachDatabase('segments and CSV export', (ctx) => {
  const suite = appWithStaff(ctx, ['organiser', 'viewer']);
  let evil: number;
  let plain: number;

  before(async () => {
    evil = (
      await upsertPerson(ctx.db, {
        email: 'evil@example.org',
        firstName: '=HYPERLINK("http://evil.example","click")',
        lastName: '+SUM(A1:A9)',
        phone: '-1+1',
        tags: ['street'],
        customFields: { note: '@SUM(1)' },
        source: 'petition:x',
      })
    ).id;
    plain = (
      await upsertPerson(ctx.db, {
        email: 'plain@example.org',
        firstName: 'Zoë',
        lastName: "O'Brien, Jr",
        tags: ['street', 'donor'],
        source: 'petition:x',
      })
    ).id;
    await upsertPerson(ctx.db, { email: 'other@example.org', tags: ['office'], source: 'x' });
    await recordConsent(ctx.db, plain, {
      channel: 'email',
      status: 'granted',
      method: 'form',
      wording: 'Email me',
      source: 'petition:x',
    });
  });

  it('says how to make one when there are none', async () => {
    const res = await suite.as.viewer.get('/admin/segments');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(NO_SEGMENTS_MESSAGE.slice(0, 20)));
  });

  it('saves the current filters as a segment and opens it as the filtered list', async () => {
    const list = await suite.as.organiser.get('/admin/people?tag=street');
    assert.deepEqual(listedIds(list.body), [plain, evil]);
    assert.match(list.body, /Save these filters as a segment/);
    const saved = await suite.as.organiser.post('/admin/segments', {
      name: 'Street team',
      tag: 'street',
    });
    assert.equal(saved.statusCode, 303);
    const segmentUrl = String(saved.headers.location);
    const id = Number(/^\/admin\/segments\/(\d+)$/.exec(segmentUrl)?.[1]);
    assert.ok(id > 0);

    const opened = await suite.as.viewer.get(segmentUrl);
    assert.equal(opened.statusCode, 302);
    const page = await suite.as.viewer.get(String(opened.headers.location));
    assert.match(page.body, /People: Street team/);
    assert.deepEqual(listedIds(page.body), [plain, evil]);

    const index = await suite.as.viewer.get('/admin/segments');
    assert.match(index.body, /Street team/);
    assert.match(index.body, /tag street/);
    assert.match(index.body, /<td class="num">2<\/td>/);
    assert.doesNotMatch(index.body, /Delete/, 'viewers cannot delete');

    assert.deepEqual(await resolveSegment(ctx.db, id), { tag: 'street' });
    const members = await listSegmentMembers(ctx.db, id);
    assert.deepEqual(
      members.map((m) => m.id),
      [evil, plain],
    );
    const mailable = await listSegmentMembers(ctx.db, id, { emailConsentOnly: true });
    assert.deepEqual(
      mailable.map((m) => m.id),
      [plain],
    );
    // A segment is a saved query: new matches join it.
    const late = await upsertPerson(ctx.db, {
      email: 'late@example.org',
      tags: ['street'],
      source: 'x',
    });
    assert.equal((await listSegmentMembers(ctx.db, id)).length, 3);
    assert.ok((await listSegmentMembers(ctx.db, id)).some((m) => m.id === late.id));
  });

  it('exports a segment as CSV with formula injection defused', async () => {
    await suite.as.organiser.get('/admin/people');
    const saved = await suite.as.organiser.post('/admin/segments', {
      name: 'Evil only',
      q: 'evil@',
    });
    const id = Number(String(saved.headers.location).split('/').pop());
    const res = await suite.as.organiser.get(`/admin/segments/${id}/export.csv`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /attachment; filename="segment-\d+-/);
    const rows = csvRows(res.body);
    assert.deepEqual(Object.keys(rows[0] ?? {}), [...CSV_COLUMNS]);
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.equal(row.email, 'evil@example.org');
    assert.equal(row.first_name, `'=HYPERLINK("http://evil.example","click")`);
    assert.equal(row.last_name, `'+SUM(A1:A9)`);
    assert.equal(row.phone, `'-1+1`);
    assert.equal(row.custom_fields, 'note: @SUM(1)', 'only a leading character is a formula');
    assert.equal(row.tags, 'street');
    for (const value of Object.values(row)) assert.doesNotMatch(value, /^[=+\-@]/);

    const audit = await suite.app.services.audit.recent(3);
    assert.ok(audit.some((a) => a.action === 'people.export-csv' && a.subject_id === String(id)));
  });

  it('exports any filtered list as CSV, quoting commas and keeping accents', async () => {
    const res = await suite.as.organiser.get('/admin/people/export.csv?tag=donor');
    assert.equal(res.statusCode, 200);
    const rows = csvRows(res.body);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.first_name, 'Zoë');
    assert.equal(rows[0]?.last_name, "O'Brien, Jr");
    assert.equal(rows[0]?.email_consent, 'granted');
    const everyone = csvRows((await suite.as.organiser.get('/admin/people/export.csv')).body);
    assert.equal(everyone.length, 4);
    const bad = await suite.as.organiser.get('/admin/people/export.csv?consent=perhaps');
    assert.equal(bad.statusCode, 400);
  });

  it('refuses a segment without a usable name', async () => {
    await suite.as.organiser.get('/admin/people');
    const empty = await suite.as.organiser.post('/admin/segments', { name: '  ', tag: 'street' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Give the segment a name/);
    const long = await suite.as.organiser.post('/admin/segments', {
      name: 'n'.repeat(SEGMENT_NAME_MAX_LENGTH + 1),
    });
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /at most 100 characters/);
    const badFilter = await suite.as.organiser.post('/admin/segments', {
      name: 'x',
      createdFrom: 'soon',
    });
    assert.equal(badFilter.statusCode, 400);
  });

  it('deletes a segment; unknown segments are 404', async () => {
    await suite.as.organiser.get('/admin/people');
    const saved = await suite.as.organiser.post('/admin/segments', {
      name: 'Temporary',
      tag: 'office',
    });
    const id = Number(String(saved.headers.location).split('/').pop());
    await suite.as.organiser.get('/admin/segments');
    assert.equal((await suite.as.organiser.post(`/admin/segments/${id}/delete`)).statusCode, 303);
    assert.equal((await suite.as.viewer.get(`/admin/segments/${id}`)).statusCode, 404);
    assert.equal(
      (await suite.as.organiser.get(`/admin/segments/${id}/export.csv`)).statusCode,
      404,
    );
    assert.equal((await suite.as.viewer.get(`/admin/people?segment=${id}`)).statusCode, 404);
    await assert.rejects(resolveSegment(ctx.db, id), /No such segment/);
  });
});
