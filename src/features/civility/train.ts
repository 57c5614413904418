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
import { buildVectors } from './build-vectors.js';
import { DENSE_INPUTS, denseFeatures } from './dense.js';
import { FEATURE_VERSION, type SparseFeatures, extractFeatures } from './features.js';
import { type CivilityModelFile, type DenseLayerFile, MODEL_PATH, sigmoid } from './model.js';
import { normalise } from './normalise.js';

const HYPER = {
  bits: 18,
  epochs: 3,
  learningRate: 0.5,
  l2: 1e-6,
  seed: 7,
  /** Hidden units of the dense half (0: none). */
  hidden: 32,
  denseLearningRate: 0.001,
  denseL2: 1e-5,
  /** 1: a bias per training source, learnt and then dropped (see train()). */
  sourceBias: 1,
  /** 1: classes balanced within each source; 0: balanced over all rows. */
  perSourceBalance: 1,
};

interface Example {
  features: SparseFeatures;
  dense: Float32Array;
  source: number;
  label: 0 | 1;
  weight: number;
}

interface Trained {
  bias: number;
  weights: Float64Array;
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
}

/** Adam for the dense half's few thousand parameters. */
class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(
    private readonly params: Float64Array,
    private readonly rate: number,
  ) {
    this.m = new Float64Array(params.length);
    this.v = new Float64Array(params.length);
  }
  step(grad: Float64Array, l2: number): void {
    this.t++;
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    for (let i = 0; i < grad.length; i++) {
      const g = grad[i]! + l2 * this.params[i]!;
      this.m[i] = 0.9 * this.m[i]! + 0.1 * g;
      this.v[i] = 0.999 * this.v[i]! + 0.001 * g * g;
      this.params[i]! -= (this.rate * (this.m[i]! / c1)) / (Math.sqrt(this.v[i]! / c2) + 1e-8);
    }
  }
}

/**
 * Logistic regression whose margin is the sparse n-gram sum, plus a one-hidden-layer network
 * over the dense features, plus (in training only) a bias per source: each set's own labelling
 * convention (how much counts as offensive, what share is offensive) goes into its bias, not into
 * the words' weights, and is dropped when the model is written.
 */
function train(examples: Example[], sources: number): Trained {
  const size = 1 << HYPER.bits;
  const weights = new Float64Array(size);
  const gradSq = new Float64Array(size).fill(1e-8);
  let bias = 0;
  let biasGradSq = 1e-8;
  const sourceBias = new Float64Array(sources);
  const sourceGradSq = new Float64Array(sources).fill(1e-8);
  const random = seededRandom(HYPER.seed);
  const H = HYPER.hidden;
  const D = DENSE_INPUTS;
  const w1 = new Float64Array(H * D);
  const b1 = new Float64Array(H);
  const w2 = new Float64Array(H);
  const limit = Math.sqrt(6 / (D + H));
  for (let i = 0; i < w1.length; i++) w1[i] = (random() * 2 - 1) * limit;
  for (let h = 0; h < H; h++) w2[h] = (random() * 2 - 1) * Math.sqrt(6 / (H + 1));
  const g1 = new Float64Array(H * D);
  const gb1 = new Float64Array(H);
  const g2 = new Float64Array(H);
  const adam1 = new Adam(w1, HYPER.denseLearningRate);
  const adamB1 = new Adam(b1, HYPER.denseLearningRate);
  const adam2 = new Adam(w2, HYPER.denseLearningRate);
  const hidden = new Float64Array(H);
  for (let epoch = 0; epoch < HYPER.epochs; epoch++) {
    let loss = 0;
    for (const ex of shuffle(examples, random)) {
      const { index, value } = ex.features;
      let sum = 0;
      for (const code of index) sum += code < 0 ? -weights[-code - 1]! : weights[code]!;
      let denseOut = 0;
      for (let h = 0; h < H; h++) {
        let z = b1[h]!;
        const row = h * D;
        for (let k = 0; k < D; k++) z += w1[row + k]! * ex.dense[k]!;
        hidden[h] = Math.tanh(z);
        denseOut += w2[h]! * hidden[h]!;
      }
      const sb = HYPER.sourceBias ? sourceBias[ex.source]! : 0;
      const p = sigmoid(bias + sb + sum * value + denseOut);
      loss -= ex.weight * Math.log(ex.label ? Math.max(p, 1e-12) : Math.max(1 - p, 1e-12));
      const g = (p - ex.label) * ex.weight;
      for (const code of index) {
        const bucket = code < 0 ? -code - 1 : code;
        const grad = (code < 0 ? -g : g) * value + HYPER.l2 * weights[bucket]!;
        gradSq[bucket]! += grad * grad;
        weights[bucket]! -= (HYPER.learningRate * grad) / Math.sqrt(gradSq[bucket]!);
      }
      if (H > 0) {
        for (let h = 0; h < H; h++) {
          g2[h] = g * hidden[h]!;
          const gz = g * w2[h]! * (1 - hidden[h]! * hidden[h]!);
          gb1[h] = gz;
          const row = h * D;
          for (let k = 0; k < D; k++) g1[row + k] = gz * ex.dense[k]!;
        }
        adam2.step(g2, HYPER.denseL2);
        adam1.step(g1, HYPER.denseL2);
        adamB1.step(gb1, 0);
      }
      biasGradSq += g * g;
      bias -= (HYPER.learningRate * g) / Math.sqrt(biasGradSq);
      if (HYPER.sourceBias) {
        sourceGradSq[ex.source]! += g * g;
        sourceBias[ex.source]! -= (0.1 * g) / Math.sqrt(sourceGradSq[ex.source]!);
      }
    }
    console.log(
      `epoch ${epoch + 1}: mean weighted log-loss ${(loss / examples.length).toFixed(4)}`,
    );
  }
  if (HYPER.sourceBias)
    console.log(`source biases (dropped): ${[...sourceBias].map((b) => b.toFixed(2)).join(' ')}`);
  return { bias, weights, w1, b1, w2 };
}

/** The dense layer as written: input standardisation folded into w1 and b1, float32. */
function denseFile(t: Trained, mean: Float64Array, sd: Float64Array): DenseLayerFile {
  const H = HYPER.hidden;
  const D = DENSE_INPUTS;
  const w1 = Buffer.alloc(H * D * 4);
  const b1: number[] = [];
  for (let h = 0; h < H; h++) {
    let b = t.b1[h]!;
    for (let k = 0; k < D; k++) {
      const w = t.w1[h * D + k]! / sd[k]!;
      w1.writeFloatLE(w, (h * D + k) * 4);
      b -= w * mean[k]!;
    }
    b1.push(Number(b.toPrecision(8)));
  }
  return {
    hidden: H,
    w1: w1.toString('base64'),
    b1,
    w2: [...t.w2].map((w) => Number(w.toPrecision(8))),
  };
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
  const folded = rows.map((r) => normalise(r.text).text);
  const counts = new Map<string, number>();
  for (const text of folded)
    for (const m of text.matchAll(/[a-z0-9']+/g)) {
      const t = m[0].replace(/'/g, '');
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  const vectors = buildVectors(counts);
  // Balanced class weights (by the rows' own weights), within each source or over all rows: the
  // sets lean different ways.
  const sourceNames = [...new Set(rows.map((r) => r.source))];
  const mass = new Map<string, { pos: number; neg: number }>();
  for (const r of rows) {
    const key = HYPER.perSourceBalance ? r.source : 'all';
    const m = mass.get(key) ?? { pos: 0, neg: 0 };
    if (r.label) m.pos += r.weight ?? 1;
    else m.neg += r.weight ?? 1;
    mass.set(key, m);
  }
  const D = DENSE_INPUTS;
  const examples: Example[] = rows.map((r, i) => {
    const m = mass.get(HYPER.perSourceBalance ? r.source : 'all')!;
    const total = m.pos + m.neg;
    const dense = new Float32Array(D);
    denseFeatures(folded[i]!, vectors, dense);
    return {
      features: extractFeatures(folded[i]!, HYPER.bits),
      dense,
      source: sourceNames.indexOf(r.source),
      label: r.label,
      weight:
        (r.weight ?? 1) *
        (r.label ? total / (2 * Math.max(m.pos, 1)) : total / (2 * Math.max(m.neg, 1))),
    };
  });
  // Standardise the dense inputs for training; the written layer takes raw inputs.
  const mean = new Float64Array(D);
  const sd = new Float64Array(D);
  for (const ex of examples) for (let k = 0; k < D; k++) mean[k]! += ex.dense[k]! / examples.length;
  for (const ex of examples)
    for (let k = 0; k < D; k++) sd[k]! += (ex.dense[k]! - mean[k]!) ** 2 / examples.length;
  for (let k = 0; k < D; k++) sd[k] = Math.sqrt(sd[k]!) || 1;
  for (const ex of examples)
    for (let k = 0; k < D; k++) ex.dense[k] = (ex.dense[k]! - mean[k]!) / sd[k]!;
  console.log(`training on ${rows.length} rows (${positives} offensive)`);
  const trained = train(examples, sourceNames.length);
  const { bias, weights } = trained;
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
        dataset:
          "Rally's own templates: 30 groups (augment.ts), group × predicate × frame across 48 groups (augment-frames.ts)",
        licence: 'AGPL-3.0-or-later (this repository)',
        rows: count('augmented'),
      },
      ...MORE_TRAINED_ON.map((m) => ({ ...m, rows: count(m.source) })).map(
        ({ dataset, licence, rows }) => ({ dataset, licence, rows }),
      ),
    ],
    weights: base64,
    ...(HYPER.hidden > 0 ? { dense: denseFile(trained, mean, sd) } : {}),
  };
  mkdirSync(dirname(MODEL_PATH), { recursive: true });
  writeFileSync(MODEL_PATH, `${JSON.stringify(file, null, 2)}\n`);
  const seconds = (performance.now() - started) / 1000;
  console.log(`wrote ${MODEL_PATH} in ${seconds.toFixed(1)} s`);
}

main();
