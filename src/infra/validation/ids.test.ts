import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distinctPositiveIds, parsePositiveId } from './ids.js';

describe('positive ids', () => {
  it('reads canonical positive integers of up to ten digits', () => {
    assert.equal(parsePositiveId('1'), 1);
    assert.equal(parsePositiveId('9999999999'), 9_999_999_999);
  });

  it('refuses zero, signs, leading zeros, decimals, long numbers and non-strings', () => {
    for (const raw of ['0', '-1', '+1', '007', '1.5', '1e3', ' 1', '', '12345678901', 'x'])
      assert.equal(parsePositiveId(raw), null, raw);
    assert.equal(parsePositiveId(undefined), null);
    assert.equal(parsePositiveId(5), null);
    assert.equal(parsePositiveId(['1']), null);
  });

  it('keeps the distinct valid ids of ticked boxes in order', () => {
    assert.deepEqual(distinctPositiveIds(['3', 'x', '1', '3', '0', '2']), [3, 1, 2]);
    assert.deepEqual(distinctPositiveIds([]), []);
  });
});
