import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock/clock.js';
import { LoadingCache, TtlMap } from './ttl-cache.js';

describe('ttl map', () => {
  it('returns a value until it is ttl old, and forgets keys on request', () => {
    const clock = new ManualClock();
    const map = new TtlMap<string>(1_000, { max: 10, clock });
    map.set('a', 'A');
    map.set('a\nx', 'AX');
    map.set('b', 'B');
    clock.advance(1_000);
    assert.equal(map.get('a'), 'A');
    clock.advance(1);
    assert.equal(map.get('a'), undefined);
    map.set('a\nx', 'AX');
    map.set('b', 'B');
    map.deleteWhere((key) => key.startsWith('a'));
    assert.equal(map.get('a\nx'), undefined);
    assert.equal(map.get('b'), 'B');
    map.delete('b');
    assert.equal(map.get('b'), undefined);
  });

  it('keeps at most max values, dropping the least recently read', () => {
    const map = new TtlMap<string>(60_000, { max: 2, clock: new ManualClock() });
    map.set('a', 'A');
    map.set('b', 'B');
    map.get('a');
    map.set('c', 'C');
    assert.equal(map.get('a'), 'A');
    assert.equal(map.get('b'), undefined);
    assert.equal(map.get('c'), 'C');
  });
});

describe('loading cache', () => {
  it('loads once per ttl and shares the load between concurrent readers', async () => {
    const clock = new ManualClock();
    let loads = 0;
    const cache = new LoadingCache<string>(
      1_000,
      async (key) => {
        loads++;
        return key.toUpperCase();
      },
      { max: 10, clock },
    );
    const [a, b] = await Promise.all([cache.get('x'), cache.get('x')]);
    assert.equal(a, 'X');
    assert.equal(b, 'X');
    assert.equal(loads, 1);
    clock.advance(1_000);
    assert.equal(await cache.get('x'), 'X');
    assert.equal(loads, 1);
    clock.advance(1);
    await cache.get('x');
    assert.equal(loads, 2, 'a stale value is loaded again');
    cache.delete('x');
    await cache.get('x');
    assert.equal(loads, 3, 'a forgotten key is loaded again');
    cache.set('y', 'set by hand');
    assert.equal(await cache.get('y'), 'set by hand');
    assert.equal(loads, 3, 'a value set by hand needs no load');
  });

  it('keeps a slow load longer, so reloads take at most maxLoadShare of the time', async () => {
    const clock = new ManualClock();
    let loads = 0;
    /** Each load "takes" `loadMs` of the clock. */
    let loadMs = 0;
    const cache = new LoadingCache<string>(
      1_000,
      async (key) => {
        loads++;
        clock.advance(loadMs);
        return `${key}${loads}`;
      },
      { max: 10, clock, serveStale: true, maxLoadShare: 0.05 },
    );
    assert.equal(await cache.get('x'), 'x1');
    clock.advance(1_001);
    loadMs = 200;
    assert.equal(cache.peek('x'), 'x1', 'a quick load keeps the plain ttl: stale, reload started');
    await new Promise((r) => setImmediate(r));
    assert.equal(loads, 2);
    assert.equal(cache.peek('x'), 'x2');
    clock.advance(3_900);
    assert.equal(cache.peek('x'), 'x2', 'a 200 ms load is kept 4 s, not 1 s');
    assert.equal(loads, 2);
    clock.advance(200);
    cache.peek('x');
    await new Promise((r) => setImmediate(r));
    assert.equal(loads, 3, 'then reloaded');
  });

  it('keeps neither missing values nor failed loads', async () => {
    let loads = 0;
    const cache = new LoadingCache<string>(
      60_000,
      async (key) => {
        loads++;
        if (key === 'bad') throw new Error('database down');
        return undefined;
      },
      { max: 10, clock: new ManualClock() },
    );
    assert.equal(await cache.get('unknown'), undefined);
    assert.equal(await cache.get('unknown'), undefined);
    assert.equal(loads, 2, 'an unknown key is not remembered');
    await assert.rejects(cache.get('bad'), /database down/);
    await assert.rejects(cache.get('bad'), /database down/);
    assert.equal(loads, 4, 'a failure is not remembered');
  });

  it('keeps at most max values, dropping the least recently read', async () => {
    let loads = 0;
    const cache = new LoadingCache<string>(
      60_000,
      async (key) => {
        loads++;
        return key;
      },
      { max: 2, clock: new ManualClock() },
    );
    await cache.get('a');
    await cache.get('b');
    await cache.get('a');
    await cache.get('c');
    assert.equal(loads, 3);
    await cache.get('a');
    assert.equal(loads, 3);
    await cache.get('b');
    assert.equal(loads, 4);
  });
});

describe('LoadingCache serving stale values', () => {
  it('answers at once with the last value while a newer one loads, and forgets a key that is gone', async () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    let stored: string | undefined = 'v1';
    let release: () => void = () => {};
    let slow = false;
    const cache = new LoadingCache<string>(
      1_000,
      async () => {
        if (slow) await new Promise<void>((r) => (release = r));
        return stored;
      },
      { max: 10, clock, serveStale: true },
    );
    assert.equal(await cache.get('k'), 'v1');
    stored = 'v2';
    slow = true;
    clock.advance(1_001);
    assert.equal(await cache.get('k'), 'v1', 'the reader does not wait for the slow load');
    release();
    await new Promise((r) => setImmediate(r));
    assert.equal(await cache.get('k'), 'v2');
    stored = undefined;
    slow = false;
    clock.advance(1_001);
    await cache.get('k');
    await new Promise((r) => setImmediate(r));
    assert.equal(await cache.get('k'), undefined, 'a key that is gone is not served from the past');
  });
});
