import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DENSE_INPUTS, WordVectors, denseFeatures } from './dense.js';
import { FEATURE_VERSION, type SparseFeatures, extractFeatures } from './features.js';

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

const INPUTS = DENSE_INPUTS;

export class CivilityModel {
  private readonly input = new Float32Array(DENSE_INPUTS);

  constructor(
    readonly bits: number,
    readonly bias: number,
    readonly weights: Float32Array,
    readonly dense?: DenseLayer,
  ) {}

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

  /** The dense half's contribution to the margin (0 without one). */
  denseMargin(folded: string): number {
    const d = this.dense;
    if (!d) return 0;
    const x = this.input;
    denseFeatures(folded, d.vectors, x);
    // Local copies: an imported binding read in the inner loop costs a call per read.
    const n = INPUTS;
    const { w1, b1, w2 } = d;
    let out = 0;
    for (let h = 0; h < d.hidden; h++) {
      let z = b1[h]!;
      const row = h * n;
      for (let k = 0; k < n; k++) z += w1[row + k]! * x[k]!;
      out += w2[h]! * Math.tanh(z);
    }
    return out;
  }

  /** Probability that folded text is offensive. */
  score(folded: string): number {
    return sigmoid(this.margin(extractFeatures(folded, this.bits)) + this.denseMargin(folded));
  }

  /** The weight of a single bucket, signed as extractFeatures encodes it. */
  weightOf(code: number): number {
    return code < 0 ? -this.weights[-code - 1]! : this.weights[code]!;
  }
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
