/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- HAL bodies are walked as the JSON they are (see OsdiBody) */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff } from '../../../test/helpers/staff.js';
import { erasePerson } from '../people/data-rights.service.js';
import { publishedPetition } from '../petitions/petitions.test-support.js';
import { API_RATE_LIMIT } from './api.plugin.js';
import { type OsdiBody, apiKey, osdiClient, pathOf } from './api.test-support.js';
import { MAX_PER_PAGE } from './osdi.service.js';

const ALL = { people: 'write', tags: 'write', petitions: 'write' } as const;

describeEachDatabase('OSDI API', (ctx) => {
  const suite = appWithStaff(ctx, []);

  it('round trip: sign up through the helper, find by email, tag, read their signatures', async () => {
    const { secret } = await apiKey(suite.app, ALL);
    const osdi = osdiClient(suite.app, secret);
    const entry = await osdi.get('/api/v1');
    assert.equal(entry.status, 200);
    assert.equal(entry.json().max_pagesize, MAX_PER_PAGE);
    const links = entry.json()._links;
    assert.ok(links['osdi:people'] && links['osdi:tags'] && links['osdi:petitions']);

    const signup = await osdi.post(pathOf(links['osdi:person_signup_helper'].href), {
      person: {
        given_name: 'Sam',
        family_name: 'Ng',
        email_addresses: [{ address: 'Sam.Ng@Example.org', status: 'subscribed' }],
        postal_addresses: [{ postal_code: 'ls28 5ab' }],
        custom_fields: { stall: 'Pudsey market' },
      },
      add_tags: ['Stall'],
      'rally:source': 'stall:pudsey',
      'rally:consent_wording': 'Keep me updated by email',
    });
    assert.equal(signup.status, 201, JSON.stringify(signup.json()));
    const person = signup.json();
    assert.match(person.identifiers[0], /^rally:\d+$/);
    assert.equal(person.email_addresses[0].status, 'subscribed');
    assert.equal(person.postal_addresses[0].postal_code, 'LS28 5AB');
    assert.deepEqual(person['rally:tags'], ['stall']);

    const again = await osdi.post('/api/v1/people/person_signup_helper', {
      person: {
        email_addresses: [{ address: 'sam.ng@example.org' }],
        phone_numbers: [{ number: '0113 496 0000' }],
      },
    });
    assert.equal(again.status, 200, 'the same email updates, not duplicates');

    const found = await osdi.get(
      `/api/v1/people?filter=${encodeURIComponent("email_address eq 'sam.ng@example.org'")}`,
    );
    assert.equal(found.json().total_records, 1);
    const self = found.json()._embedded['osdi:people'][0]._links.self.href;
    assert.equal(found.json()._embedded['osdi:people'][0].phone_numbers[0].number, '0113 496 0000');

    const tagged = await osdi.post('/api/v1/tags/volunteer/taggings', {
      _links: { 'osdi:person': { href: self } },
    });
    assert.equal(tagged.status, 201);
    const taggings = await osdi.get('/api/v1/tags/volunteer/taggings');
    assert.equal(taggings.json().total_records, 1);
    assert.equal(taggings.json()._embedded['osdi:taggings'][0]._links['osdi:person'].href, self);

    const petition = await publishedPetition(suite.app.services, {
      title: 'Keep our libraries open',
      slug: 'libraries-api',
    });
    const signed = await osdi.post(`/api/v1/petitions/${petition.id}/signatures`, {
      person: {
        given_name: 'Sam',
        family_name: 'Ng',
        email_addresses: [{ address: 'sam.ng@example.org' }],
        postal_addresses: [{ postal_code: 'LS28 5AB' }],
      },
    });
    assert.equal(signed.status, 201, JSON.stringify(signed.json()));
    assert.equal(signed.json()['rally:status'], 'pending');
    const theirs = await osdi.get(`${pathOf(self)}/signatures`);
    assert.equal(theirs.json().total_records, 1);
    assert.equal(
      theirs
        .json()
        ._embedded['osdi:signatures'][0]._links['osdi:petition'].href.endsWith(
          `/petitions/${petition.id}`,
        ),
      true,
    );
    const sigs = await osdi.get(`/api/v1/petitions/${petition.id}/signatures`);
    assert.equal(sigs.json().total_records, 1);
  });

  it('pages with next/prev links, refuses pages over the maximum and unknown filters', async () => {
    const { secret } = await apiKey(suite.app, ALL);
    const osdi = osdiClient(suite.app, secret);
    for (let i = 0; i < 3; i++)
      await osdi.post('/api/v1/people/person_signup_helper', {
        person: { email_addresses: [{ address: `pager-${i}@example.org` }] },
        add_tags: ['pager'],
      });
    const first = await osdi.get('/api/v1/tags/pager/taggings?per_page=2');
    assert.equal(first.json().total_records, 3);
    assert.equal(first.json().total_pages, 2);
    assert.equal(first.json()._embedded['osdi:taggings'].length, 2);
    assert.equal(first.json()._links.prev, undefined);
    const second = await osdi.get(pathOf(first.json()._links.next.href));
    assert.equal(second.json()._embedded['osdi:taggings'].length, 1);
    assert.ok(second.json()._links.prev);
    assert.equal(second.json()._links.next, undefined);

    const tooBig = await osdi.get(`/api/v1/people?per_page=${MAX_PER_PAGE + 1}`);
    assert.equal(tooBig.status, 400);
    assert.match(tooBig.json().error, /per_page can be at most 100/);
    const badFilter = await osdi.get(
      `/api/v1/people?filter=${encodeURIComponent("given_name eq 'x'")}`,
    );
    assert.equal(badFilter.status, 400);
    assert.match(badFilter.json().error, /Unsupported filter/);
    const unknownParam = await osdi.get('/api/v1/people?sort=name');
    assert.equal(unknownParam.status, 400);
  });

  it('filters by modified_date', async () => {
    const { secret } = await apiKey(suite.app, ALL);
    const osdi = osdiClient(suite.app, secret);
    await osdi.post('/api/v1/people/person_signup_helper', {
      person: { email_addresses: [{ address: 'recent@example.org' }] },
    });
    const future = await osdi.get(
      `/api/v1/people?filter=${encodeURIComponent("modified_date gt '2999-01-01T00:00:00Z'")}`,
    );
    assert.equal(future.json().total_records, 0);
    const past = await osdi.get(
      `/api/v1/people?filter=${encodeURIComponent("modified_date gt '2000-01-01' and email_address eq 'recent@example.org'")}`,
    );
    assert.equal(past.json().total_records, 1);
  });

  it('refuses bad input with an OSDI error and writes nothing', async () => {
    const { secret } = await apiKey(suite.app, ALL);
    const osdi = osdiClient(suite.app, secret);
    const cases: [unknown, RegExp][] = [
      ['{"person": ', /not valid JSON/],
      [{ person: { email_addresses: [{ address: 'x@example.org' }], shoe_size: 9 } }, /shoe_size/],
      [{ person: { email_addresses: [{ address: 42 }] } }, /address/],
      [{ person: { email_addresses: [{ address: 'nobody' }] } }, /valid email/],
      [
        { person: { email_addresses: [{ address: 'halfway@example.org', status: 'subscribed' }] } },
        /consent_wording/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await osdi.post('/api/v1/people/person_signup_helper', body);
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} for ${JSON.stringify(body)}`);
      assert.match(res.json().error, message);
      assert.equal(res.json().response_code, res.status);
    }
    const halfway = await osdi.get(
      `/api/v1/people?filter=${encodeURIComponent("email_address eq 'halfway@example.org'")}`,
    );
    assert.equal(halfway.json().total_records, 0, 'the refused subscription left no person behind');
    assert.equal((await osdi.get('/api/v1/people/999999')).status, 404);
    assert.equal((await osdi.get('/api/v1/people/abc')).status, 404);
  });

  it('updates a person with PUT, keeping what is not sent', async () => {
    const { secret } = await apiKey(suite.app, ALL);
    const osdi = osdiClient(suite.app, secret);
    const made = await osdi.post('/api/v1/people/person_signup_helper', {
      person: { given_name: 'Pat', email_addresses: [{ address: 'pat@example.org' }] },
    });
    const url = pathOf(made.json()._links.self.href);
    const put = await osdi.put(url, { family_name: 'Jones', custom_fields: { ward: 'North' } });
    assert.equal(put.status, 200);
    assert.equal(put.json().given_name, 'Pat');
    assert.equal(put.json().family_name, 'Jones');
    assert.equal(put.json().custom_fields.ward, 'North');
    const unsub = await osdi.put(url, {
      email_addresses: [{ address: 'pat@example.org', status: 'unsubscribed' }],
    });
    assert.equal(unsub.json().email_addresses[0].status, 'unsubscribed');
  });

  it('erasure reaches what the API created: the person and their signature', async () => {
    const { secret } = await apiKey(suite.app, ALL);
    const osdi = osdiClient(suite.app, secret);
    const petition = await publishedPetition(suite.app.services, {
      title: 'Erase me',
      slug: 'erase-api',
    });
    const made = await osdi.post('/api/v1/people/person_signup_helper', {
      person: {
        given_name: 'Zeb',
        family_name: 'Quill',
        email_addresses: [{ address: 'zeb.quill@example.org' }],
      },
    });
    await osdi.post(`/api/v1/petitions/${petition.id}/signatures`, {
      person: {
        given_name: 'Zeb',
        family_name: 'Quill',
        email_addresses: [{ address: 'zeb.quill@example.org' }],
        postal_addresses: [{ postal_code: 'LS28 5AB' }],
      },
    });
    const id = Number(/(\d+)$/.exec(made.json()._links.self.href)?.[1]);
    await erasePerson(suite.app.services, id, null);
    assert.equal((await osdi.get(`/api/v1/people/${id}`)).status, 404);
    const byEmail = await osdi.get(
      `/api/v1/people?filter=${encodeURIComponent("email_address eq 'zeb.quill@example.org'")}`,
    );
    assert.equal(byEmail.json().total_records, 0);
    const sigs = await osdi.get(`/api/v1/petitions/${petition.id}/signatures`);
    assert.doesNotMatch(JSON.stringify(sigs.json()), /zeb|quill/i);
  });

  it('needs a live key with the right scope', async () => {
    assert.equal((await osdiClient(suite.app, '').get('/api/v1/people')).status, 401);
    assert.equal((await osdiClient(suite.app, 'rally_nope').get('/api/v1/people')).status, 401);
    const { secret: readOnly } = await apiKey(suite.app, { people: 'read' });
    const reader = osdiClient(suite.app, readOnly);
    assert.equal((await reader.get('/api/v1/people')).status, 200);
    assert.equal((await reader.get('/api/v1/tags')).status, 403);
    const write = await reader.post('/api/v1/people/person_signup_helper', {
      person: { email_addresses: [{ address: 'nope@example.org' }] },
    });
    assert.equal(write.status, 403);
    assert.match(write.json().error, /may not write people/);

    const { secret, id } = await apiKey(suite.app, ALL);
    const { revokeApiKey } = await import('./api-keys.service.js');
    await revokeApiKey(suite.app.services, { id }, null);
    const revoked = await osdiClient(suite.app, secret).get('/api/v1/people');
    assert.equal(revoked.status, 401);
    assert.match(revoked.json().error, /revoked/);
  });

  it(`limits each key to ${API_RATE_LIMIT.max} requests a minute`, async () => {
    const { secret } = await apiKey(suite.app, { people: 'read' });
    const osdi = osdiClient(suite.app, secret);
    for (let i = 0; i < API_RATE_LIMIT.max; i++)
      assert.equal((await osdi.get('/api/v1')).status, 200);
    const over = await osdi.get('/api/v1');
    assert.equal(over.status, 429);
    assert.ok(Number(over.headers['retry-after']) > 0);
    const { secret: other } = await apiKey(suite.app, { people: 'read' });
    assert.equal(
      (await osdiClient(suite.app, other).get('/api/v1')).status,
      200,
      'other keys are not held back',
    );
  });

  it('describes itself in OpenAPI 3.1 from the route schemas, and documents itself without scripts', async () => {
    const res = await suite.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json<OsdiBody>();
    assert.equal(doc.openapi, '3.1.0');
    const signup = doc.paths['/api/v1/people/person_signup_helper'].post;
    const person = signup.requestBody.content['application/json'].schema.properties.person;
    assert.equal(person.additionalProperties, false);
    assert.ok(person.properties.email_addresses);
    assert.ok(
      doc.paths['/api/v1/people'].get.parameters.some(
        (p: { name: string }) => p.name === 'per_page',
      ),
    );
    const docs = await suite.app.inject({ method: 'GET', url: '/api/docs' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /person_signup_helper/);
    assert.doesNotMatch(docs.body, /<script[^>]+src="https?:/);
  });
});
