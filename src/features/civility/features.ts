/**
 * Turns folded text into hashed sparse features for the civility model: word unigrams and
 * bigrams plus character 3–5-grams, each hashed (FNV-1a) into 2^bits signed buckets. Training
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
}

const WORD_SEED = 1;
const BIGRAM_SEED = 2;
const CHAR_SEED = 3;

/** Encodes bucket and sign in one int: sign bit set → −1. */
function encode(h: number, mask: number): number {
  const bucket = h & mask;
  return h & 0x80000000 ? -bucket - 1 : bucket;
}

export function extractFeatures(folded: string, bits: number): SparseFeatures {
  const out: number[] = [];
  visitFeatures(folded, bits, (code) => out.push(code));
  return { index: Int32Array.from(out), value: featureValue(out.length) };
}

/** The weight of each of `count` feature occurrences. */
export function featureValue(count: number): number {
  return 1 / Math.sqrt(Math.max(1, count));
}

/**
 * Calls `visit` with each feature's code, in the order extractFeatures lists them, and returns
 * how many there were: the model sums its weights as they come, with no array in between.
 */
export function visitFeatures(folded: string, bits: number, visit: (code: number) => void): number {
  const mask = (1 << bits) - 1;
  const tokens = modelTokens(folded);
  let count = 0;
  let prev = fnv('^', WORD_SEED);
  for (const token of tokens) {
    const h = fnv(token, WORD_SEED);
    visit(encode(mix(h), mask));
    visit(encode(mix(Math.imul(prev, 31) ^ h ^ BIGRAM_SEED), mask));
    count += 2;
    prev = h;
  }
  visit(encode(mix(Math.imul(prev, 31) ^ fnv('$', WORD_SEED) ^ BIGRAM_SEED), mask));
  count++;
  const line = ` ${tokens.join(' ')} `;
  for (let start = 0; start + 3 <= line.length; start++) {
    let h = (FNV_OFFSET ^ CHAR_SEED) >>> 0;
    for (let k = 0; k < 5 && start + k < line.length; k++) {
      h = Math.imul(h ^ line.charCodeAt(start + k), FNV_PRIME);
      if (k >= 2) {
        visit(encode(mix(h ^ k), mask));
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
