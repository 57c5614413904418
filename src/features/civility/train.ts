/**
 * `npm run train:civility`: trains the civility model (logistic regression over hashed word and
 * character n-grams, AdaGrad with L2) on the training part of data/abuse/ and writes
 * model/civility-model.json. Seeded throughout: a re-run writes the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { augmentedRows } from './augment.js';
import { writeLexicon } from './expand-lexicon.js';
import { type MoreSource, loadSplit, seededRandom, shuffle } from './datasets.js';
import { FEATURE_VERSION, type SparseFeatures, extractFeatures } from './features.js';
import { type CivilityModelFile, MODEL_PATH, sigmoid } from './model.js';
import { normalise } from './normalise.js';

const HYPER = {
  bits: 18,
  epochs: 3,
  learningRate: 0.5,
  l2: 1e-6,
  seed: 7,
};

interface Example {
  features: SparseFeatures;
  label: 0 | 1;
  weight: number;
}

function train(examples: Example[]): { bias: number; weights: Float64Array } {
  const size = 1 << HYPER.bits;
  const weights = new Float64Array(size);
  const gradSq = new Float64Array(size).fill(1e-8);
  let bias = 0;
  let biasGradSq = 1e-8;
  const random = seededRandom(HYPER.seed);
  for (let epoch = 0; epoch < HYPER.epochs; epoch++) {
    let loss = 0;
    for (const ex of shuffle(examples, random)) {
      const { index, value } = ex.features;
      let sum = 0;
      for (const code of index) sum += code < 0 ? -weights[-code - 1]! : weights[code]!;
      const p = sigmoid(bias + sum * value);
      loss -= ex.weight * Math.log(ex.label ? Math.max(p, 1e-12) : Math.max(1 - p, 1e-12));
      const g = (p - ex.label) * ex.weight;
      for (const code of index) {
        const bucket = code < 0 ? -code - 1 : code;
        const grad = (code < 0 ? -g : g) * value + HYPER.l2 * weights[bucket]!;
        gradSq[bucket]! += grad * grad;
        weights[bucket]! -= (HYPER.learningRate * grad) / Math.sqrt(gradSq[bucket]!);
      }
      biasGradSq += g * g;
      bias -= (HYPER.learningRate * g) / Math.sqrt(biasGradSq);
    }
    console.log(
      `epoch ${epoch + 1}: mean weighted log-loss ${(loss / examples.length).toFixed(4)}`,
    );
  }
  return { bias, weights };
}

/** int16 with one scale keeps 2^18 weights near 0.7 MB of base64 and the file deterministic. */
function quantise(weights: Float64Array): { scale: number; base64: string } {
  let max = 0;
  for (const w of weights) max = Math.max(max, Math.abs(w));
  const scale = Number((max / 32767).toPrecision(8)) || 1;
  const bytes = Buffer.alloc(weights.length * 2);
  for (let i = 0; i < weights.length; i++)
    bytes.writeInt16LE(Math.max(-32767, Math.min(32767, Math.round(weights[i]! / scale))), i * 2);
  return { scale, base64: bytes.toString('base64') };
}

/** Each set in data/abuse/more/, 90% trained on (a seeded split); provenance in its README. */
const MORE_TRAINED_ON: { source: MoreSource; dataset: string; licence: string }[] = [
  {
    source: 'toxigen',
    dataset: 'ToxiGen annotated (Hartvigsen et al. 2022), 90%',
    licence: 'CDLA-Permissive-2.0',
  },
  {
    source: 'hatexplain',
    dataset: 'HateXplain hate/normal (Mathew et al. 2021), 90%',
    licence: 'MIT',
  },
  {
    source: 'implicit',
    dataset: 'Latent Hatred (ElSherief et al. 2021), 90%',
    licence: 'CC BY 4.0',
  },
  { source: 'edos', dataset: 'EDOS sexism (Kirk et al. 2023), 90%', licence: 'CC0 1.0' },
  { source: 'misogyny', dataset: 'Online misogyny (Guest et al. 2021), 90%', licence: 'MIT' },
  {
    source: 'stormfront',
    dataset: 'Stormfront (de Gibert et al. 2018), 90%',
    licence: 'CC BY-SA 3.0 ES',
  },
  { source: 'redditbias', dataset: 'RedditBias (Barikeri et al. 2021), 90%', licence: 'MIT' },
];

function main(): void {
  const started = performance.now();
  writeLexicon();
  const rows = [...loadSplit().train, ...augmentedRows()];
  const positives = rows.filter((r) => r.label === 1).length;
  // Balanced class weights (by the rows' own weights): the sets lean different ways.
  let posMass = 0;
  let negMass = 0;
  for (const r of rows) {
    if (r.label) posMass += r.weight ?? 1;
    else negMass += r.weight ?? 1;
  }
  const total = posMass + negMass;
  const examples: Example[] = rows.map((r) => ({
    features: extractFeatures(normalise(r.text).text, HYPER.bits),
    label: r.label,
    weight: (r.weight ?? 1) * (r.label ? total / (2 * posMass) : total / (2 * negMass)),
  }));
  console.log(`training on ${rows.length} rows (${positives} offensive)`);
  const { bias, weights } = train(examples);
  const { scale, base64 } = quantise(weights);
  const count = (source: string) => rows.filter((r) => r.source === source).length;
  const file: CivilityModelFile = {
    name: 'civility',
    featureVersion: FEATURE_VERSION,
    bits: HYPER.bits,
    bias: Number(bias.toPrecision(8)),
    scale,
    hyper: HYPER,
    trainedOn: [
      {
        dataset: 'Davidson et al. 2017, 90% (seeded split)',
        licence: 'MIT',
        rows: count('davidson'),
      },
      { dataset: 'OLID v1.0 training set', licence: 'CC BY 4.0', rows: count('olid') },
      {
        dataset: "Rally's own templates across 30 groups (augment.ts)",
        licence: 'AGPL-3.0-or-later (this repository)',
        rows: count('augmented'),
      },
      ...MORE_TRAINED_ON.map((m) => ({ ...m, rows: count(m.source) })).map(
        ({ dataset, licence, rows }) => ({ dataset, licence, rows }),
      ),
    ],
    weights: base64,
  };
  mkdirSync(dirname(MODEL_PATH), { recursive: true });
  writeFileSync(MODEL_PATH, `${JSON.stringify(file, null, 2)}\n`);
  const seconds = (performance.now() - started) / 1000;
  console.log(`wrote ${MODEL_PATH} in ${seconds.toFixed(1)} s`);
}

main();
