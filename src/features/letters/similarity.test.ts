import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextDigestSlot, nextThrottleSlot, DIGEST_HOUR_UTC } from './delivery.service.js';
import {
  assessOriginality,
  countWords,
  decodeFingerprint,
  encodeFingerprint,
  fingerprintOf,
  tokenise,
} from './similarity.js';

const BRIEF =
  'Ask your MP to press the government for a funding settlement that keeps libraries open.';

describe('letter similarity', () => {
  it('tokenises words folded for comparison, keeping their places in the text', () => {
    const words = tokenise('Don’t CLOSE the Café, please!');
    assert.deepEqual(
      words.map((w) => w.word),
      ["don't", 'close', 'the', 'cafe', 'please'],
    );
    assert.deepEqual(words[3], { word: 'cafe', start: 16, end: 20 });
    assert.equal(countWords('  one, two;three  '), 3);
  });

  it('round-trips a fingerprint through its stored form', () => {
    const fp = fingerprintOf('one two three four five six', 'seven eight nine');
    assert.equal(fp.size, 5);
    assert.deepEqual(decodeFingerprint(encodeFingerprint(fp)), fp);
    assert.deepEqual(decodeFingerprint(''), new Set());
  });

  it('counts every word as own when nothing is shared', () => {
    const o = assessOriginality(
      'My daughter learnt to read at the branch on Tuesdays.',
      fingerprintOf(BRIEF),
      [],
    );
    assert.equal(o.words, 10);
    assert.equal(o.ownWords, 10);
    assert.equal(o.ownPercent, 100);
    assert.equal(o.briefSimilarity, 0);
    assert.deepEqual(o.copied, []);
  });

  it('marks passages that repeat the brief, whatever their case or punctuation', () => {
    const text =
      'I read every week. Please PRESS the government, for a funding settlement! Thank you.';
    const o = assessOriginality(text, fingerprintOf(BRIEF), []);
    assert.equal(o.words, 14);
    assert.equal(o.ownWords, 7);
    assert.equal(o.ownPercent, 50);
    assert.ok(o.briefSimilarity > 0);
    assert.equal(o.copied.length, 1);
    assert.equal(
      text.slice(o.copied[0]!.start, o.copied[0]!.end),
      'PRESS the government, for a funding settlement',
    );
  });

  it('measures the closest other letter and counts its phrases as copied', () => {
    const first = 'The library saved my job search last winter when I had no computer at home.';
    const copy = `${first} I hope you will help.`;
    const other = fingerprintOf('Completely different words about parks and trees and benches.');
    const o = assessOriginality(copy, new Set(), [other, fingerprintOf(first)]);
    assert.equal(o.letterSimilarity, Math.floor((13 * 100) / 18));
    assert.equal(o.ownWords, 5);
    assert.equal(o.ownPercent, Math.floor((5 * 100) / 20));
  });

  it('a text shorter than a phrase has no shingles and is all its own', () => {
    const o = assessOriginality('Save libraries', fingerprintOf('save libraries now'), []);
    assert.equal(o.ownWords, 2);
    assert.equal(o.fingerprint.size, 0);
  });
});

describe('delivery slots', () => {
  const t = (iso: string) => new Date(iso);

  it('lets a burst of N through at once, then waits for the hour to pass', () => {
    const now = t('2024-03-01T10:00:00.000Z');
    assert.deepEqual(nextThrottleSlot([], 2, now), now);
    assert.deepEqual(nextThrottleSlot(['2024-03-01T10:00:00.000Z'], 2, now), now);
    assert.deepEqual(
      nextThrottleSlot(['2024-03-01T10:00:00.000Z', '2024-03-01T09:50:00.000Z'], 2, now),
      t('2024-03-01T10:50:00.000Z'),
    );
  });

  it('never schedules before the latest slot already given', () => {
    const now = t('2024-03-01T10:00:00.000Z');
    assert.deepEqual(
      nextThrottleSlot(['2024-03-01T12:00:00.000Z', '2024-03-01T11:00:00.000Z'], 5, now),
      t('2024-03-01T12:00:00.000Z'),
    );
  });

  it('keeps any hour at N letters or fewer', () => {
    const slots: string[] = [];
    let now = t('2024-03-01T10:00:00.000Z');
    for (let i = 0; i < 40; i++) {
      const slot = nextThrottleSlot([...slots].reverse(), 3, now);
      slots.push(slot.toISOString());
      now = new Date(now.getTime() + 7 * 60 * 1000);
    }
    for (const start of slots) {
      const from = Date.parse(start);
      const inHour = slots.filter((s) => Date.parse(s) >= from && Date.parse(s) < from + 3_600_000);
      assert.ok(inHour.length <= 3, `${inHour.length} letters in the hour from ${start}`);
    }
  });

  it('sends digests at the next digest hour', () => {
    const before = t(`2024-03-01T0${DIGEST_HOUR_UTC - 1}:59:00.000Z`);
    assert.equal(nextDigestSlot(before).toISOString(), `2024-03-01T0${DIGEST_HOUR_UTC}:00:00.000Z`);
    const at = t(`2024-03-01T0${DIGEST_HOUR_UTC}:00:00.000Z`);
    assert.equal(nextDigestSlot(at).toISOString(), `2024-03-02T0${DIGEST_HOUR_UTC}:00:00.000Z`);
    assert.equal(
      nextDigestSlot(t('2024-12-31T23:00:00.000Z')).toISOString(),
      `2025-01-01T0${DIGEST_HOUR_UTC}:00:00.000Z`,
    );
  });
});
