/**
 * Folds the spelling tricks people use to slip abuse past filters ("k1ll", "f u c k", "fuuuuck",
 * "sh!t") into plain lowercase text, keeping for every output character the index of the input
 * character it came from, so matches found in the folded text can be highlighted in the original.
 */
export interface NormalisedText {
  text: string;
  /** offsets[i] = index in the original text of folded character i */
  offsets: number[];
}

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'i',
};

/** Characters people put between the letters of a word to break it up ("f.u.c.k", "f-u-c-k"). */
const LETTER_SEPARATORS = new Set([' ', '.', '*', '_', '-']);

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && ch >= 'a' && ch <= 'z';
}

function isTokenChar(ch: string | undefined): boolean {
  return ch !== undefined && ch !== ' ' && ch !== '\n' && ch !== '\t' && ch !== '\r';
}

/**
 * Leetspeak applies only inside a word that also has letters, so "2024" and "$100" stay numbers
 * and a trailing "!" stays punctuation.
 */
function foldLeet(chars: string[]): void {
  let start = 0;
  while (start < chars.length) {
    if (!isTokenChar(chars[start])) {
      start++;
      continue;
    }
    let end = start;
    while (end < chars.length && isTokenChar(chars[end])) end++;
    let letters = 0;
    for (let i = start; i < end; i++) if (isLetter(chars[i])) letters++;
    if (letters > 0) {
      for (let i = start; i < end; i++) {
        const ch = chars[i]!;
        const folded = LEET[ch];
        if (!folded) continue;
        // Punctuation-like leet only counts between letters ("sh!t"), not at a word's edge.
        const punct = ch === '!' || ch === '|' || ch === '@' || ch === '$';
        const prev = chars[i - 1];
        const next = chars[i + 1];
        const inside = (isLetter(prev) || LEET[prev ?? ''] !== undefined) && isLetter(next);
        if (punct ? inside || (ch === '$' && i === start && isLetter(next)) : true)
          chars[i] = folded;
      }
    }
    start = end;
  }
}

/** Joins runs of three or more single letters split by one separator: "f u c k" → "fuck". */
function joinSpacedLetters(
  chars: string[],
  offsets: number[],
): { chars: string[]; offsets: number[] } {
  const outChars: string[] = [];
  const outOffsets: number[] = [];
  let i = 0;
  while (i < chars.length) {
    const startsWord = i === 0 || !isLetter(chars[i - 1]);
    if (startsWord && isLetter(chars[i]) && LETTER_SEPARATORS.has(chars[i + 1] ?? '')) {
      let j = i;
      const run: number[] = [];
      while (isLetter(chars[j]) && !isLetter(chars[j + 1])) {
        run.push(j);
        const sep = chars[j + 1];
        if (sep === undefined || !LETTER_SEPARATORS.has(sep) || !isLetter(chars[j + 2])) break;
        j += 2;
        if (isLetter(chars[j + 1])) {
          // The run ends in a longer word ("f u c k you" stops before "you").
          break;
        }
      }
      // "u r a loser" is three words, not a spelt-out one.
      const words = run.length === 3 && run.every((k) => 'aiury'.includes(chars[k]!));
      if (run.length >= 3 && !words) {
        for (const k of run) {
          outChars.push(chars[k]!);
          outOffsets.push(offsets[k]!);
        }
        i = run[run.length - 1]! + 1;
        continue;
      }
    }
    outChars.push(chars[i]!);
    outOffsets.push(offsets[i]!);
    i++;
  }
  return { chars: outChars, offsets: outOffsets };
}

/**
 * Letters from other scripts that look like Latin ones ("kіke" with a Cyrillic і): folded to the
 * Latin letter, since no English word mixes scripts.
 */
const HOMOGLYPHS: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ı: 'i',
  α: 'a',
  ο: 'o',
  ν: 'v',
  ρ: 'p',
  τ: 't',
  κ: 'k',
  ι: 'i',
};
/** Characters that show nothing and split a word for a filter: soft hyphen, zero-width marks. */
const INVISIBLE = new Set(['\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']);

const ASCII_LOWER = 'abcdefghijklmnopqrstuvwxyz'.split('');

export function normalise(input: string): NormalisedText {
  const chars: string[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code < 128) {
      // ASCII (almost every character): lower case by arithmetic, no table to look in.
      chars.push(code >= 65 && code <= 90 ? ASCII_LOWER[code - 65]! : input[i]!);
      offsets.push(i);
      continue;
    }
    if (INVISIBLE.has(input[i]!)) continue;
    const lowered = input[i]!.toLowerCase();
    const lower = HOMOGLYPHS[lowered] ?? lowered;
    const ch = lower === '’' || lower === '‘' ? "'" : lower;
    // toLowerCase can lengthen a character ("İ"); every piece maps back to the same input index.
    for (const piece of ch.length === 1 ? [ch] : Array.from(ch)) {
      chars.push(piece);
      offsets.push(i);
    }
  }
  foldLeet(chars);
  const joined = joinSpacedLetters(chars, offsets);
  // Three or more of the same letter become two: "stuuupid" → "stuupid", "good" stays "good".
  const outChars: string[] = [];
  const outOffsets: number[] = [];
  for (let i = 0; i < joined.chars.length; i++) {
    const ch = joined.chars[i]!;
    const n = outChars.length;
    if (isLetter(ch) && outChars[n - 1] === ch && outChars[n - 2] === ch) continue;
    outChars.push(ch);
    outOffsets.push(joined.offsets[i]!);
  }
  return { text: outChars.join(''), offsets: outOffsets };
}

/** Maps a [start, end) range of the folded text back to the original. */
export function originalRange(n: NormalisedText, start: number, end: number): [number, number] {
  const s = n.offsets[start] ?? 0;
  const e = (n.offsets[Math.max(start, end - 1)] ?? s) + 1;
  return [s, e];
}
