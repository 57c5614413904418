import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMAIL_MAX_LENGTH, checkEmail, normaliseEmail } from './email.js';

describe('normaliseEmail', () => {
  it('trims and lower-cases addresses', () => {
    assert.equal(normaliseEmail('  Alice.Smith@Example.ORG \n'), 'alice.smith@example.org');
    assert.equal(normaliseEmail('bob+rally@sub.example.co.uk'), 'bob+rally@sub.example.co.uk');
    assert.equal(normaliseEmail("o'neil@example.ie"), "o'neil@example.ie");
    assert.equal(normaliseEmail('zoë@exämple.de'), 'zoë@exämple.de');
  });

  it('rejects what cannot be an address', () => {
    for (const bad of [
      '',
      '   ',
      'alice',
      'alice@',
      '@example.org',
      'alice@example',
      'alice@@example.org',
      'alice@exa@mple.org',
      'alice smith@example.org',
      'alice@example..org',
      '.alice@example.org',
      'alice.@example.org',
      'al..ice@example.org',
      'alice@-example.org',
      'alice@example.org-',
      'alice@example.c',
      'alice@example.123',
      'Alice <alice@example.org>',
      'mailto:alice@example.org',
      'alice@exa_mple.org',
    ])
      assert.equal(normaliseEmail(bad), null, `accepted ${JSON.stringify(bad)}`);
  });

  it(`accepts up to ${EMAIL_MAX_LENGTH} characters and no more`, () => {
    const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.${'g'.repeat(10)}.org`;
    const longest = `${'a'.repeat(EMAIL_MAX_LENGTH - domain.length - 1)}@${domain}`;
    assert.equal(longest.length, EMAIL_MAX_LENGTH);
    assert.equal(normaliseEmail(longest), longest);
    assert.equal(normaliseEmail(`a${longest}`), null);
    assert.equal(normaliseEmail(`${'a'.repeat(65)}@example.org`), null, 'local part over 64');
  });

  it('folds compatibility forms (full-width, ligatures) to their plain letters and digits', () => {
    assert.equal(normaliseEmail('ada\uff14\uff12@example.org'), 'ada42@example.org');
    assert.equal(normaliseEmail('\ufb01sher@EXAMPLE.org'), 'fisher@example.org');
    assert.equal(normaliseEmail('ａｄａ＠ｅｘａｍｐｌｅ．ｏｒｇ'), 'ada@example.org');
  });

  it('refuses a local part or domain that mixes alphabets, as look-alike addresses do', () => {
    for (const lookAlike of [
      'ada@ex\u0430mple.org', // Cyrillic а
      'a\u0501a@example.org', // Cyrillic ԁ
      '\u03bfscar@example.org', // Greek ο
      'ada@example.\u043e\u0440\u0433', // Cyrillic top-level domain under a Latin name
    ]) {
      assert.equal(normaliseEmail(lookAlike), null, lookAlike);
      assert.deepEqual(checkEmail(lookAlike), { ok: false, reason: 'mixed-scripts' }, lookAlike);
    }
    // One alphabet in each part is an ordinary international address.
    for (const fine of [
      'иван@пример.рф',
      'ivan@пример.рф',
      'δοκιμή@example.gr',
      '山田太郎@example.jp',
      'やまだ.タロウ@例え.jp',
    ])
      assert.equal(normaliseEmail(fine), fine.normalize('NFKC').toLowerCase(), fine);
    assert.deepEqual(checkEmail('nope'), { ok: false, reason: 'invalid' });
  });
});
