import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCivilityGuard } from './civility.service.js';
import { suiteFigures } from './suite-figures.js';
import { FUNCTIONAL_SUITE, SUITE_KINDS } from './functional-suite.js';

const guard = createCivilityGuard();
const figures = suiteFigures(guard, FUNCTIONAL_SUITE);

describe('civility guard: our functional suite', () => {
  it('has at least 600 cases in at least 20 kinds, with both sides represented', () => {
    assert.ok(FUNCTIONAL_SUITE.length >= 600, `${FUNCTIONAL_SUITE.length} cases`);
    assert.ok(SUITE_KINDS.length >= 20, `${SUITE_KINDS.length} kinds`);
    const sides = new Set(FUNCTIONAL_SUITE.map((c) => c.hateful));
    assert.deepEqual([...sides].sort(), [false, true]);
  });

  it('is right on at least 80% overall and allows at least 70% of the civil cases', () => {
    assert.ok(figures.overall >= 0.8, `overall ${figures.overall}`);
    assert.ok(figures.civilKept >= 0.7, `civil allowed ${figures.civilKept}`);
  });

  it('holds at least 95% of every kind of threat', () => {
    for (const [kind, k] of Object.entries(figures.byKind).filter(([kind]) =>
      kind.startsWith('threat'),
    ))
      assert.ok(k.right / k.total >= 0.95, `${kind}: ${k.right}/${k.total}`);
  });

  it('allows hard political criticism, idioms and abuse of things, every case', () => {
    for (const kind of ['politicalCriticism', 'idioms', 'abuseOfObjects', 'identityNeutral']) {
      const k = figures.byKind[kind]!;
      assert.equal(k.right, k.total, `${kind}: ${k.right}/${k.total}`);
    }
  });
});
