import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CountCache } from './count-cache.js';

describe('count cache', () => {
  it('queries at most once per ttl, and never keeps readers waiting once it has a value', async () => {
    let stored = 5;
    const counts = new CountCache(60_000, async () => stored);
    const [a, b] = await Promise.all([counts.get(1), counts.get(1)]);
    assert.deepEqual([a, b], [5, 5]);
    assert.equal(counts.queries, 1, 'concurrent first readers share one query');
    stored = 6;
    assert.equal(await counts.get(1), 5, 'fresh enough: no query');
    assert.equal(counts.queries, 1);
    const later = Date.now() + 61_000;
    assert.equal(await counts.get(1, later), 5, 'stale: a refresh starts, the reader is not kept');
    assert.equal(counts.queries, 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await counts.get(1), 6);
    stored = 7;
    counts.invalidate(1);
    assert.equal(await counts.get(1), 7, 'after a change here, the next read waits for it');
    assert.equal(counts.queries, 3);
  });

  it('shows a count made in this process at once', async () => {
    const counts = new CountCache(60_000, async () => 10);
    await counts.get(3);
    counts.bump(3);
    counts.bump(4);
    assert.equal(await counts.get(3), 11);
    assert.equal(await counts.get(4), 10);
  });
});
