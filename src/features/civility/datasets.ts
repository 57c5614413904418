import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/**
 * The labelled data in data/abuse/ (provenance in data/abuse/README.md) and the one fixed split
 * that training and evaluation share: the held-out rows are never trained on.
 */
export const DATA_DIR = fileURLToPath(new URL('../../../data/abuse/', import.meta.url));

export const MORE_SOURCES = {
  toxigen: 'toxigen_annotated.csv',
  hatexplain: 'hatexplain.csv',
  implicit: 'implicit_hate.csv',
  edos: 'edos_sexism.csv',
  misogyny: 'online_misogyny_guest2021.csv',
  stormfront: 'stormfront_degibert2018.csv',
  redditbias: 'redditbias.csv',
} as const;
export type MoreSource = keyof typeof MORE_SOURCES;
export type Source = 'davidson' | 'olid' | 'ethos' | MoreSource | 'augmented';
export const SOURCES: Source[] = [
  'davidson',
  'olid',
  'ethos',
  ...(Object.keys(MORE_SOURCES) as MoreSource[]),
];

export interface LabelledText {
  text: string;
  /** 1 = offensive / abusive / hateful */
  label: 0 | 1;
  source: Source;
  /** How much the row counts in training (default 1): lower for labels known to mislead. */
  weight?: number;
}

export const SPLIT_SEED = 20240611;
/** Share of Davidson, and of each set in more/, held out for evaluation. */
export const DAVIDSON_HELD_OUT = 0.1;
export const DAVIDSON_HATE_WEIGHT = 0.2;
/**
 * Sets that judge one harm only (sexism, misogyny, stereotypes) have weak negatives: a "not
 * sexist" post may still be racist. Their negatives count less; RedditBias counts less overall,
 * since "biased" is not a hate annotation.
 */
const WEAK_NEGATIVE_WEIGHT = 0.4;
const REDDITBIAS_WEIGHT = 0.5;

/** mulberry32: small, seeded, the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function read(path: string): string {
  return readFileSync(DATA_DIR + path, 'utf8');
}

/** Davidson: class 0 = hate speech, 1 = offensive, 2 = neither (MIT). */
function davidson(): LabelledText[] {
  const rows = parse<{ class: string; tweet: string }>(read('davidson_labeled_data.csv'), {
    columns: true,
  });
  // Its "hate" class also marks quoted and denounced slurs, the opposite of what counter-speech
  // needs, so those rows count for little.
  return rows.map((r) => ({
    text: r.tweet,
    label: r.class === '2' ? 0 : 1,
    source: 'davidson',
    ...(r.class === '0' ? { weight: DAVIDSON_HATE_WEIGHT } : {}),
  }));
}

/** OLID TSVs have no quoting at all, so they are split by hand. */
function tsv(path: string): string[][] {
  return read(path)
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

function olidTrain(): LabelledText[] {
  return tsv('olid/olid-training-v1.0.tsv').map(([, tweet, a]) => ({
    text: tweet ?? '',
    label: a === 'OFF' ? 1 : 0,
    source: 'olid',
  }));
}

function olidTest(): LabelledText[] {
  const labels = new Map(
    read('olid/labels-levela.csv')
      .split(/\r?\n/)
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split(',') as [string, string]),
  );
  return tsv('olid/testset-levela.tsv').map(([id, tweet]) => {
    const label = labels.get(id ?? '');
    if (!label) throw new Error(`OLID test id ${id} has no label`);
    return { text: tweet ?? '', label: label === 'OFF' ? 1 : 0, source: 'olid' };
  });
}

/** ETHOS (GPL-3.0): evaluation only. Labels are agreement fractions; ≥ 0.5 counts as hate. */
function ethos(): LabelledText[] {
  const rows = parse<{ comment: string; isHate: string }>(read('ethos/Ethos_Dataset_Binary.csv'), {
    columns: true,
    delimiter: ';',
    relax_quotes: true,
  });
  return rows.map((r) => ({
    text: r.comment,
    label: Number(r.isHate) >= 0.5 ? 1 : 0,
    source: 'ethos',
  }));
}

/** The text,label,target,source CSVs of data/abuse/more/ (provenance in its README). */
function more(source: MoreSource): LabelledText[] {
  const rows = parse<{ text: string; label: string }>(read(`more/${MORE_SOURCES[source]}`), {
    columns: true,
  });
  const weak = source === 'edos' || source === 'misogyny';
  return rows.map((r) => {
    const label = r.label === 'hateful' ? 1 : 0;
    const weight =
      source === 'redditbias' ? REDDITBIAS_WEIGHT : weak && !label ? WEAK_NEGATIVE_WEIGHT : 1;
    return { text: r.text, label, source, ...(weight !== 1 ? { weight } : {}) };
  });
}

export interface Split {
  train: LabelledText[];
  heldOut: LabelledText[];
}

/** A seeded share of the rows held out; the same rows on every machine. */
function holdOut(rows: LabelledText[], random: () => number): Split {
  const shuffled = shuffle(rows, random);
  const cut = Math.round(shuffled.length * DAVIDSON_HELD_OUT);
  return { train: shuffled.slice(cut), heldOut: shuffled.slice(0, cut) };
}

export function loadSplit(): Split {
  const random = seededRandom(SPLIT_SEED);
  const d = holdOut(davidson(), random);
  const train = [...d.train, ...olidTrain()];
  const heldOut = [...d.heldOut, ...olidTest(), ...ethos()];
  for (const source of Object.keys(MORE_SOURCES) as MoreSource[]) {
    const s = holdOut(more(source), random);
    train.push(...s.train);
    heldOut.push(...s.heldOut);
  }
  return { train, heldOut };
}
