import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/**
 * The labelled data in data/abuse/ (provenance in data/abuse/README.md) and the one fixed split
 * that training and evaluation share: the held-out rows are never trained on.
 */
export const DATA_DIR = fileURLToPath(new URL('../../../data/abuse/', import.meta.url));

export interface LabelledText {
  text: string;
  /** 1 = offensive / abusive / hateful */
  label: 0 | 1;
  source: 'davidson' | 'olid' | 'ethos';
}

export const SPLIT_SEED = 20240611;
/** Share of Davidson held out for evaluation. */
export const DAVIDSON_HELD_OUT = 0.1;

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
  return rows.map((r) => ({ text: r.tweet, label: r.class === '2' ? 0 : 1, source: 'davidson' }));
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

export interface Split {
  train: LabelledText[];
  heldOut: LabelledText[];
}

export function loadSplit(): Split {
  const random = seededRandom(SPLIT_SEED);
  const shuffled = shuffle(davidson(), random);
  const cut = Math.round(shuffled.length * DAVIDSON_HELD_OUT);
  return {
    train: [...shuffled.slice(cut), ...olidTrain()],
    heldOut: [...shuffled.slice(0, cut), ...olidTest(), ...ethos()],
  };
}
