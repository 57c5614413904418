import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadingCache, TtlMap } from './ttl-cache.js';

describe('ttl map', () => {
  it('returns a value until it is ttl old, and forgets keys on request', () => {
    const map = new TtlMap<string>(1_000);
    map.set('a', 'A', 10_000);
    map.set('a\nx', 'AX', 10_000);
    map.set('b', 'B', 10_000);
    assert.equal(map.get('a', 10_999), 'A');
    assert.equal(map.get('a', 11_000), undefined);
    map.deleteWhere((key) => key.startsWith('a'));
    assert.equal(map.get('a\nx', 10_001), undefined);
    assert.equal(map.get('b', 10_001), 'B');
    map.delete('b');
    assert.equal(map.get('b', 10_001), undefined);
  });
});

describe('loading cache', () => {
  it('loads once per ttl and shares the load between concurrent readers', async () => {
    let loads = 0;
    const cache = new LoadingCache<string>(1_000, async (key) => {
      loads++;
      return key.toUpperCase();
    });
    const [a, b] = await Promise.all([cache.get('x', 0), cache.get('x', 10)]);
    assert.equal(a, 'X');
    assert.equal(b, 'X');
    assert.equal(loads, 1);
    assert.equal(await cache.get('x', 999), 'X');
    assert.equal(loads, 1);
    await cache.get('x', 1_000);
    assert.equal(loads, 2, 'a stale value is loaded again');
    cache.delete('x');
    await cache.get('x', 1_001);
    assert.equal(loads, 3, 'a forgotten key is loaded again');
  });

  it('keeps neither missing values nor failed loads', async () => {
    let loads = 0;
    const cache = new LoadingCache<string>(60_000, async (key) => {
      loads++;
      if (key === 'bad') throw new Error('database down');
      return undefined;
    });
    assert.equal(await cache.get('unknown', 0), undefined);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await cache.get('unknown', 1), undefined);
    assert.equal(loads, 2, 'an unknown key is not remembered');
    await assert.rejects(cache.get('bad', 0), /database down/);
    await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(cache.get('bad', 1), /database down/);
    assert.equal(loads, 4, 'a failure is not remembered');
  });
});
