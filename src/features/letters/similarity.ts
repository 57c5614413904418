/**
 * How much of a letter is the sender's own. WriteToThem's lesson: offices set aside letters that
 * repeat a campaign's text, so a letter is compared, phrase by phrase, with the campaign's brief
 * and points and with other letters to the same target. A phrase is three consecutive words (a
 * "shingle"); a word is copied when it lies in a shingle found in that material, and own
 * otherwise. Letters keep their shingle hashes (the fingerprint), so comparing a new letter with
 * hundreds of earlier ones reads small sets, never re-tokenises their text.
 */

export const SHINGLE_WORDS = 3;

export interface WordToken {
  word: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Words in reading order, folded (case, accents, curly apostrophes), with their places in the text. */
export function tokenise(text: string): WordToken[] {
  const out: WordToken[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0].normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/’/g, "'");
    out.push({ word, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

export function countWords(text: string): number {
  return tokenise(text).length;
}

/** FNV-1a, 32 bits: collisions among a letter's few hundred phrases are negligible. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The hash of each shingle, by the position of its first word. */
function shingleHashes(words: WordToken[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++)
    out.push(
      hash(
        words
          .slice(i, i + SHINGLE_WORDS)
          .map((w) => w.word)
          .join(' '),
      ),
    );
  return out;
}

export type Fingerprint = Set<number>;

/** The set of shingle hashes of one or more texts (each text on its own: no phrase spans two). */
export function fingerprintOf(...texts: string[]): Fingerprint {
  const set = new Set<number>();
  for (const text of texts) for (const h of shingleHashes(tokenise(text))) set.add(h);
  return set;
}

/** Stored form: the sorted hashes as little-endian uint32, base64. */
export function encodeFingerprint(fp: Fingerprint): string {
  const sorted = Uint32Array.from([...fp].sort((a, b) => a - b));
  return Buffer.from(sorted.buffer, sorted.byteOffset, sorted.byteLength).toString('base64');
}

export function decodeFingerprint(text: string): Fingerprint {
  const bytes = Buffer.from(text, 'base64');
  const set = new Set<number>();
  for (let i = 0; i + 4 <= bytes.length; i += 4) set.add(bytes.readUInt32LE(i));
  return set;
}

export interface Originality {
  words: number;
  ownWords: number;
  /** 0–100, rounded down: "X% of your words are your own". */
  ownPercent: number;
  /** 0–100: share of the letter's phrases found in the brief and points. */
  briefSimilarity: number;
  /** 0–100: share of the letter's phrases found in the single closest other letter. */
  letterSimilarity: number;
  /** Character ranges of copied passages, for showing the writer what to rewrite. */
  copied: { start: number; end: number }[];
  fingerprint: Fingerprint;
}

function shareOf(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.floor((part * 100) / whole);
}

/** Compares `text` with the brief's fingerprint and with the fingerprints of other letters. */
export function assessOriginality(
  text: string,
  brief: Fingerprint,
  others: readonly Fingerprint[],
): Originality {
  const words = tokenise(text);
  const hashes = shingleHashes(words);
  const own = new Set<number>(hashes);
  const copiedWord = new Uint8Array(words.length);
  hashes.forEach((h, i) => {
    if (!brief.has(h) && !others.some((o) => o.has(h))) return;
    for (let k = i; k < i + SHINGLE_WORDS; k++) copiedWord[k] = 1;
  });
  const inBrief = [...own].filter((h) => brief.has(h)).length;
  let closest = 0;
  for (const other of others) {
    let shared = 0;
    for (const h of own) if (other.has(h)) shared++;
    closest = Math.max(closest, shared);
  }
  const copied: { start: number; end: number }[] = [];
  words.forEach((w, i) => {
    if (!copiedWord[i]) return;
    const last = copied[copied.length - 1];
    if (last && copiedWord[i - 1]) last.end = w.end;
    else copied.push({ start: w.start, end: w.end });
  });
  const ownWords = copiedWord.reduce((n, c) => n + (c ? 0 : 1), 0);
  return {
    words: words.length,
    ownWords,
    ownPercent: shareOf(ownWords, words.length),
    briefSimilarity: shareOf(inBrief, own.size),
    letterSimilarity: shareOf(closest, own.size),
    copied,
    fingerprint: own,
  };
}
