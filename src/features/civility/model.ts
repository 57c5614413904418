import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEATURE_VERSION, type SparseFeatures, extractFeatures } from './features.js';

/** Written by `npm run train:civility`, committed, loaded once at start. */
export const MODEL_PATH = fileURLToPath(new URL('./model/civility-model.json', import.meta.url));

/** The file format: weights are int16, scaled by `scale`, base64-encoded (little-endian). */
export interface CivilityModelFile {
  name: 'civility';
  featureVersion: number;
  bits: number;
  bias: number;
  scale: number;
  weights: string;
  trainedOn: { dataset: string; licence: string; rows: number }[];
  hyper: Record<string, number>;
}

export class CivilityModel {
  constructor(
    readonly bits: number,
    readonly bias: number,
    readonly weights: Float32Array,
  ) {}

  static fromFile(file: CivilityModelFile): CivilityModel {
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
    return new CivilityModel(file.bits, file.bias, weights);
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

  /** Probability that folded text is offensive. */
  score(folded: string): number {
    return sigmoid(this.margin(extractFeatures(folded, this.bits)));
  }

  /** The weight of a single bucket, signed as extractFeatures encodes it. */
  weightOf(code: number): number {
    return code < 0 ? -this.weights[-code - 1]! : this.weights[code]!;
  }
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
