import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DENSE_INPUTS, DIMS, WordVectors, denseInputs, denseTokens } from './dense.js';
import {
  CHAR_GRAMS,
  FEATURE_VERSION,
  type SparseFeatures,
  featureValue,
  visitFeatures,
} from './features.js';

/** Written by `npm run train:civility`, committed, loaded once at start. */
export const MODEL_PATH = fileURLToPath(new URL('./model/civility-model.json', import.meta.url));

/**
 * The dense half: one hidden layer (tanh) over the pooled word vectors (dense.ts), its output
 * added to the sparse half's margin. Input standardisation is folded into w1 and b1.
 */
export interface DenseLayerFile {
  hidden: number;
  /** hidden × DENSE_INPUTS float32, row by row, base64 (little-endian) */
  w1: string;
  b1: number[];
  /** output weights: over the first layer, or over `mid` when there is one */
  w2: number[];
  /** true: the inputs end with the maximum over the words near a target (dense.ts) */
  nearMax?: boolean;
  /** a second tanh layer over the first: units × hidden weights, row by row */
  mid?: { units: number; w: number[]; b: number[] };
}

/** The file format: weights are int16, scaled by `scale`, base64-encoded (little-endian). */
export interface CivilityModelFile {
  name: 'civility';
  featureVersion: number;
  bits: number;
  /** shortest and longest character n-grams; CHAR_GRAMS when absent */
  chars?: [number, number];
  /** true: word and character features are each normalised on their own (features.ts) */
  blockNorm?: boolean;
  bias: number;
  scale: number;
  weights: string;
  dense?: DenseLayerFile;
  trainedOn: { dataset: string; licence: string; rows: number }[];
  hyper: Record<string, number>;
}

export interface DenseLayer {
  hidden: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  mid?: { units: number; w: Float32Array; b: Float32Array };
  /** inputs per hidden unit: DENSE_INPUTS, and DIMS more with nearMax */
  inputs: number;
  nearMax: boolean;
  vectors: WordVectors;
}

// Local copies: an imported binding read in an inner loop costs a call per read.
const INPUTS = DENSE_INPUTS;
const VECTOR_DIMS = DIMS;

export class CivilityModel {
  private readonly hidden: Float64Array;
  private readonly hiddenNear: Float64Array;
  private readonly activations: Float64Array;

  constructor(
    readonly bits: number,
    readonly bias: number,
    readonly weights: Float32Array,
    readonly dense?: DenseLayer,
    readonly chars: readonly [number, number] = CHAR_GRAMS,
    readonly blockNorm = false,
  ) {
    this.hidden = new Float64Array(dense?.hidden ?? 0);
    this.activations = new Float64Array(dense?.hidden ?? 0);
    this.hiddenNear = new Float64Array(dense?.hidden ?? 0);
  }

  static fromFile(file: CivilityModelFile, vectors?: WordVectors): CivilityModel {
    if (file.featureVersion !== FEATURE_VERSION)
      throw new Error(
        `civility model was trained with features v${file.featureVersion}, code expects v${FEATURE_VERSION}: run npm run train:civility`,
      );
    const bytes = Buffer.from(file.weights, 'base64');
    const size = 1 << file.bits;
    if (bytes.length !== size * 2)
      throw new Error('civility model: weight array has the wrong size');
    const weights = new Float32Array(size);
    for (let i = 0; i < size; i++) weights[i] = bytes.readInt16LE(i * 2) * file.scale;
    let dense: DenseLayer | undefined;
    if (file.dense) {
      const raw = Buffer.from(file.dense.w1, 'base64');
      const inputs = denseInputs(file.dense.nearMax === true);
      if (raw.length !== file.dense.hidden * inputs * 4)
        throw new Error('civility model: dense layer has the wrong size');
      const w1 = new Float32Array(file.dense.hidden * inputs);
      for (let i = 0; i < w1.length; i++) w1[i] = raw.readFloatLE(i * 4);
      dense = {
        hidden: file.dense.hidden,
        w1,
        b1: Float32Array.from(file.dense.b1),
        w2: Float32Array.from(file.dense.w2),
        inputs,
        nearMax: file.dense.nearMax === true,
        ...(file.dense.mid
          ? {
              mid: {
                units: file.dense.mid.units,
                w: Float32Array.from(file.dense.mid.w),
                b: Float32Array.from(file.dense.mid.b),
              },
            }
          : {}),
        vectors: vectors ?? WordVectors.load(),
      };
    }
    return new CivilityModel(
      file.bits,
      file.bias,
      weights,
      dense,
      file.chars,
      file.blockNorm === true,
    );
  }

  static load(path = MODEL_PATH): CivilityModel {
    return CivilityModel.fromFile(JSON.parse(readFileSync(path, 'utf8')) as CivilityModelFile);
  }

  margin(features: SparseFeatures): number {
    let sum = 0;
    const w = this.weights;
    const { index, words, charValue } = features;
    if (words === undefined || charValue === undefined) {
      for (const code of index) sum += code < 0 ? -w[-code - 1]! : w[code]!;
      return this.bias + sum * features.value;
    }
    let chars = 0;
    for (let i = 0; i < index.length; i++) {
      const code = index[i]!;
      const x = code < 0 ? -w[-code - 1]! : w[code]!;
      if (i < words) sum += x;
      else chars += x;
    }
    return this.bias + sum * features.value + chars * charValue;
  }

  /**
   * A word's vector through the first layer, for the mean and the near-target inputs (hidden × 2
   * numbers), computed on first use and kept: pooling by the mean is linear, so the layer's
   * input sums can be summed per word instead of per dimension.
   */
  private readonly projected: (Float32Array | undefined)[] = [];
  private readonly maxima = new Int32Array(DIMS);
  private readonly maximaNear = new Int32Array(DIMS);

  private projection(d: DenseLayer, offset: number): Float32Array {
    let p = this.projected[offset / VECTOR_DIMS];
    if (p) return p;
    const H = d.hidden;
    const n = d.inputs;
    const dims = VECTOR_DIMS;
    const { w1 } = d;
    const data = d.vectors.data;
    p = new Float32Array(2 * H);
    for (let h = 0; h < H; h++) {
      let mean = 0;
      let near = 0;
      const row = h * n;
      for (let k = 0; k < dims; k++) {
        const v = data[offset + k]!;
        mean += w1[row + k]! * v;
        near += w1[row + 2 * dims + k]! * v;
      }
      p[h] = mean;
      p[H + h] = near;
    }
    this.projected[offset / VECTOR_DIMS] = p;
    return p;
  }

  /** The dense half's contribution to the margin (0 without one); the same sum as dense.ts's. */
  denseMargin(folded: string): number {
    const d = this.dense;
    if (!d) return 0;
    const H = d.hidden;
    const n = d.inputs;
    const dims = VECTOR_DIMS;
    const { w1, b1, w2 } = d;
    const data = d.vectors.data;
    const scale = d.vectors.scale;
    const { offsets, near, flags } = denseTokens(folded, d.vectors);
    const count = offsets.length;
    const z = this.hidden;
    const zNear = this.hiddenNear;
    z.fill(0);
    zNear.fill(0);
    const max = this.maxima;
    max.fill(-128);
    const maxNear = d.nearMax ? this.maximaNear : undefined;
    maxNear?.fill(-128);
    const weights = d.vectors.weights;
    let total = 0;
    let totalNear = 0;
    for (let i = 0; i < count; i++) {
      const o = offsets[i]!;
      const p = this.projection(d, o);
      const w = weights ? weights[o / dims]! : 1;
      total += w;
      for (let h = 0; h < H; h++) z[h]! += w * p[h]!;
      if (near[i] === 1) {
        totalNear += w;
        for (let h = 0; h < H; h++) zNear[h]! += w * p[H + h]!;
        if (maxNear)
          for (let k = 0; k < dims; k++) {
            const v = data[o + k]!;
            if (v > maxNear[k]!) maxNear[k] = v;
          }
      }
      for (let k = 0; k < dims; k++) {
        const v = data[o + k]!;
        if (v > max[k]!) max[k] = v;
      }
    }
    let out = 0;
    for (let h = 0; h < H; h++) {
      const row = h * n;
      let sum = b1[h]!;
      if (count) {
        if (total > 0) sum += (z[h]! * scale) / total;
        let m = 0;
        for (let k = 0; k < dims; k++) m += w1[row + dims + k]! * max[k]!;
        sum += m * scale;
      }
      if (totalNear > 0) {
        sum += (zNear[h]! * scale) / totalNear;
        if (maxNear) {
          let m = 0;
          for (let k = 0; k < dims; k++) m += w1[row + INPUTS + k]! * maxNear[k]!;
          sum += m * scale;
        }
      }
      for (let f = 0; f < 4; f++) sum += w1[row + 3 * dims + f]! * flags[f]!;
      if (d.mid) this.activations[h] = Math.tanh(sum);
      else out += w2[h]! * Math.tanh(sum);
    }
    const mid = d.mid;
    if (mid) {
      const a = this.activations;
      for (let j = 0; j < mid.units; j++) {
        let sum = mid.b[j]!;
        for (let h = 0; h < H; h++) sum += mid.w[j * H + h]! * a[h]!;
        out += w2[j]! * Math.tanh(sum);
      }
    }
    return out;
  }

  /** margin(extractFeatures(folded)): the same sum in the same order, with no feature array. */
  private sparseMargin(folded: string): number {
    const w = this.weights;
    if (!this.blockNorm) {
      let sum = 0;
      const count = visitFeatures(
        folded,
        this.bits,
        (code) => {
          sum += code < 0 ? -w[-code - 1]! : w[code]!;
        },
        this.chars,
      );
      return this.bias + sum * featureValue(count);
    }
    let words = 0;
    let chars = 0;
    let wordCount = 0;
    const count = visitFeatures(
      folded,
      this.bits,
      (code, char) => {
        const x = code < 0 ? -w[-code - 1]! : w[code]!;
        if (char) chars += x;
        else {
          words += x;
          wordCount++;
        }
      },
      this.chars,
    );
    return this.bias + words * featureValue(wordCount) + chars * featureValue(count - wordCount);
  }

  /** Probability that folded text is offensive. */
  score(folded: string): number {
    return sigmoid(this.sparseMargin(folded) + this.denseMargin(folded));
  }

  /** The weight of a single bucket, signed as extractFeatures encodes it. */
  weightOf(code: number): number {
    return code < 0 ? -this.weights[-code - 1]! : this.weights[code]!;
  }
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
