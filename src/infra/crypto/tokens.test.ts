import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashLinkToken, isLinkTokenShape, keyedHash, newLinkToken, sameText } from './tokens.js';

describe('tokens', () => {
  it('issues random link tokens and stores their SHA-256 only', () => {
    const a = newLinkToken();
    assert.notEqual(a, newLinkToken());
    assert.ok(isLinkTokenShape(a));
    assert.equal(hashLinkToken(a), createHash('sha256').update(a).digest('base64url'));
    assert.notEqual(hashLinkToken(a), a);
  });

  it('refuses anything shaped unlike a link token', () => {
    for (const bad of ['', 'short', 'a'.repeat(65), 'has space in it here ok', 'a/b+c=d'.repeat(4)])
      assert.ok(!isLinkTokenShape(bad), bad);
  });

  it('makes keyed hashes of a chosen length, the same as before they were shared', () => {
    const full = createHmac('sha256', 's').update('m').digest('base64url');
    assert.equal(keyedHash('s', 'm'), full.slice(0, 32));
    assert.equal(keyedHash('s', 'm', 22), full.slice(0, 22));
    assert.notEqual(keyedHash('t', 'm'), keyedHash('s', 'm'));
  });

  it('compares texts of any lengths', () => {
    assert.ok(sameText('abc', 'abc'));
    assert.ok(!sameText('abc', 'abd'));
    assert.ok(!sameText('abc', 'abcd'));
  });
});
