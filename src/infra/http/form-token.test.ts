import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { checkFormToken, issueFormToken } from './form-token.js';

const policy = { minFillMs: 3_000, maxAgeMs: 86_400_000 };

describe('stateless form tokens', () => {
  const now = 1_750_000_000_000;

  it('accepts a token for its scope and secret once the fill time has passed', () => {
    const token = issueFormToken('s', 'form:1', now - 10_000);
    assert.deepEqual(checkFormToken('s', 'form:1', token, policy, now), { ok: true });
    assert.deepEqual(checkFormToken('s', 'form:2', token, policy, now), {
      ok: false,
      reason: 'invalid',
    });
    assert.deepEqual(checkFormToken('t', 'form:1', token, policy, now), {
      ok: false,
      reason: 'invalid',
    });
  });

  it('tells too-fast, expired and malformed tokens apart', () => {
    const check = (issuedAt: number) =>
      checkFormToken('s', '1', issueFormToken('s', '1', issuedAt), policy, now);
    assert.deepEqual(check(now - 1_000), { ok: false, reason: 'too-fast' });
    assert.deepEqual(check(now - policy.maxAgeMs - 1), { ok: false, reason: 'expired' });
    assert.deepEqual(check(now + 120_000), { ok: false, reason: 'expired' });
    for (const bad of ['', 'x.y', `${now}.short`, `${now}.${'a'.repeat(33)}`])
      assert.deepEqual(checkFormToken('s', '1', bad, policy, now), {
        ok: false,
        reason: 'invalid',
      });
  });

  it('keeps the token format the features issued before it was shared', () => {
    // Pages already cached and open in browsers carry tokens made this way.
    const mac = createHmac('sha256', 's').update(`7.${now}`).digest('base64url').slice(0, 32);
    assert.equal(issueFormToken('s', '7', now), `${now}.${mac}`);
  });
});
