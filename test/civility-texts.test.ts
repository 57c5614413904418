/**
 * Feature tests use the texts and thresholds of test/helpers/civility.ts because their outcome
 * cannot change when the civility model is retrained. The guard's score rises with the model's,
 * so a model that finds everything offensive and one that finds nothing offensive bracket every
 * model that could be trained: an outcome both give is the outcome of any of them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CIVILITY_CONFIG, withThresholds } from '../src/features/civility/civility.config.js';
import { createCivilityGuard } from '../src/features/civility/civility.service.js';
import { CivilityModel } from '../src/features/civility/model.js';
import {
  HOLD_FOR_REVIEW,
  THIRD_PARTY_INSULT,
  THIRD_PARTY_INSULT_WORDS,
  THREAT,
  THREAT_LABEL,
  THREAT_WORDS,
} from './helpers/civility.js';

const BITS = 4;
/** A bias this far from 0 puts the model's probability within 1e-13 of 0 or 1. */
const certainly = (offensive: boolean) =>
  new CivilityModel(BITS, offensive ? 30 : -30, new Float32Array(1 << BITS));
const MODELS = {
  'finds nothing offensive': certainly(false),
  'finds all offensive': certainly(true),
};

function assessUnder(model: CivilityModel, thresholds = CIVILITY_CONFIG.thresholds) {
  const guard = createCivilityGuard({ config: withThresholds(thresholds), model });
  return (text: string) => {
    const { decision, labels, spans } = guard.assess(text);
    return { decision, labels, marked: spans.map((s) => `${s.label}:${s.text}`) };
  };
}

describe('civility texts for feature tests, whatever the model', () => {
  for (const [name, model] of Object.entries(MODELS)) {
    it(`blocks and marks the threat by rule, with a model that ${name}`, () => {
      const assess = assessUnder(model);
      for (const text of [THREAT, `Fund our libraries, please. ${THREAT}`])
        assert.deepEqual(assess(text), {
          decision: 'block',
          labels: [THREAT_LABEL],
          marked: [`${THREAT_LABEL}:${THREAT_WORDS}`],
        });
    });

    it(`holds everything and blocks nothing under HOLD_FOR_REVIEW, with a model that ${name}`, () => {
      const assess = assessUnder(model, HOLD_FOR_REVIEW);
      assert.equal(assess('Please keep the library open on Saturdays.').decision, 'review');
      assert.equal(assess(THREAT).decision, 'review');
      assert.deepEqual(assess(`Fund our libraries, please. ${THIRD_PARTY_INSULT}`), {
        decision: 'review',
        labels: ['abuse'],
        marked: [`abuse:${THIRD_PARTY_INSULT_WORDS}`],
      });
    });
  }
});
