import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock/clock.js';
import { CountCache } from './count-cache.js';

describe('count cache', () => {
  it('queries at most once per ttl, and never keeps readers waiting once it has a value', async () => {
    const clock = new ManualClock();
    let stored = 5;
    const counts = new CountCache(60_000, async () => stored, { max: 10, clock });
    const [a, b] = await Promise.all([counts.get(1), counts.get(1)]);
    assert.deepEqual([a, b], [5, 5]);
    assert.equal(counts.queries, 1, 'concurrent first readers share one query');
    stored = 6;
    clock.advance(60_000);
    assert.equal(await counts.get(1), 5, 'fresh enough: no query');
    assert.equal(counts.queries, 1);
    clock.advance(1);
    assert.equal(await counts.get(1), 5, 'stale: a refresh starts, the reader is not kept');
    assert.equal(counts.queries, 2);
    await nextTurn();
    assert.equal(await counts.get(1), 6);
    stored = 7;
    counts.invalidate(1);
    assert.equal(await counts.get(1), 7, 'after a change here, the next read waits for it');
    assert.equal(counts.queries, 3);
  });

  it('shows a count made in this process at once', async () => {
    const counts = new CountCache(60_000, async () => 10, { max: 10, clock: new ManualClock() });
    await counts.get(3);
    counts.bump(3);
    counts.bump(4);
    assert.equal(await counts.get(3), 11);
    assert.equal(await counts.get(4), 10);
  });

  it('serves the last count while refreshes fail, reports each failure, and retries on the next read', async () => {
    const clock = new ManualClock();
    const unhandled: unknown[] = [];
    const recordUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', recordUnhandled);
    try {
      let down = false;
      const reported: [unknown, number][] = [];
      const counts = new CountCache(
        1_000,
        async () => {
          if (down) throw new Error('database down');
          return 8;
        },
        { max: 10, clock, onError: (error, id) => reported.push([error, id]) },
      );
      assert.equal(await counts.get(1), 8);
      down = true;
      clock.advance(1_001);
      assert.equal(await counts.get(1), 8, 'the last count while the refresh runs');
      while (counts.failures === 0) await nextTurn();
      await nextTurn();
      assert.deepEqual(unhandled, [], 'the failed refresh is handled');
      assert.equal(reported.length, 1);
      assert.match(String(reported[0]?.[0]), /database down/);
      assert.equal(reported[0]?.[1], 1);

      assert.equal(await counts.get(1), 8, 'still the last count after the failure');
      assert.equal(counts.queries, 3, 'a failed refresh is tried again on the next read');
      while (counts.failures === 1) await nextTurn();
      down = false;
      assert.equal(await counts.get(1), 8);
      await nextTurn();
      assert.equal(await counts.get(1), 8);
      assert.equal(counts.queries, 4);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', recordUnhandled);
    }
  });

  it('rejects a first read that fails, keeps nothing, and tries again next time', async () => {
    let down = true;
    const counts = new CountCache(
      1_000,
      async () => {
        if (down) throw new Error('database down');
        return 3;
      },
      { max: 10, clock: new ManualClock() },
    );
    await assert.rejects(counts.get(1), /count 1 could not be read/);
    down = false;
    assert.equal(await counts.get(1), 3);
    assert.equal(counts.queries, 2);
  });

  it('keeps at most max counts, dropping the least recently read', async () => {
    const counts = new CountCache(60_000, async (id) => id * 10, {
      max: 2,
      clock: new ManualClock(),
    });
    await counts.get(1);
    await counts.get(2);
    await counts.get(1);
    await counts.get(3);
    assert.equal(counts.queries, 3);
    await counts.get(1);
    assert.equal(counts.queries, 3, 'recently read: still kept');
    await counts.get(2);
    assert.equal(counts.queries, 4, 'least recently read: dropped for the third');
  });

  it('never goes backwards: a refresh that raced with a higher announced count keeps it', async () => {
    const clock = new ManualClock();
    let stored = 10;
    let release: () => void = () => {};
    let slow = false;
    const counts = new CountCache(
      1_000,
      async () => {
        const read = stored;
        if (slow) await new Promise<void>((r) => (release = r));
        return read;
      },
      { max: 10, clock, monotonic: true },
    );
    assert.equal(await counts.get(1), 10);
    assert.equal(counts.offer(1, 9), false, 'a lower announcement is ignored');
    assert.equal(counts.offer(1, 12), true, 'another process committed 12');
    assert.equal(await counts.get(1), 12);
    slow = true;
    clock.advance(1_001);
    assert.equal(
      await counts.get(1),
      12,
      'stale read starts a refresh that read 10 (old snapshot)',
    );
    release();
    await nextTurn();
    assert.equal(await counts.get(1), 12, 'the slow refresh did not take the count back to 10');
    slow = false;
    stored = 8;
    counts.invalidate(1);
    assert.equal(await counts.get(1), 8, 'only an invalidation (signatures removed) lowers it');
    assert.equal(counts.offer(2, 5), false, 'a count nobody reads here is not kept');
  });
});
