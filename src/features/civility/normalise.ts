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
      // One separator throughout: "r a f*ggot" is two words and a starred one, not "raf".
      const separator = chars[i + 1];
      while (isLetter(chars[j]) && !isLetter(chars[j + 1])) {
        run.push(j);
        const sep = chars[j + 1];
        if (separator === ' ' && sep !== ' ' && isLetter(chars[j + 2])) {
          // this letter starts a word split another way ("f*ggot"): it is not in the run
          run.pop();
          break;
        }
        if (sep !== separator || !isLetter(chars[j + 2])) break;
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

/** Maps an index of the original text to the first folded character at or after it. */
function foldedIndex(n: NormalisedText, original: number): number {
  let lo = 0;
  let hi = n.offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (n.offsets[mid]! < original) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Capitalised words that begin sentences or name places, bodies and offices, not people: a pair
 * of capitalised words holding one of these is not taken for a person's name.
 */
const NOT_NAMES = new Set(
  (
    'i the a an this that these those it its my our your his her their we you he she they if ' +
    'when why what who how and but or so just not no yes hope please dear hi hello lol omg ' +
    'street road lane avenue way close drive vale green park hall house tower square bridge ' +
    'party council office city town county parliament assembly senedd station hospital school ' +
    'committee club united group north south east west central new old great upper lower ' +
    'labour conservative conservatives tory tories liberal democrats lib dem dems green greens ' +
    'reform snp plaid cymru sinn fein alliance dup uup sdlp government minister secretary ' +
    'prime first deputy home foreign health chancellor speaker mp msp mla cllr councillor mr ' +
    'mrs ms dr sir lord lady king queen prince god jesus christ christmas easter eid ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april ' +
    'may june july august september october november december england scotland wales ireland ' +
    'britain british english scottish welsh irish northern london day week year bbc nhs ' +
    'brexit ulez hs2 universal credit budget bill act policy plan scheme manifesto motion'
  ).split(' '),
);
const NAME_WORD = "[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?";
/** "Pete Sandhu", "Hywel ap Rhys": two capitalised words, the second maybe after a particle. */
const NAME_PAIR = new RegExp(
  `(?<![A-Za-z])(${NAME_WORD})\\s+(?:(?:ap|van|de|von|al|el|le|la|bin|mac)\\s+)?(${NAME_WORD})(?![A-Za-z])`,
  'g',
);
/** "…, Lowther." "…, Dominic": one capitalised word spoken to, closing its sentence. */
const VOCATIVE = new RegExp(`,\\s*(${NAME_WORD})\\s*(?:[.!?]|$)`, 'g');

/**
 * Where the original text names a person in the way people write names (capitalised first and
 * last name, or a name addressed at the end of a sentence), as ranges of the folded text. Folded
 * text has lost its capitals, so this reads the original.
 */
export function personNames(original: string, n: NormalisedText): [number, number][] {
  const out: [number, number][] = [];
  if (!/[A-Z]/.test(original)) return out;
  const add = (start: number, end: number) =>
    out.push([foldedIndex(n, start), foldedIndex(n, end)]);
  for (const m of original.matchAll(NAME_PAIR)) {
    const first = m[1]!.toLowerCase();
    const last = m[2]!.toLowerCase();
    if (NOT_NAMES.has(first) || NOT_NAMES.has(last)) continue;
    add(m.index, m.index + m[0].length);
  }
  for (const m of original.matchAll(VOCATIVE)) {
    const word = m[1]!;
    if (NOT_NAMES.has(word.toLowerCase())) continue;
    const start = m.index + m[0].indexOf(word);
    add(start, start + word.length);
  }
  return out;
}
