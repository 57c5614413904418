/**
 * Turns folded text into hashed sparse features for the civility model: word unigrams and
 * bigrams plus character n-grams (3–5 unless the model file says otherwise), each hashed (FNV-1a) into 2^bits signed buckets. Training
 * and inference share this file, so a model only works with the extraction it was trained with
 * (FEATURE_VERSION is stored in the model file and checked on load).
 */
export const FEATURE_VERSION = 4;

/**
 * Identity words are dropped before the model sees them: the training sets use them mostly in
 * abuse, so a model would learn that "gay" or "muslim" is itself offensive. (Replacing them all
 * with one group token was tried: held-out ROC-AUC rose by about 0.02, but the token itself took
 * on weight and "Muslims deserve equal rights" was held.) What is said of a group is the job of
 * the target-aware rules (target-rules.ts).
 */
export const IDENTITY_TERMS = new Set(
  (
    'gay gays lesbian lesbians bisexual bi trans transgender queer queers lgbt lgbtq lgbtqia homosexual homosexuals ' +
    'black blacks white whites asian asians latino latina latinos latinas hispanic hispanics african africans ' +
    'arab arabs jew jews jewish muslim muslims islam islamic christian christians catholic catholics hindu hindus ' +
    'sikh sikhs buddhist buddhists atheist atheists immigrant immigrants refugee refugees migrant migrants ' +
    'mexican mexicans chinese indian indians women woman men man girl girls boy boys female females male males ' +
    'disabled deaf blind autistic feminist feminists travellers traveller gypsies gypsy roma poles polish ' +
    'romanians romanian pakistanis pakistani nigerians nigerian somalis somali irish bangladeshi bangladeshis ' +
    'asylum foreigners foreigner africans europeans eastern bisexuals nonbinary lgbtq+ sikhism hinduism judaism ' +
    'christianity mosque mosques synagogue synagogues chinese japanese koreans korean indians turks turkish ' +
    'kurds kurdish albanians albanian ukrainians ukrainian latinx blackpeople mexican native natives'
  ).split(' '),
);

/** Tokens that carry no meaning here: masked user names and links, retweet markers, HTML entities. */
function isNoise(token: string): boolean {
  return (
    token === 'rt' ||
    token === 'url' ||
    token === 'amp' ||
    token.startsWith('http') ||
    token.startsWith('www')
  );
}

export function modelTokens(folded: string): string[] {
  const tokens: string[] = [];
  // Mentions ("@user", "@someone") are names, not words.
  const withoutMentions = folded.replace(/@\w+/g, ' ');
  for (const raw of withoutMentions.split(/[^a-z0-9']+/)) {
    const token = raw.replace(/'/g, '');
    if (!token || isNoise(token)) continue;
    if (!IDENTITY_TERMS.has(token)) tokens.push(token);
  }
  return tokens;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv(text: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** A final mix so that low bits (the bucket) and the top bit (the sign) are independent. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface SparseFeatures {
  /** bucket index per feature occurrence; a negative index means the feature counts −1 */
  index: Int32Array;
  /** every occurrence weighs the same: 1/√count, so vectors have unit length before collisions */
  value: number;
  /**
   * With each block normalised on its own: the first `words` codes are word features weighing
   * `value`, the rest character n-grams weighing `charValue`.
   */
  words?: number;
  charValue?: number;
}

const WORD_SEED = 1;
const BIGRAM_SEED = 2;
const CHAR_SEED = 3;

/** Encodes bucket and sign in one int: sign bit set → −1. */
function encode(h: number, mask: number): number {
  const bucket = h & mask;
  return h & 0x80000000 ? -bucket - 1 : bucket;
}

/** The shortest and longest character n-grams (a model file can say otherwise). */
export const CHAR_GRAMS: readonly [number, number] = [3, 5];

export function extractFeatures(
  folded: string,
  bits: number,
  chars: readonly [number, number] = CHAR_GRAMS,
  blockNorm = false,
): SparseFeatures {
  const out: number[] = [];
  let words = 0;
  visitFeatures(
    folded,
    bits,
    (code, char) => {
      out.push(code);
      if (!char) words++;
    },
    chars,
  );
  if (!blockNorm) return { index: Int32Array.from(out), value: featureValue(out.length) };
  return {
    index: Int32Array.from(out),
    value: featureValue(words),
    words,
    charValue: featureValue(out.length - words),
  };
}

/** The weight of each of `count` feature occurrences. */
export function featureValue(count: number): number {
  return 1 / Math.sqrt(Math.max(1, count));
}

/**
 * Calls `visit` with each feature's code, in the order extractFeatures lists them, and returns
 * how many there were: the model sums its weights as they come, with no array in between.
 */
export function visitFeatures(
  folded: string,
  bits: number,
  visit: (code: number, char: boolean) => void,
  chars: readonly [number, number] = CHAR_GRAMS,
): number {
  const [shortest, longest] = chars;
  const mask = (1 << bits) - 1;
  const tokens = modelTokens(folded);
  let count = 0;
  let prev = fnv('^', WORD_SEED);
  for (const token of tokens) {
    const h = fnv(token, WORD_SEED);
    visit(encode(mix(h), mask), false);
    visit(encode(mix(Math.imul(prev, 31) ^ h ^ BIGRAM_SEED), mask), false);
    count += 2;
    prev = h;
  }
  visit(encode(mix(Math.imul(prev, 31) ^ fnv('$', WORD_SEED) ^ BIGRAM_SEED), mask), false);
  count++;
  const line = ` ${tokens.join(' ')} `;
  for (let start = 0; start + shortest <= line.length; start++) {
    let h = (FNV_OFFSET ^ CHAR_SEED) >>> 0;
    for (let k = 0; k < longest && start + k < line.length; k++) {
      h = Math.imul(h ^ line.charCodeAt(start + k), FNV_PRIME);
      if (k >= shortest - 1) {
        visit(encode(mix(h ^ k), mask), true);
        count++;
      }
    }
  }
  return count;
}

/** Token positions in the folded text, for pointing at the words the model weighs most. */
export function tokenPositions(folded: string): { token: string; start: number; end: number }[] {
  const out: { token: string; start: number; end: number }[] = [];
  for (const m of folded.matchAll(/[a-z0-9']+/g)) {
    const token = m[0].replace(/'/g, '');
    if (!token || isNoise(token) || IDENTITY_TERMS.has(token)) continue;
    if (m.index > 0 && folded[m.index - 1] === '@') continue;
    out.push({ token, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** The bucket of a single word's unigram feature, for explaining a score. */
export function wordFeature(token: string, bits: number): number {
  return encode(mix(fnv(token, WORD_SEED)), (1 << bits) - 1);
}
