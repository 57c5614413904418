import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { MAX_NAME_LENGTH } from './targets.rules.js';
import { findTargetsByDivision } from './targets.service.js';
import { loadUkCommons } from './uk-commons.service.js';

const COMMONS = '/admin/targets/uk-commons';

function rowCount(body: string): number {
  return (body.split('<tbody>')[1]?.split('</tbody>')[0] ?? '').split('<tr>').length - 1;
}

describeEachDatabase('target lists in the admin', (ctx) => {
  let app: FastifyInstance;
  let viewer: TestClient;
  let organiser: TestClient;
  let pudseyUrl: string;

  before(async () => {
    app = await createTestApp(ctx.db);
    await loadUkCommons(app.services);
    const [pudsey] = await findTargetsByDivision(ctx.db, 'uk-commons', 'E14000886');
    pudseyUrl = `${COMMONS}/${pudsey?.id}`;
    viewer = await loginAs(app, 'viewer');
    organiser = await loginAs(app, 'organiser');
  });
  after(() => app.close());

  it('sends anonymous visitors to the login page', async () => {
    const res = await new TestClient(app).get('/admin/targets');
    assert.equal(res.statusCode, 302);
    assert.match(String(res.headers.location), /^\/login/);
  });

  it('shows a viewer the lists with counts, in the navigation', async () => {
    const res = await viewer.get('/admin/targets');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<a href="\/admin\/targets"[^>]*>Targets<\/a>/);
    assert.match(res.body, /UK House of Commons/);
    assert.match(res.body, /<td class="num">650<\/td>/);
    assert.doesNotMatch(res.body, /Create a list/, 'viewers cannot create lists');
  });

  it('pages through a list 50 at a time and filters by party, search and division', async () => {
    const first = await viewer.get(COMMONS);
    assert.equal(first.statusCode, 200);
    assert.equal(rowCount(first.body), 50);
    assert.match(first.body, /Page 1 of 13/);
    assert.match(first.body, /650 targets/);
    const last = await viewer.get(`${COMMONS}?page=13`);
    assert.equal(rowCount(last.body), 50, '650 MPs fill 13 pages exactly');
    assert.match(last.body, /Page 13 of 13/);
    const beyond = await viewer.get(`${COMMONS}?page=999`);
    assert.match(beyond.body, /Page 13 of 13/);

    const greens = await viewer.get(`${COMMONS}?party=Green+Party`);
    assert.equal(rowCount(greens.body), 1);
    assert.match(greens.body, /Caroline Lucas/);

    const search = await viewer.get(`${COMMONS}?q=hamilton`);
    assert.match(search.body, /Fabian Hamilton/);
    assert.ok(rowCount(search.body) < 10);

    const wildcard = await viewer.get(`${COMMONS}?q=%25`);
    assert.match(wildcard.body, /0 targets match/, '% is searched for, not a wildcard');

    const byDivision = await viewer.get(`${COMMONS}?division=pudsey`);
    assert.equal(rowCount(byDivision.body), 1);
    assert.match(byDivision.body, /Stuart Andrew/);
    assert.match(byDivision.body, /@stuartandrew/);
  });

  it('lets a viewer read a target but not change or delete it', async () => {
    const page = await viewer.get(pudseyUrl);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Stuart Andrew/);
    assert.match(page.body, /E14000886/);
    assert.doesNotMatch(page.body, /Save changes/);

    await viewer.get('/admin/targets');
    const edit = await viewer.post(pudseyUrl, { name: 'Hacked' });
    assert.equal(edit.statusCode, 403);
    const del = await viewer.post(`${pudseyUrl}/delete`, { confirm: 'yes' });
    assert.equal(del.statusCode, 403);
    assert.equal((await viewer.get(`${COMMONS}/new`)).statusCode, 403);
    const [pudsey] = await findTargetsByDivision(ctx.db, 'uk-commons', 'E14000886');
    assert.equal(pudsey?.name, 'Stuart Andrew');
  });

  it('lets an organiser add an email and a Bluesky handle, shown afterwards', async () => {
    const form = await organiser.get(pudseyUrl);
    assert.match(form.body, /Save changes/);
    const values = Object.fromEntries(
      [
        ...form.body.matchAll(/<input\s+id="target-[^"]+"\s+name="([^"]+)"[^>]*value="([^"]*)"/g),
      ].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    assert.equal(values.name, 'Stuart Andrew');
    assert.equal(values.twitter, 'stuartandrew');
    const res = await organiser.post(pudseyUrl, {
      ...values,
      email: 'stuart.andrew.mp@parliament.uk',
      bluesky: '@StuartAndrew.bsky.social',
    });
    assert.equal(res.statusCode, 303);
    const shown = await organiser.get(String(res.headers.location));
    assert.match(shown.body, /Saved Stuart Andrew/);
    assert.match(shown.body, /value="stuart\.andrew\.mp@parliament\.uk"/);
    assert.match(shown.body, /value="stuartandrew\.bsky\.social"/);
    const list = await organiser.get(`${COMMONS}?division=E14000886`);
    assert.match(list.body, /stuart\.andrew\.mp@parliament\.uk/);
  });

  it('re-renders the form with messages and a 400 when a field is not valid', async () => {
    await organiser.get(pudseyUrl);
    const res = await organiser.post(pudseyUrl, {
      name: 'Stuart Andrew',
      twitter: 'https://example.com/stuart',
      email: 'not-an-email',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Twitter\/X must be a handle or a twitter\.com \/ x\.com profile link/);
    assert.match(res.body, /&quot;not-an-email&quot; is not an email address/);
    assert.match(res.body, /value="https:\/\/example\.com\/stuart"/, 'keeps what was typed');
    const tooLong = await organiser.post(pudseyUrl, { name: 'x'.repeat(MAX_NAME_LENGTH + 1) });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, new RegExp(`Name must be at most ${MAX_NAME_LENGTH} characters`));
    const taken = await organiser.post(pudseyUrl, { name: 'Stuart Andrew', external_id: '415' });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /Another target in this list already has this external id/);
    const [pudsey] = await findTargetsByDivision(ctx.db, 'uk-commons', 'E14000886');
    assert.equal(pudsey?.twitter, 'stuartandrew', 'nothing was saved');
  });

  it('lets an organiser create a list, add a target to it and delete it after confirming', async () => {
    await organiser.get('/admin/targets');
    const created = await organiser.post('/admin/targets', {
      name: 'Scottish Parliament',
      description: 'MSPs',
    });
    assert.equal(created.statusCode, 303);
    assert.equal(created.headers.location, '/admin/targets/scottish-parliament');
    await organiser.get('/admin/targets');
    const duplicate = await organiser.post('/admin/targets', { name: 'Scottish Parliament' });
    assert.equal(duplicate.statusCode, 400);
    assert.match(duplicate.body, /already exists/);

    await organiser.get('/admin/targets/scottish-parliament/new');
    const missing = await organiser.post('/admin/targets/scottish-parliament/new', {
      role: 'MSP',
    });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Name is required/);
    const added = await organiser.post('/admin/targets/scottish-parliament/new', {
      name: 'Ann Example',
      role: 'MSP',
      mastodon: 'ann@mastodon.scot',
    });
    assert.equal(added.statusCode, 303);
    const targetUrl = String(added.headers.location);
    const shown = await organiser.get(targetUrl);
    assert.match(shown.body, /value="@ann@mastodon\.scot"/);

    const confirm = await organiser.get(`${targetUrl}/delete`);
    assert.match(confirm.body, /Yes, delete Ann Example/);
    const unconfirmed = await organiser.post(`${targetUrl}/delete`, {});
    assert.equal(unconfirmed.statusCode, 400);
    assert.equal((await organiser.get(targetUrl)).statusCode, 200, 'still there');
    await organiser.get(`${targetUrl}/delete`);
    const deleted = await organiser.post(`${targetUrl}/delete`, { confirm: 'yes' });
    assert.equal(deleted.statusCode, 303);
    assert.equal((await organiser.get(targetUrl)).statusCode, 404);
  });

  it('answers unknown lists and targets with 404', async () => {
    assert.equal((await viewer.get('/admin/targets/no-such-list')).statusCode, 404);
    assert.equal((await viewer.get(`${COMMONS}/999999`)).statusCode, 404);
    assert.equal((await viewer.get(`${COMMONS}/abc`)).statusCode, 404);
  });

  it('answers a repeated form field or filter with a 400 naming it, and an id no row can have with 404, never a 500', async () => {
    // Ten digits pass a digits-only check but are beyond PostgreSQL's integer id column.
    for (const url of [`${COMMONS}/9999999999`, `${COMMONS}/9999999999/delete`])
      assert.equal((await organiser.get(url)).statusCode, 404, url);

    await organiser.get(pudseyUrl);
    const repeated = await organiser.post(pudseyUrl, {
      name: 'Stuart Andrew',
      party: ['Conservative', 'Labour'],
    });
    assert.equal(repeated.statusCode, 400);
    assert.match(repeated.body, /party: /);
    const [pudsey] = await findTargetsByDivision(ctx.db, 'uk-commons', 'E14000886');
    assert.equal(pudsey?.party, 'Conservative', 'the party was not cleared');

    const filter = await viewer.get(`${COMMONS}?party=Labour&party=Conservative`);
    assert.equal(filter.statusCode, 400);
    assert.match(filter.body, /party: /);

    await organiser.get('/admin/targets');
    const list = await organiser.post('/admin/targets', { name: ['One', 'Two'] });
    assert.equal(list.statusCode, 400);
    assert.match(list.body, /name: /);
  });
});
