import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import {
  PersonInputError,
  currentConsent,
  findPersonByEmail,
  getPerson,
  listActivities,
  listConsentHistory,
  recordActivity,
  recordConsent,
  upsertPerson,
} from './people.service.js';
import { NAME_MAX_LENGTH, TAG_MAX_LENGTH } from './person-input.js';

describeEachDatabase('people service', (ctx) => {
  before(async () => {
    await loadUkConstituencies(ctx.db);
  });

  it('creates a person, then reports unchanged for the same data', async () => {
    const input = {
      email: ' Ada.Lovelace@Example.org ',
      firstName: 'Ada',
      lastName: 'Lovelace',
      postcode: 'dn2 4ab',
      tags: ['Volunteer'],
      customFields: { ward: 'Town' },
      source: 'petition:library',
    };
    const first = await upsertPerson(ctx.db, input);
    assert.equal(first.outcome, 'created');
    const again = await upsertPerson(ctx.db, input);
    assert.deepEqual(again, { id: first.id, outcome: 'unchanged' });

    const person = await findPersonByEmail(ctx.db, 'ADA.LOVELACE@example.org');
    assert.ok(person);
    assert.equal(person.email, 'ada.lovelace@example.org');
    assert.equal(person.postcode, 'DN2 4AB', 'postcode stored formatted');
    assert.equal(person.constituencyCode, 'E14000668');
    assert.equal(person.constituencyName, 'Doncaster Central');
    assert.equal(person.region, 'Yorkshire and The Humber');
    assert.deepEqual(person.tags, ['volunteer']);
    assert.deepEqual(person.customFields, { ward: 'Town' });
    assert.equal(person.source, 'petition:library');
  });

  it('updates given values, merges tags and fields, never blanks stored ones', async () => {
    const { id } = await upsertPerson(ctx.db, {
      email: 'grace@example.org',
      firstName: 'Grace',
      lastName: 'Hopper',
      phone: '01234 567890',
      postcode: 'DN2 5XY',
      tags: ['donor'],
      customFields: { ward: 'North', employer: 'Navy' },
      source: 'import:first.csv',
    });
    const res = await upsertPerson(ctx.db, {
      email: 'GRACE@example.org',
      firstName: '',
      lastName: null,
      phone: '   ',
      postcode: undefined,
      tags: ['Volunteer', 'DONOR'],
      customFields: { ward: '', employer: 'Harvard', shift: 'late' },
      source: 'petition:other',
    });
    assert.deepEqual(res, { id, outcome: 'updated' });
    const p = await getPerson(ctx.db, id);
    assert.ok(p);
    assert.equal(p.firstName, 'Grace');
    assert.equal(p.lastName, 'Hopper');
    assert.equal(p.phone, '01234 567890');
    assert.equal(p.postcode, 'DN2 5XY');
    assert.equal(p.constituencyCode, 'E14000668');
    assert.deepEqual(p.tags, ['donor', 'volunteer']);
    assert.deepEqual(p.customFields, { ward: 'North', employer: 'Harvard', shift: 'late' });
    assert.equal(p.source, 'import:first.csv', 'source is where they first came from');

    const renamed = await upsertPerson(ctx.db, {
      email: 'grace@example.org',
      firstName: 'Amazing Grace',
      source: 'x',
    });
    assert.equal(renamed.outcome, 'updated');
    assert.equal((await getPerson(ctx.db, id))?.firstName, 'Amazing Grace');
  });

  it('sets the constituency only when the postcode implies exactly one', async () => {
    const { id } = await upsertPerson(ctx.db, {
      email: 'east@example.org',
      postcode: 'e1 6an',
      source: 'test',
    });
    const p = await getPerson(ctx.db, id);
    assert.equal(p?.postcode, 'E1 6AN');
    assert.equal(p?.constituencyCode, null, 'E1 spans several constituencies');

    await upsertPerson(ctx.db, { email: 'east@example.org', postcode: 'CF31 1AA', source: 't' });
    const moved = await getPerson(ctx.db, id);
    assert.equal(moved?.constituencyName, 'Bridgend');
    await upsertPerson(ctx.db, { email: 'east@example.org', postcode: 'E1 6AN', source: 't' });
    assert.equal((await getPerson(ctx.db, id))?.constituencyCode, null, 'moving re-derives it');

    const { id: abroad } = await upsertPerson(ctx.db, {
      email: 'abroad@example.org',
      postcode: '75001 paris',
      source: 'test',
    });
    assert.equal((await getPerson(ctx.db, abroad))?.postcode, '75001 PARIS', 'kept, not lost');
  });

  it('rejects bad input with a message and stores nothing', async () => {
    await assert.rejects(
      upsertPerson(ctx.db, { email: 'not-an-email', source: 'test' }),
      (err: Error) => err instanceof PersonInputError && /valid email/.test(err.message),
    );
    await assert.rejects(
      upsertPerson(ctx.db, {
        email: 'long@example.org',
        firstName: 'x'.repeat(NAME_MAX_LENGTH + 1),
        source: 'test',
      }),
      /First name can be at most 100/,
    );
    await assert.rejects(
      upsertPerson(ctx.db, {
        email: 'long@example.org',
        tags: ['t'.repeat(TAG_MAX_LENGTH + 1)],
        source: 'test',
      }),
      PersonInputError,
    );
    assert.equal(await findPersonByEmail(ctx.db, 'long@example.org'), undefined);
    const ok = await upsertPerson(ctx.db, {
      email: 'long@example.org',
      firstName: 'x'.repeat(NAME_MAX_LENGTH),
      source: 'test',
    });
    assert.equal(ok.outcome, 'created');
  });

  it('two simultaneous upserts of a new email make one person', async () => {
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((tag) =>
        upsertPerson(ctx.db, { email: 'race@example.org', tags: [tag], source: 'test' }),
      ),
    );
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    assert.equal(results.filter((r) => r.outcome === 'created').length, 1);
    const p = await findPersonByEmail(ctx.db, 'race@example.org');
    assert.deepEqual([...(p?.tags ?? [])].sort(), ['a', 'b', 'c', 'd']);
  });

  it('keeps every consent, newest first, and the latest is current', async () => {
    const { id } = await upsertPerson(ctx.db, { email: 'consent@example.org', source: 'test' });
    assert.equal(await currentConsent(ctx.db, id, 'email'), null);
    await recordConsent(ctx.db, id, {
      channel: 'email',
      status: 'granted',
      method: 'form',
      wording: 'Keep me updated by email',
      source: 'petition:library',
    });
    await recordConsent(ctx.db, id, {
      channel: 'sms',
      status: 'granted',
      method: 'import',
      wording: 'Opted in on paper',
      source: 'import:list.csv',
    });
    await recordConsent(ctx.db, id, {
      channel: 'email',
      status: 'withdrawn',
      method: 'admin',
      wording: 'Asked by phone to stop',
      source: 'admin',
    });
    const history = await listConsentHistory(ctx.db, id);
    assert.deepEqual(
      history.map((c) => [c.channel, c.status, c.method, c.wording]),
      [
        ['email', 'withdrawn', 'admin', 'Asked by phone to stop'],
        ['sms', 'granted', 'import', 'Opted in on paper'],
        ['email', 'granted', 'form', 'Keep me updated by email'],
      ],
    );
    assert.equal(await currentConsent(ctx.db, id, 'email'), 'withdrawn');
    assert.equal(await currentConsent(ctx.db, id, 'sms'), 'granted');
    const timeline = await listActivities(ctx.db, id);
    assert.equal(timeline.filter((a) => a.kind === 'consent').length, 3);
    await assert.rejects(
      recordConsent(ctx.db, id, {
        channel: 'fax' as 'email',
        status: 'granted',
        method: 'form',
        wording: 'x',
        source: 'y',
      }),
      PersonInputError,
    );
  });

  it('records activities inside a caller transaction, newest first', async () => {
    const { id } = await upsertPerson(ctx.db, { email: 'active@example.org', source: 'test' });
    await ctx.db.kysely.transaction().execute(async (trx) => {
      const again = await upsertPerson(
        ctx.db,
        { email: 'active@example.org', lastName: 'Active', postcode: 'DN2 1AA', source: 'x' },
        { trx },
      );
      assert.equal(again.outcome, 'updated');
      await recordActivity(
        ctx.db,
        id,
        { kind: 'signed', summary: 'Signed', refType: 'petition', refId: 7, data: { a: 1 } },
        { trx },
      );
      await recordActivity(ctx.db, id, { kind: 'comment', summary: 'Commented' }, { trx });
    });
    const timeline = await listActivities(ctx.db, id);
    assert.deepEqual(
      timeline.map((a) => [a.kind, a.refType, a.refId]),
      [
        ['comment', null, null],
        ['signed', 'petition', '7'],
      ],
    );
    assert.deepEqual(timeline[1]?.data, { a: 1 });
    await assert.rejects(recordActivity(ctx.db, id, { kind: 'Bad Kind', summary: 'x' }));
  });
});
