import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateCounter } from './rate-counter.js';

describe('rate counter', () => {
  it('allows the limit per key per window, then refuses until the window turns', () => {
    const counter = new RateCounter(2, 1_000);
    const t = 1_000_000;
    assert.equal(counter.hit('a', t), true);
    assert.equal(counter.hit('a', t + 1), true);
    assert.equal(counter.hit('a', t + 2), false);
    assert.equal(counter.hit('b', t + 3), true, 'keys are counted apart');
    assert.equal(counter.hit('a', t + 999), false);
    assert.equal(counter.hit('a', t + 1_000), true, 'a new window starts afresh');
  });
});
