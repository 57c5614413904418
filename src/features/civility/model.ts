import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DENSE_INPUTS, DIMS, WordVectors, denseTokens } from './dense.js';
import { FEATURE_VERSION, type SparseFeatures, featureValue, visitFeatures } from './features.js';

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
  w2: number[];
}

/** The file format: weights are int16, scaled by `scale`, base64-encoded (little-endian). */
export interface CivilityModelFile {
  name: 'civility';
  featureVersion: number;
  bits: number;
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
  vectors: WordVectors;
}

// Local copies: an imported binding read in an inner loop costs a call per read.
const INPUTS = DENSE_INPUTS;
const VECTOR_DIMS = DIMS;

export class CivilityModel {
  private readonly input = new Float32Array(DENSE_INPUTS);
  private readonly hidden: Float64Array;
  private readonly hiddenNear: Float64Array;

  constructor(
    readonly bits: number,
    readonly bias: number,
    readonly weights: Float32Array,
    readonly dense?: DenseLayer,
  ) {
    this.hidden = new Float64Array(dense?.hidden ?? 0);
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
      if (raw.length !== file.dense.hidden * DENSE_INPUTS * 4)
        throw new Error('civility model: dense layer has the wrong size');
      const w1 = new Float32Array(file.dense.hidden * DENSE_INPUTS);
      for (let i = 0; i < w1.length; i++) w1[i] = raw.readFloatLE(i * 4);
      dense = {
        hidden: file.dense.hidden,
        w1,
        b1: Float32Array.from(file.dense.b1),
        w2: Float32Array.from(file.dense.w2),
        vectors: vectors ?? WordVectors.load(),
      };
    }
    return new CivilityModel(file.bits, file.bias, weights, dense);
  }

  static load(path = MODEL_PATH): CivilityModel {
    return CivilityModel.fromFile(JSON.parse(readFileSync(path, 'utf8')) as CivilityModelFile);
  }

  margin(features: SparseFeatures): number {
    let sum = 0;
    const w = this.weights;
    for (const code of features.index) sum += code < 0 ? -w[-code - 1]! : w[code]!;
    return this.bias + sum * features.value;
  }

  /**
   * A word's vector through the first layer, for the mean and the near-target inputs (hidden × 2
   * numbers), computed on first use and kept: pooling by the mean is linear, so the layer's
   * input sums can be summed per word instead of per dimension.
   */
  private readonly projected: (Float32Array | undefined)[] = [];
  private readonly maxima = new Int32Array(DIMS);

  private projection(d: DenseLayer, offset: number): Float32Array {
    let p = this.projected[offset / VECTOR_DIMS];
    if (p) return p;
    const H = d.hidden;
    const n = INPUTS;
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
    const n = INPUTS;
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
    let nNear = 0;
    for (let i = 0; i < count; i++) {
      const o = offsets[i]!;
      const p = this.projection(d, o);
      for (let h = 0; h < H; h++) z[h]! += p[h]!;
      if (near[i] === 1) {
        nNear++;
        for (let h = 0; h < H; h++) zNear[h]! += p[H + h]!;
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
        sum += (z[h]! * scale) / count;
        let m = 0;
        for (let k = 0; k < dims; k++) m += w1[row + dims + k]! * max[k]!;
        sum += m * scale;
      }
      if (nNear) sum += (zNear[h]! * scale) / nNear;
      for (let f = 0; f < 4; f++) sum += w1[row + 3 * dims + f]! * flags[f]!;
      out += w2[h]! * Math.tanh(sum);
    }
    return out;
  }

  /** margin(extractFeatures(folded)): the same sum in the same order, with no feature array. */
  private sparseMargin(folded: string): number {
    const w = this.weights;
    let sum = 0;
    const count = visitFeatures(folded, this.bits, (code) => {
      sum += code < 0 ? -w[-code - 1]! : w[code]!;
    });
    return this.bias + sum * featureValue(count);
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
