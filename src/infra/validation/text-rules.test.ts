import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  firstErrorSetter,
  isSlug,
  matchKey,
  parseDateInput,
  parseWebUrl,
  requiredText,
  slugOrTitle,
  slugify,
  tooLong,
} from './text-rules.js';

describe('text rules', () => {
  it('says how long a text is when it is over the limit', () => {
    assert.equal(tooLong('The title', 'abc', 3), undefined);
    assert.equal(
      tooLong('The title', 'abcd', 3),
      'The title must be at most 3 characters (it has 4).',
    );
  });

  it('asks for a required text before checking its length', () => {
    assert.equal(requiredText('', 'Give it a title.', 'The title', 3), 'Give it a title.');
    assert.equal(requiredText('abc', 'Give it a title.', 'The title', 3), undefined);
    assert.match(requiredText('abcd', 'Give it a title.', 'The title', 3) ?? '', /at most 3/);
  });

  it('makes slugs from titles, dropping accents and cutting at the limit without a dash', () => {
    assert.equal(slugify('  Save the Café — NOW!  ', 80), 'save-the-cafe-now');
    assert.equal(slugify('abc def', 4), 'abc');
    assert.equal(slugify('!!!', 80), '');
    assert.equal(slugOrTitle('  My-Slug ', 'Other title', 80), 'my-slug');
    assert.equal(slugOrTitle('', 'Other title', 80), 'other-title');
  });

  it('accepts only lower-case slugs with single dashes within the limit', () => {
    assert.ok(isSlug('save-the-library', 80));
    for (const bad of ['Save', 'a--b', '-a', 'a-', 'a_b', '', 'a b']) assert.ok(!isSlug(bad, 80));
    assert.ok(!isSlug('abcde', 4));
  });

  it('accepts http and https addresses only', () => {
    assert.equal(parseWebUrl('https://example.org/a?b=1')?.toString(), 'https://example.org/a?b=1');
    assert.equal(parseWebUrl('http://localhost')?.hostname, 'localhost');
    for (const bad of ['javascript:alert(1)', 'ftp://example.org', 'example.org', '', '//x.org'])
      assert.equal(parseWebUrl(bad), null, bad);
  });

  it('reads YYYY-MM-DD dates at the given UTC time', () => {
    assert.equal(
      parseDateInput('2026-12-31', '23:59:59')?.toISOString(),
      '2026-12-31T23:59:59.000Z',
    );
    assert.equal(
      parseDateInput('2028-02-29', '00:00:00')?.toISOString(),
      '2028-02-29T00:00:00.000Z',
    );
    for (const bad of [
      '31/12/2026',
      '2026-1-1',
      '2026-13-01',
      '2026-02-31',
      '2026-02-29',
      '',
      'tomorrow',
    ])
      assert.equal(parseDateInput(bad, '00:00:00'), null, bad);
  });

  it('matches names however they are spelt', () => {
    assert.equal(matchKey('Ynys Môn'), matchKey('ynys mon'));
    assert.equal(matchKey('Brighton, Kemptown'), matchKey('Brighton Kemptown'));
    assert.equal(matchKey('Hackney North & Stoke Newington'), 'hackney north and stoke newington');
    assert.notEqual(matchKey('Bath'), matchKey('Batley'));
  });

  it('keeps the first error per field', () => {
    const errors: Record<string, string> = {};
    const set = firstErrorSetter(errors);
    set('title', undefined);
    set('title', 'first');
    set('title', 'second');
    set('slug', 'other');
    assert.deepEqual(errors, { title: 'first', slug: 'other' });
  });
});
