import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { PAGE_SIZE } from './people.filters.js';
import * as repo from './people.repository.js';
import { getPerson, recordActivity, recordConsent, upsertPerson } from './people.service.js';
import { NO_MATCHES_MESSAGE, NO_PEOPLE_MESSAGE } from './people.views.js';

/** The people a list page links to, in page order. */
function listedIds(body: string): number[] {
  return [...body.matchAll(/<a href="\/admin\/people\/(\d+)">/g)].map((m) => Number(m[1]));
}

describeEachDatabase('people admin pages', (ctx) => {
  const suite = appWithStaff(ctx, ['viewer', 'organiser']);
  const ids: Record<string, number> = {};

  async function person(key: string, input: Parameters<typeof upsertPerson>[1]) {
    ids[key] = (await upsertPerson(ctx.db, input)).id;
    return ids[key];
  }

  it('shows the empty state before anyone signs up', async () => {
    const res = await suite.as.viewer.get('/admin/people');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(NO_PEOPLE_MESSAGE.slice(0, 30)));
    assert.match(res.body, /href="\/admin\/people"[^>]*>People</, 'nav item');
  });

  it('narrows the list by each filter', async () => {
    await loadUkConstituencies(ctx.db);
    const alice = await person('alice', {
      email: 'alice@example.org',
      firstName: 'Alice',
      lastName: 'Archer',
      postcode: 'DN2 4AB',
      tags: ['volunteer'],
      source: 'test',
    });
    const bob = await person('bob', {
      email: 'bob@example.net',
      firstName: 'Bob',
      lastName: 'Baker',
      postcode: 'CF31 1AA',
      tags: ['donor', 'volunteers-lead'],
      source: 'test',
    });
    const cara = await person('cara', {
      email: 'cara@example.org',
      firstName: 'Cara',
      lastName: 'Carter',
      source: 'test',
    });
    const consent = { method: 'form', wording: 'Email me', source: 'test' } as const;
    await recordConsent(ctx.db, alice, { ...consent, channel: 'email', status: 'granted' });
    await recordConsent(ctx.db, bob, { ...consent, channel: 'email', status: 'granted' });
    await recordConsent(ctx.db, bob, { ...consent, channel: 'email', status: 'withdrawn' });
    await recordConsent(ctx.db, cara, { ...consent, channel: 'sms', status: 'granted' });
    await recordActivity(ctx.db, alice, {
      kind: 'signed',
      summary: 'Signed',
      refType: 'petition',
      refId: 1,
    });
    await recordActivity(ctx.db, cara, { kind: 'letter', summary: 'Wrote to MP' });
    await repo.updatePerson(ctx.db.kysely, alice, { created_at: '2024-01-10T09:00:00.000Z' });
    await repo.updatePerson(ctx.db.kysely, bob, { created_at: '2024-02-20T23:59:00.000Z' });
    await repo.updatePerson(ctx.db.kysely, cara, { created_at: '2024-03-05T00:00:00.000Z' });

    const cases: [string, number[]][] = [
      ['', [cara, bob, alice]],
      ['q=ARCH', [alice]],
      ['q=example.net', [bob]],
      ['q=a%20c', [cara]],
      ['q=%25', []],
      ['tag=volunteer', [alice]],
      ['tag=Donor', [bob]],
      ['constituency=E14000668', [alice]],
      ['region=Wales', [bob]],
      ['consent=granted', [alice]],
      ['consent=withdrawn', [bob]],
      ['consent=none', [cara]],
      ['action=signed', [alice]],
      ['action=letter', [cara]],
      ['createdFrom=2024-02-20', [cara, bob]],
      ['createdTo=2024-02-20', [bob, alice]],
      ['createdFrom=2024-01-11&createdTo=2024-03-04', [bob]],
      ['tag=volunteer&consent=withdrawn', []],
    ];
    for (const [query, expected] of cases) {
      const res = await suite.as.viewer.get(`/admin/people?${query}`);
      assert.equal(res.statusCode, 200, query);
      assert.deepEqual(listedIds(res.body), expected, `filter ${query}`);
      if (expected.length === 0) assert.match(res.body, new RegExp(NO_MATCHES_MESSAGE));
    }
    const page = await suite.as.viewer.get('/admin/people?region=Wales');
    assert.match(page.body, /<option value="Wales"\s+selected/, 'filters stay in the form');
    assert.match(page.body, />\s*1 person\s*</);
  });

  it('rejects bad filters with a message, not an error', async () => {
    for (const [query, message] of [
      ['consent=maybe', /consent option/],
      ['createdFrom=31/01/2024', /2024-03-31/],
      ['createdFrom=2024-02-30', /does not exist/],
      ['createdTo=0000-01-01', /from 1900/],
      ['createdFrom=2024-03-01&createdTo=2024-02-01', /must not be after/],
      [`q=${'x'.repeat(201)}`, /at most 200/],
      ['page=0', /1 or more/],
      ['page=abc', /number/],
    ] as const) {
      const res = await suite.as.viewer.get(`/admin/people?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.match(res.body, message, query);
    }
  });

  it(`pages the list ${PAGE_SIZE} at a time with the total shown`, async () => {
    const created: number[] = [];
    for (let i = 0; i < PAGE_SIZE * 2 + 7; i++)
      created.push(
        (await upsertPerson(ctx.db, { email: `bulk${i}@paging.test`, tags: ['bulk'], source: 't' }))
          .id,
      );
    const newestFirst = [...created].reverse();
    const first = await suite.as.viewer.get('/admin/people?tag=bulk');
    assert.match(first.body, />\s*107 people\s*</);
    assert.match(first.body, /Page 1 of 3/);
    assert.deepEqual(listedIds(first.body), newestFirst.slice(0, PAGE_SIZE));
    const next = /href="([^"]+)" rel="next"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    assert.equal(next, '/admin/people?tag=bulk&page=2');
    const third = await suite.as.viewer.get('/admin/people?tag=bulk&page=3');
    assert.deepEqual(listedIds(third.body), newestFirst.slice(PAGE_SIZE * 2));
    assert.doesNotMatch(third.body, /rel="next"/);
    const beyond = await suite.as.viewer.get('/admin/people?tag=bulk&page=4');
    assert.deepEqual(listedIds(beyond.body), []);
  });

  it('shows a person with tags, custom fields, consents and activity newest first', async () => {
    const id = await person('dora', {
      email: 'dora@example.org',
      firstName: 'Dora',
      lastName: '<Explorer>',
      tags: ['map-reader'],
      customFields: { favourite: 'Backpack' },
      source: 'petition:maps',
    });
    await recordConsent(ctx.db, id, {
      channel: 'email',
      status: 'granted',
      method: 'form',
      wording: 'Send me campaign news',
      source: 'petition:maps',
    });
    await recordActivity(ctx.db, id, { kind: 'signed', summary: 'Signed "Maps for all"' });
    await recordActivity(ctx.db, id, { kind: 'comment', summary: 'Commented on maps' });
    const res = await suite.as.viewer.get(`/admin/people/${id}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Dora &lt;Explorer&gt;/, 'escaped');
    assert.match(res.body, /map-reader/);
    assert.match(res.body, /favourite<\/dt>\s*<dd>Backpack/);
    assert.match(res.body, /Send me campaign news/);
    const timeline = res.body.slice(res.body.indexOf('people-timeline'));
    assert.ok(timeline.indexOf('Commented on maps') < timeline.indexOf('Signed &quot;Maps'));
    assert.doesNotMatch(res.body, /Save changes/, 'viewers see no edit form');
    assert.doesNotMatch(res.body, /Erase/);

    const orgView = await suite.as.organiser.get(`/admin/people/${id}`);
    assert.match(orgView.body, /Save changes/);
    assert.match(orgView.body, /Export everything/);
  });

  it('lets an organiser edit details, clearing a field on purpose', async () => {
    const id = await person('ed', {
      email: 'ed@example.org',
      firstName: 'Ed',
      lastName: 'Edwards',
      phone: '0111',
      source: 'test',
    });
    await suite.as.organiser.get(`/admin/people/${id}`);
    const res = await suite.as.organiser.post(`/admin/people/${id}`, {
      email: 'Edward@Example.org',
      firstName: 'Edward',
      lastName: 'Edwards',
      postcode: 'dn2 4ab',
      phone: '',
      customFields: 'team: north\nshirt: XL',
    });
    assert.equal(res.statusCode, 303);
    const p = await getPerson(ctx.db, id);
    assert.equal(p?.email, 'edward@example.org');
    assert.equal(p?.firstName, 'Edward');
    assert.equal(p?.phone, null);
    assert.equal(p?.postcode, 'DN2 4AB');
    assert.equal(p?.constituencyName, 'Doncaster Central');
    assert.deepEqual(p?.customFields, { team: 'north', shirt: 'XL' });
    const page = await suite.as.organiser.get(`/admin/people/${id}`);
    assert.match(page.body, /Saved\./);
    assert.match(page.body, /Details edited by staff/);

    const audit = await suite.app.services.audit.recent(5);
    const entry = audit.find((a) => a.action === 'person.edit' && a.subject_id === String(id));
    assert.ok(entry);
    assert.doesNotMatch(entry.details ?? '', /edward@/, 'audit keeps field names, not values');

    for (const [form, message] of [
      [{ email: 'nope' }, /valid email/],
      [{ email: 'alice@example.org' }, /Another person already has that email/],
      [{ email: 'ed2@example.org', firstName: 'x'.repeat(101) }, /at most 100/],
      [{ email: 'ed2@example.org', customFields: 'no colon here' }, /line 1 must look like/],
    ] as const) {
      const bad = await suite.as.organiser.post(`/admin/people/${id}`, form);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, message);
    }
    assert.equal((await getPerson(ctx.db, id))?.email, 'edward@example.org', 'nothing changed');
  });

  it('adds and removes tags', async () => {
    const id = await person('tess', { email: 'tess@example.org', source: 'test' });
    await suite.as.organiser.get(`/admin/people/${id}`);
    assert.equal(
      (await suite.as.organiser.post(`/admin/people/${id}/tags`, { tag: ' Street Team ' }))
        .statusCode,
      303,
    );
    assert.deepEqual((await getPerson(ctx.db, id))?.tags, ['street team']);
    const list = await suite.as.viewer.get('/admin/people?tag=street+team');
    assert.deepEqual(listedIds(list.body), [id]);
    await suite.as.organiser.post(`/admin/people/${id}/tags/remove`, { tag: 'street team' });
    assert.deepEqual((await getPerson(ctx.db, id))?.tags, []);
    const tooLong = await suite.as.organiser.post(`/admin/people/${id}/tags`, {
      tag: 't'.repeat(51),
    });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /at most 50/);
  });

  it('records a consent change made by staff', async () => {
    const id = await person('cons', { email: 'cons@example.org', source: 'test' });
    await suite.as.organiser.get(`/admin/people/${id}`);
    const res = await suite.as.organiser.post(`/admin/people/${id}/consents`, {
      channel: 'email',
      status: 'withdrawn',
      note: 'Phoned to stop emails',
    });
    assert.equal(res.statusCode, 303);
    const list = await suite.as.viewer.get('/admin/people?consent=withdrawn&q=cons%40');
    assert.deepEqual(listedIds(list.body), [id]);
    const bad = await suite.as.organiser.post(`/admin/people/${id}/consents`, {
      channel: 'pigeon',
      status: 'granted',
      note: 'x',
    });
    assert.equal(bad.statusCode, 400);
  });

  it('keeps viewers to reading: every change answers 403', async () => {
    const id = ids.alice!;
    await suite.as.viewer.get(`/admin/people/${id}`);
    const attempts: [string, Record<string, string>][] = [
      [`/admin/people/${id}`, { email: 'hacked@example.org' }],
      [`/admin/people/${id}/tags`, { tag: 'x' }],
      [`/admin/people/${id}/tags/remove`, { tag: 'volunteer' }],
      [`/admin/people/${id}/consents`, { channel: 'email', status: 'withdrawn', note: 'x' }],
      [`/admin/people/${id}/erase`, { confirm: 'alice@example.org' }],
      ['/admin/segments', { name: 'Mine' }],
    ];
    for (const [url, form] of attempts) {
      const res = await suite.as.viewer.post(url, form);
      assert.equal(res.statusCode, 403, url);
    }
    for (const url of [
      `/admin/people/${id}/erase`,
      `/admin/people/${id}/export.json`,
      '/admin/people/export.csv',
    ])
      assert.equal((await suite.as.viewer.get(url)).statusCode, 403, url);
    const p = await getPerson(ctx.db, id);
    assert.equal(p?.email, 'alice@example.org');
    assert.equal(p?.erasedAt, null);
    const anonymous = await new TestClient(suite.app).get('/admin/people');
    assert.equal(anonymous.statusCode, 302);
    assert.match(String(anonymous.headers.location), /^\/login/);
  });

  it('answers unknown or malformed person numbers with 404', async () => {
    for (const url of ['/admin/people/999999', '/admin/people/abc', '/admin/people/-1'])
      assert.equal((await suite.as.viewer.get(url)).statusCode, 404, url);
    assert.equal(
      (await suite.as.organiser.post('/admin/people/999999/tags', { tag: 'x' })).statusCode,
      404,
    );
  });

  it('answers a repeated form field or an over-long id with a 4xx naming the problem, never a 500', async () => {
    const id = await person('twice', { email: 'twice@example.org', source: 'test' });
    await suite.as.organiser.get(`/admin/people/${id}`);
    for (const path of ['/tags', '/tags/remove']) {
      const res = await suite.as.organiser.post(`/admin/people/${id}${path}`, { tag: ['a', 'b'] });
      assert.equal(res.statusCode, 400, path);
      assert.match(res.body, /tag: /, path);
    }
    assert.deepEqual((await getPerson(ctx.db, id))?.tags, [], 'nothing changed');
    const repeatedName = await suite.as.organiser.post('/admin/segments', { name: ['One', 'Two'] });
    assert.equal(repeatedName.statusCode, 400);
    assert.match(repeatedName.body, /name: /);
    for (const url of [
      '/admin/people/99999999999',
      '/admin/people/2147483648',
      '/admin/people/99999999999/export.json',
      '/admin/segments/99999999999',
      '/admin/people?segment=99999999999',
    ])
      assert.equal((await suite.as.organiser.get(url)).statusCode, 404, url);
  });
});
