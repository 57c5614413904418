import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { erasePerson } from './data-rights.service.js';
import {
  HANDLE_MATCH_LIMIT,
  findPeopleByHandle,
  handleFromPostUrl,
  handlesOf,
  normaliseHandle,
} from './handles.service.js';
import { upsertPerson } from './people.service.js';
import { testConfig } from '../../config.js';
import { createServices } from '../../infra/services.js';

function assertNormalises(cases: readonly (readonly [string, string | null])[]) {
  for (const [input, expected] of cases) assert.equal(normaliseHandle(input), expected, input);
}

describe('normaliseHandle', () => {
  it('strips the @ and lower-cases', () =>
    assertNormalises([
      ['@Amira_H', 'amira_h'],
      ['  amira_h ', 'amira_h'],
    ]));

  it('does not take a host named after an inherited property for a big platform', () => {
    for (const host of ['constructor', 'toString', '__proto__', 'valueOf'])
      assert.equal(normaliseHandle(`https://${host}/amira_h`), null, host);
  });

  it('reads profile and post addresses of the big platforms', () =>
    assertNormalises([
      ['https://twitter.com/Amira_H', 'amira_h'],
      ['https://x.com/amira_h/status/123', 'amira_h'],
      ['http://www.twitter.com/amira_h?ref=x', 'amira_h'],
      ['x.com/Amira_H', 'amira_h'],
      ['https://bsky.app/profile/Ben.bsky.social', 'ben'],
      ['https://bsky.app/profile/ben.example.org/post/3k', 'ben.example.org'],
      ['https://www.instagram.com/grace.a/', 'grace.a'],
      ['https://www.tiktok.com/@Dev_P/video/1', 'dev_p'],
      ['https://www.facebook.com/elena.rossi', 'elena.rossi'],
    ]));

  it('keeps the instance of a Mastodon handle, however it is written', () =>
    assertNormalises([
      ['@Finn@Mastodon.Social', 'finn@mastodon.social'],
      ['finn@mastodon.social', 'finn@mastodon.social'],
      ['https://mastodon.social/@Finn', 'finn@mastodon.social'],
      ['https://mastodon.social/@finn/11223344', 'finn@mastodon.social'],
      ['https://mastodon.social/users/finn', 'finn@mastodon.social'],
    ]));

  it('refuses what cannot be a handle', () =>
    assertNormalises([
      ['', null],
      ['@', null],
      ['two words', null],
      ['<script>', null],
      ['https://x.com/home', null],
      ['https://x.com/', null],
      ['https://example.org/blog/post', null],
      ['javascript://x.com/a', null],
      [`@${'a'.repeat(200)}`, null],
    ]));

  it('finds the handle in a post address when it has one', () => {
    assert.equal(handleFromPostUrl('https://x.com/Amira_H/status/1'), 'amira_h');
    assert.equal(handleFromPostUrl('https://www.instagram.com/p/ABC/'), null);
    assert.equal(handleFromPostUrl('not a url'), null);
  });

  it('reads the handles of a person by custom-field name, per platform', () => {
    assert.deepEqual(
      handlesOf({
        customFields: {
          'Twitter handle': '@Amira_H',
          Bluesky: 'amira.bsky.social',
          Mastodon: '@amira@mastodon.social',
          Note: '@not_a_handle_field',
          handle: 'amira',
        },
      }),
      [
        { platform: 'twitter', handle: 'amira_h' },
        { platform: 'bluesky', handle: 'amira' },
        { platform: 'mastodon', handle: 'amira@mastodon.social' },
        { platform: 'any', handle: 'amira' },
      ],
    );
  });
});

describeEachDatabase('findPeopleByHandle', (ctx) => {
  const ids: Record<string, number> = {};
  before(async () => {
    const add = async (key: string, customFields: Record<string, string>) => {
      ids[key] = (
        await upsertPerson(ctx.db, { email: `${key}@example.org`, customFields, source: 'test' })
      ).id;
    };
    await add('amira', { twitter: '@Amira_H', instagram: 'amira.insta' });
    await add('ben', { Bluesky: 'https://bsky.app/profile/benokafor.bsky.social' });
    await add('finn', { mastodon: 'https://mastodon.social/@Finn' });
    await add('other_finn', { mastodon: '@finn@other.example' });
    // An underscore is a LIKE wildcard: "amira_h" must not find "amiraxh".
    await add('lookalike', { x: 'amiraXh' });
    await add('noted', { notes: 'follows @amira_h on twitter' });
    await add('generic', { handle: 'x.com/shared_name' });
  });

  const found = async (handle: string, platform?: Parameters<typeof findPeopleByHandle>[2]) =>
    (await findPeopleByHandle(ctx.db, handle, platform)).map((p) => p.id).sort();

  it('matches any spelling of the handle', async () => {
    for (const spelling of [
      'amira_h',
      '@AMIRA_H',
      'https://twitter.com/amira_h',
      'x.com/Amira_H/status/9',
    ])
      assert.deepEqual(await found(spelling), [ids.amira], spelling);
  });

  it('keeps to the platform when asked, and to handle fields', async () => {
    assert.deepEqual(await found('amira_h', { platform: 'twitter' }), [ids.amira]);
    assert.deepEqual(await found('amira_h', { platform: 'bluesky' }), []);
    assert.deepEqual(await found('amira.insta', { platform: 'instagram' }), [ids.amira]);
    assert.deepEqual(await found('amira.insta', { platform: 'twitter' }), []);
    // The generic "handle" field counts for every platform.
    assert.deepEqual(await found('@shared_name', { platform: 'tiktok' }), [ids.generic]);
  });

  it('matches Bluesky with or without its default domain', async () => {
    assert.deepEqual(await found('benokafor.bsky.social', { platform: 'bluesky' }), [ids.ben]);
    assert.deepEqual(await found('@benokafor', { platform: 'bluesky' }), [ids.ben]);
    assert.deepEqual(await found('https://bsky.app/profile/benokafor.bsky.social'), [ids.ben]);
  });

  it('tells Mastodon accounts apart by instance', async () => {
    assert.deepEqual(await found('@finn@mastodon.social'), [ids.finn]);
    assert.deepEqual(await found('finn@other.example'), [ids.other_finn]);
    assert.deepEqual(await found('finn@third.example'), []);
  });

  it('finds nobody for unknown or invalid handles', async () => {
    assert.deepEqual(await found('nobody_here'), []);
    assert.deepEqual(await found('not a handle'), []);
    assert.deepEqual(await found('%'), []);
  });

  it('skips erased people', async () => {
    const { id } = await upsertPerson(ctx.db, {
      email: 'gone@example.org',
      customFields: { twitter: '@gone_soon' },
      source: 'test',
    });
    assert.deepEqual(await found('gone_soon'), [id]);
    await erasePerson(createServices({ config: testConfig(), db: ctx.db }), id, null);
    assert.deepEqual(await found('gone_soon'), []);
  });

  it(`returns at most ${HANDLE_MATCH_LIMIT} people`, async () => {
    for (let i = 0; i < HANDLE_MATCH_LIMIT + 3; i++)
      await upsertPerson(ctx.db, {
        email: `crowd${i}@example.org`,
        customFields: { handle: '@crowd' },
        source: 'test',
      });
    assert.equal((await findPeopleByHandle(ctx.db, 'crowd')).length, HANDLE_MATCH_LIMIT);
  });
});
