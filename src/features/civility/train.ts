/**
 * `npm run train:civility`: trains the civility model (logistic regression over hashed word and
 * character n-grams, AdaGrad with L2) on the training part of data/abuse/ and writes
 * model/civility-model.json. Seeded throughout: a re-run writes the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { augmentedRows } from './augment.js';
import { writeLexicon } from './expand-lexicon.js';
import {
  type LabelledText,
  type MoreSource,
  REDDITBIAS_WEIGHT,
  WEAK_NEGATIVE_WEIGHT,
  loadSplit,
  seededRandom,
  shuffle,
} from './datasets.js';
import { type WordWeighting, buildVectors } from './build-vectors.js';
import { denseFeatures, denseInputs } from './dense.js';
import { CHAR_GRAMS, FEATURE_VERSION, type SparseFeatures, extractFeatures } from './features.js';
import {
  CivilityModel,
  type CivilityModelFile,
  type DenseLayerFile,
  MODEL_PATH,
  sigmoid,
} from './model.js';
import { createCivilityGuard } from './civility.service.js';
import { FRESH_CASES } from './functional-fresh.js';
import { FRESH_CASES_2 } from './functional-fresh-2.js';
import { FRESH_CASES_4 } from './functional-fresh-4.js';
import { FUNCTIONAL_SUITE } from './functional-suite.js';
import { rocAuc, suiteFigures } from './suite-figures.js';
import { normalise } from './normalise.js';

const HYPER = {
  bits: 18,
  epochs: 3,
  learningRate: 0.5,
  l2: 1e-6,
  seed: 7,
  /** Hidden units of the dense half (0: none). */
  hidden: 32,
  /** 1: the dense inputs also take the maximum over the words near a target. */
  nearMax: 0,
  /** Units of a second hidden layer over the first (0: none). */
  hidden2: 0,
  denseLearningRate: 0.001,
  denseL2: 1e-5,
  /** 1: a bias per training source, learnt and then dropped (see train()). */
  sourceBias: 1,
  /** 1: classes balanced within each source; 0: balanced over all rows. */
  perSourceBalance: 1,
  /** How words count in the dense means: 0 alike, 1 idf, 2 SIF (build-vectors.ts). */
  weighting: 0,
  sifA: 1e-3,
  /** Weight of a negative row of the one-harm sets (EDOS, misogyny), and of every RedditBias row. */
  weakNegativeWeight: WEAK_NEGATIVE_WEIGHT,
  redditbiasWeight: REDDITBIAS_WEIGHT,
  /** Shortest and longest character n-grams of the sparse half. */
  charMin: CHAR_GRAMS[0],
  charMax: CHAR_GRAMS[1],
  /** 1: word and character features each normalised on their own (features.ts). */
  blockNorm: 0,
  /** Models trained from seeds seed, seed + 1, … and merged into one (see merge()). */
  ensemble: 1,
  /** 1: the written weights are the mean of snapshots taken through the last epoch. */
  average: 0,
};

/** `--set name=value` overrides a setting, for trying one with `--validate`. */
function applyOverrides(args: string[]): void {
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--set') continue;
    const [name, value] = (args[i + 1] ?? '').split('=');
    if (!name || !(name in HYPER) || value === undefined || !Number.isFinite(Number(value)))
      throw new Error(
        `--set ${args[i + 1]}: expected one of ${Object.keys(HYPER).join(', ')}=number`,
      );
    (HYPER as Record<string, number>)[name] = Number(value);
  }
}

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
  /** the output weights: over the first layer, or over the second when there is one */
  w2: Float64Array;
  /** the second layer (hidden2 × hidden, row by row) and its biases */
  wMid: Float64Array;
  bMid: Float64Array;
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
function train(examples: Example[], sources: number, seed: number): Trained {
  const size = 1 << HYPER.bits;
  const weights = new Float64Array(size);
  const gradSq = new Float64Array(size).fill(1e-8);
  let bias = 0;
  let biasGradSq = 1e-8;
  const sourceBias = new Float64Array(sources);
  const sourceGradSq = new Float64Array(sources).fill(1e-8);
  const random = seededRandom(seed);
  const H = HYPER.hidden;
  const D = denseInputs(HYPER.nearMax === 1);
  const w1 = new Float64Array(H * D);
  const b1 = new Float64Array(H);
  const H2 = HYPER.hidden2;
  const OUT = H2 || H;
  const w2 = new Float64Array(OUT);
  const wMid = new Float64Array(H2 * H);
  const bMid = new Float64Array(H2);
  const limit = Math.sqrt(6 / (D + H));
  for (let i = 0; i < w1.length; i++) w1[i] = (random() * 2 - 1) * limit;
  for (let h = 0; h < OUT; h++) w2[h] = (random() * 2 - 1) * Math.sqrt(6 / (OUT + 1));
  for (let i = 0; i < wMid.length; i++) wMid[i] = (random() * 2 - 1) * Math.sqrt(6 / (H + H2));
  if (H2 && HYPER.average) throw new Error('average with hidden2 is not implemented');
  const gMid = new Float64Array(H2 * H);
  const gbMid = new Float64Array(H2);
  const adamMid = new Adam(wMid, HYPER.denseLearningRate);
  const adamBMid = new Adam(bMid, HYPER.denseLearningRate);
  const mid = new Float64Array(H2);
  const gHidden = new Float64Array(H);
  const g1 = new Float64Array(H * D);
  const gb1 = new Float64Array(H);
  const g2 = new Float64Array(OUT);
  const adam1 = new Adam(w1, HYPER.denseLearningRate);
  const adamB1 = new Adam(b1, HYPER.denseLearningRate);
  const adam2 = new Adam(w2, HYPER.denseLearningRate);
  const hidden = new Float64Array(H);
  // Snapshot averaging: the mean of the parameters at SNAPSHOTS points of the last epoch.
  const SNAPSHOTS = 20;
  const sums = HYPER.average
    ? {
        weights: new Float64Array(size),
        w1: new Float64Array(H * D),
        b1: new Float64Array(H),
        w2: new Float64Array(H),
        bias: 0,
      }
    : undefined;
  const every = Math.ceil(examples.length / SNAPSHOTS);
  for (let epoch = 0; epoch < HYPER.epochs; epoch++) {
    let loss = 0;
    let seen = 0;
    for (const ex of shuffle(examples, random)) {
      const { index, value } = ex.features;
      const words = ex.features.words ?? index.length;
      const charValue = ex.features.charValue ?? value;
      let sumWords = 0;
      let sumChars = 0;
      for (let i = 0; i < index.length; i++) {
        const code = index[i]!;
        const x = code < 0 ? -weights[-code - 1]! : weights[code]!;
        if (i < words) sumWords += x;
        else sumChars += x;
      }
      const sum = sumWords * value + sumChars * charValue;
      let denseOut = 0;
      for (let h = 0; h < H; h++) {
        let z = b1[h]!;
        const row = h * D;
        for (let k = 0; k < D; k++) z += w1[row + k]! * ex.dense[k]!;
        hidden[h] = Math.tanh(z);
        if (!H2) denseOut += w2[h]! * hidden[h]!;
      }
      for (let j = 0; j < H2; j++) {
        let z = bMid[j]!;
        for (let h = 0; h < H; h++) z += wMid[j * H + h]! * hidden[h]!;
        mid[j] = Math.tanh(z);
        denseOut += w2[j]! * mid[j]!;
      }
      const sb = HYPER.sourceBias ? sourceBias[ex.source]! : 0;
      const p = sigmoid(bias + sb + sum + denseOut);
      loss -= ex.weight * Math.log(ex.label ? Math.max(p, 1e-12) : Math.max(1 - p, 1e-12));
      const g = (p - ex.label) * ex.weight;
      for (let i = 0; i < index.length; i++) {
        const code = index[i]!;
        const v = i < words ? value : charValue;
        const bucket = code < 0 ? -code - 1 : code;
        const grad = (code < 0 ? -g : g) * v + HYPER.l2 * weights[bucket]!;
        gradSq[bucket]! += grad * grad;
        weights[bucket]! -= (HYPER.learningRate * grad) / Math.sqrt(gradSq[bucket]!);
      }
      if (H > 0) {
        if (H2) {
          gHidden.fill(0);
          for (let j = 0; j < H2; j++) {
            g2[j] = g * mid[j]!;
            const gm = g * w2[j]! * (1 - mid[j]! * mid[j]!);
            gbMid[j] = gm;
            for (let h = 0; h < H; h++) {
              gMid[j * H + h] = gm * hidden[h]!;
              gHidden[h]! += gm * wMid[j * H + h]!;
            }
          }
          adamMid.step(gMid, HYPER.denseL2);
          adamBMid.step(gbMid, 0);
        } else
          for (let h = 0; h < H; h++) {
            g2[h] = g * hidden[h]!;
            gHidden[h] = g * w2[h]!;
          }
        for (let h = 0; h < H; h++) {
          const gz = gHidden[h]! * (1 - hidden[h]! * hidden[h]!);
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
      if (sums && epoch === HYPER.epochs - 1 && ++seen % every === 0) {
        for (let i = 0; i < size; i++) sums.weights[i]! += weights[i]!;
        for (let i = 0; i < w1.length; i++) sums.w1[i]! += w1[i]!;
        for (let h = 0; h < H; h++) {
          sums.b1[h]! += b1[h]!;
          sums.w2[h]! += w2[h]!;
        }
        sums.bias += bias;
      }
    }
    console.log(
      `epoch ${epoch + 1}: mean weighted log-loss ${(loss / examples.length).toFixed(4)}`,
    );
  }
  if (HYPER.sourceBias)
    console.log(`source biases (dropped): ${[...sourceBias].map((b) => b.toFixed(2)).join(' ')}`);
  if (sums) {
    const n = Math.floor(examples.length / every);
    const mean = (a: Float64Array) => a.map((x) => x / n);
    return {
      bias: sums.bias / n,
      weights: mean(sums.weights),
      w1: mean(sums.w1),
      b1: mean(sums.b1),
      w2: mean(sums.w2),
      wMid,
      bMid,
    };
  }
  return { bias, weights, w1, b1, w2, wMid, bMid };
}

/**
 * Models trained from different seeds as one: the margin is the mean of theirs, so the sparse
 * weights and the bias are averaged and the dense halves' hidden units put side by side, each
 * output weight divided by their number.
 */
function merge(runs: Trained[]): Trained {
  if (runs.length === 1) return runs[0]!;
  if (HYPER.hidden2) throw new Error('ensemble with hidden2 is not implemented');
  const k = runs.length;
  const concat = (pick: (t: Trained) => Float64Array) => {
    const parts = runs.map(pick);
    const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const weights = new Float64Array(runs[0]!.weights.length);
  for (const t of runs) for (let i = 0; i < weights.length; i++) weights[i]! += t.weights[i]! / k;
  return {
    bias: runs.reduce((b, t) => b + t.bias / k, 0),
    weights,
    w1: concat((t) => t.w1),
    b1: concat((t) => t.b1),
    w2: concat((t) => t.w2).map((w) => w / k),
    wMid: new Float64Array(0),
    bMid: new Float64Array(0),
  };
}

/** The dense layer as written: input standardisation folded into w1 and b1, float32. */
function denseFile(t: Trained, mean: Float64Array, sd: Float64Array): DenseLayerFile {
  const H = t.b1.length;
  const D = denseInputs(HYPER.nearMax === 1);
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
    ...(HYPER.nearMax ? { nearMax: true } : {}),
    w2: [...t.w2].map((w) => Number(w.toPrecision(8))),
    ...(HYPER.hidden2
      ? {
          mid: {
            units: HYPER.hidden2,
            w: [...t.wMid].map((w) => Number(w.toPrecision(8))),
            b: [...t.bMid].map((b) => Number(b.toPrecision(8))),
          },
        }
      : {}),
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

const WEIGHTINGS: WordWeighting[] = ['none', 'idf', 'sif'];

/** A row's training weight under HYPER's per-source settings (datasets.ts sets the defaults). */
function reweighted(r: LabelledText): LabelledText {
  if ((r.source === 'edos' || r.source === 'misogyny') && !r.label)
    return { ...r, weight: HYPER.weakNegativeWeight };
  if (r.source === 'redditbias') return { ...r, weight: HYPER.redditbiasWeight };
  return r;
}

/**
 * `--validate`: a seeded tenth of each set's training rows is kept back, the model trained on the
 * rest and measured on it (and on the suites other than fresh-3); nothing is written. For
 * choosing settings without looking at the held-out split.
 */
const VALIDATION_SEED = 424242;
const VALIDATION_SHARE = 0.1;

function splitValidation(rows: LabelledText[]): {
  train: LabelledText[];
  validation: LabelledText[];
} {
  const random = seededRandom(VALIDATION_SEED);
  const train: LabelledText[] = [];
  const validation: LabelledText[] = [];
  for (const r of rows) {
    const draw = random();
    if (r.source !== 'augmented' && draw < VALIDATION_SHARE) validation.push(r);
    else train.push(r);
  }
  return { train, validation };
}

function report(model: CivilityModel, validation: LabelledText[]): void {
  const scored = validation.map((r) => ({
    source: r.source,
    label: r.label,
    score: model.score(normalise(r.text).text),
  }));
  const sources = [...new Set(scored.map((r) => r.source))];
  const aucs = sources.map((s) => rocAuc(scored.filter((r) => r.source === s)));
  const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
  console.log(
    `validation (model alone): ${sources.map((s, i) => `${s} ${aucs[i]!.toFixed(3)}`).join(', ')}`,
  );
  console.log(`validation: mean of sources ${mean.toFixed(4)}, all ${rocAuc(scored).toFixed(4)}`);
  const guard = createCivilityGuard({ model });
  const suites = {
    suite: FUNCTIONAL_SUITE,
    fresh: FRESH_CASES,
    fresh2: FRESH_CASES_2,
    fresh4: FRESH_CASES_4,
  };
  const line = Object.entries(suites).map(([name, cases]) => {
    const f = suiteFigures(guard, cases);
    return `${name} ${(100 * f.overall).toFixed(1)}%/${(100 * f.civilKept).toFixed(1)}% AUC ${f.rocAuc.toFixed(3)}`;
  });
  console.log(`suites (guard: right/civil allowed): ${line.join(', ')}`);
}

function main(): void {
  const started = performance.now();
  const args = process.argv.slice(2);
  applyOverrides(args);
  const validate = args.includes('--validate');
  if (!validate) writeLexicon();
  const split = loadSplit();
  const { train: trainRows, validation } = validate
    ? splitValidation(split.train)
    : { train: split.train, validation: [] };
  const rows = [...trainRows, ...augmentedRows()].map(reweighted);
  const positives = rows.filter((r) => r.label === 1).length;
  const folded = rows.map((r) => normalise(r.text).text);
  const counts = new Map<string, number>();
  const docCounts = new Map<string, number>();
  for (const text of folded) {
    const inText = new Set<string>();
    for (const m of text.matchAll(/[a-z0-9']+/g)) {
      const t = m[0].replace(/'/g, '');
      counts.set(t, (counts.get(t) ?? 0) + 1);
      inText.add(t);
    }
    for (const t of inText) docCounts.set(t, (docCounts.get(t) ?? 0) + 1);
  }
  const vectors = buildVectors(counts, {
    docCounts,
    docs: folded.length,
    weighting: WEIGHTINGS[HYPER.weighting]!,
    sifA: HYPER.sifA,
    write: !validate,
  });
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
  const D = denseInputs(HYPER.nearMax === 1);
  const examples: Example[] = rows.map((r, i) => {
    const m = mass.get(HYPER.perSourceBalance ? r.source : 'all')!;
    const total = m.pos + m.neg;
    const dense = new Float32Array(D);
    denseFeatures(folded[i]!, vectors, dense, HYPER.nearMax === 1);
    return {
      features: extractFeatures(
        folded[i]!,
        HYPER.bits,
        [HYPER.charMin, HYPER.charMax],
        HYPER.blockNorm === 1,
      ),
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
  const runs: Trained[] = [];
  for (let k = 0; k < HYPER.ensemble; k++) {
    if (k > 0) console.log(`ensemble member ${k + 1} of ${HYPER.ensemble}`);
    runs.push(train(examples, sourceNames.length, HYPER.seed + k));
  }
  const trained = merge(runs);
  const { bias, weights } = trained;
  const { scale, base64 } = quantise(weights);
  const count = (source: string) => rows.filter((r) => r.source === source).length;
  const file: CivilityModelFile = {
    name: 'civility',
    featureVersion: FEATURE_VERSION,
    bits: HYPER.bits,
    ...(HYPER.charMin !== CHAR_GRAMS[0] || HYPER.charMax !== CHAR_GRAMS[1]
      ? { chars: [HYPER.charMin, HYPER.charMax] as [number, number] }
      : {}),
    ...(HYPER.blockNorm ? { blockNorm: true } : {}),
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
  if (validate) {
    console.log(`settings: ${JSON.stringify(HYPER)}`);
    report(CivilityModel.fromFile(file, vectors), validation);
    return;
  }
  mkdirSync(dirname(MODEL_PATH), { recursive: true });
  writeFileSync(MODEL_PATH, `${JSON.stringify(file, null, 2)}\n`);
  const seconds = (performance.now() - started) / 1000;
  console.log(`wrote ${MODEL_PATH} in ${seconds.toFixed(1)} s`);
}

main();
