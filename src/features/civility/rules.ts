/**
 * Rules and lexicon over folded text (see normalise.ts): slurs and profanity through the
 * `obscenity` matcher, and patterns for abuse aimed at someone (insults, threats, incitement to
 * self-harm, dehumanising comparisons of groups). Each hit carries its range in the folded text.
 */
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { IDENTITY_TERMS } from './features.js';
import { DEHUMANISING_WORDS, GROUP_WORDS_SINGLE, STEREOTYPE_WORDS } from './lexicon.js';
import { findTargetedHits } from './target-rules.js';

export type CivilityLabel = 'abuse' | 'threat' | 'hate' | 'profanity';

export type RuleKind =
  | 'threat'
  | 'selfHarm'
  | 'dehumanising'
  | 'slur'
  | 'directedInsult'
  | 'negatedPraise'
  | 'insult'
  | 'violence'
  | 'derogation'
  | 'negatedGroup'
  | 'exclusion'
  | 'conspiracy'
  | 'misogyny'
  | 'profanity';

export interface RuleHit {
  kind: RuleKind;
  label: CivilityLabel;
  start: number;
  end: number;
  /** Aimed at the reader ("you …"): never a mere mention, unless inside quotation marks. */
  directed: boolean;
  /** Who it is aimed at, when a rule could tell: "a person" or a group's name. */
  target?: string;
  /** The rule in plain words, for explaining a hold. */
  rule?: string;
}

/** What each kind of rule means, for explaining a hold to the writer and the moderator. */
export const RULE_WORDS: Record<RuleKind, string> = {
  threat: 'a threat of violence',
  selfHarm: 'telling someone to harm themselves',
  dehumanising: 'a dehumanising comparison',
  slur: 'a slur',
  directedInsult: 'an insult aimed at the reader',
  negatedPraise: 'a put-down aimed at the reader',
  insult: 'an insult aimed at someone',
  violence: 'violence wished on or promised to someone',
  derogation: 'a negative claim about a group',
  negatedGroup: 'a group denied worth or belonging',
  exclusion: 'telling someone they do not belong here',
  conspiracy: 'a conspiracy trope',
  misogyny: 'a sexist put-down',
  profanity: 'profanity',
};

/** Words for bodies, sex and health: neutral in a health or policy debate, so not flagged alone. */
const NEUTRAL_WORDS = new Set([
  'anal',
  'anus',
  'bestiality',
  'ejaculate',
  'incest',
  'masturbate',
  'orgasm',
  'penis',
  'porn',
  'rape',
  'semen',
  'sex',
  'vagina',
  'boob',
  'negro',
  // reclaimed by many who are called it; an attack with it is still caught by the model and rules
  'dyke',
]);

const SLURS = new Set([
  'abo',
  'abeed',
  'africoon',
  'arabush',
  'boonga',
  'chingchong',
  'chink',
  'fag',
  'kike',
  'nigger',
  'retard',
  'spastic',
  'tranny',
]);

// Slurs are found by lexicon.ts (with their homonyms and spelling tricks), so the profanity list
// leaves them out.
const dataset = englishDataset.removePhrasesIf(
  (p) =>
    NEUTRAL_WORDS.has(p.metadata?.originalWord ?? '') || SLURS.has(p.metadata?.originalWord ?? ''),
);
const matcher = new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers });

/**
 * Half the texts hold no word of the list: one scan of the list's patterns as a single
 * alternation, over the text as the matcher transforms it, says so, and only the other half pay
 * for the matcher's scan per pattern and its whitelist. An alternation matches where any of its
 * patterns does, so the texts it passes over are exactly those the matcher finds nothing in. It
 * reads the matcher's compiled patterns (obscenity 0.4); should their shape change, every text
 * takes the full path.
 */
interface MatcherInternals {
  blacklistedTerms?: { regExp?: unknown }[];
  blacklistMatcherTransformers?: unknown;
  applyTransformers?: (input: string, transformers: unknown) => [number[], string];
}
function anyListedWord(): ((text: string) => boolean) | undefined {
  const m = matcher as unknown as MatcherInternals;
  const terms = m.blacklistedTerms;
  const transform = m.applyTransformers;
  if (!Array.isArray(terms) || typeof transform !== 'function') return undefined;
  const sources: string[] = [];
  for (const term of terms) {
    if (!(term.regExp instanceof RegExp) || term.regExp.flags !== 'gs') return undefined;
    sources.push(`(?:${term.regExp.source})`);
  }
  const any = new RegExp(sources.join('|'), 's');
  return (text) => any.test(transform.call(matcher, text, m.blacklistMatcherTransformers)[1]);
}
const mayHaveListedWord = anyListedWord() ?? (() => true);

/** "stuupid" and "iddiot" still match: every letter may repeat. */
function stretchy(words: string[]): string {
  return words
    .map((w) =>
      w
        .split('')
        .map((ch) =>
          // a vowel may also be starred out ("c*nt")
          'aeiou'.includes(ch)
            ? `[${ch}*]+`
            : /[a-z]/.test(ch)
              ? `${ch}+`
              : ch === ' '
                ? '\\s+'
                : ch,
        )
        .join(''),
    )
    .join('|');
}

const INSULT_WORDS = [
  'idiot',
  'idiots',
  'moron',
  'morons',
  'imbecile',
  'cretin',
  'stupid',
  'dumb',
  'dumbass',
  'loser',
  'scum',
  'scumbag',
  'pathetic',
  'worthless',
  'useless',
  'trash',
  'garbage',
  'clown',
  'fool',
  'retard',
  'retarded',
  'bitch',
  'cunt',
  'asshole',
  'arsehole',
  'dickhead',
  'dick',
  'twat',
  'prick',
  'wanker',
  'bastard',
  'slut',
  'whore',
  'pig',
  'waste of space',
  'waste of oxygen',
  'waste of skin',
  'waste of air',
  'gobshite',
  'pillock',
  'plonker',
  'knobhead',
  'wazzock',
  'nonce',
  'scrote',
  'toerag',
  'piece of shit',
  'piece of crap',
  'freak',
  'creep',
  'halfwit',
  'dimwit',
  'nitwit',
  'numpty',
  'muppet',
  'tosser',
  'bellend',
  'jerk',
  'douche',
  'douchebag',
  'disgrace',
  'ugly',
  'brainless',
  'clueless',
  'hypocrite',
  'liar',
];
const INSULTS = stretchy(INSULT_WORDS);

const MODIFIERS =
  '(?:brain-dead|braindead|disgusting|filthy|vile|f+[uv]+c+k+i+n+g?|such|a|an|the|so|just|really|truly|total|complete|absolute|utter|fucking|fuckin|effing|bloody|little|big|massive|fat|ugly|stupid|dumb|pathetic|worthless|sad|lying|useless|old)';
const YOU_ARE = "(?:you|u|ya)(?:'re|re| are| r|'r)?|ur|youre";

/** Every insult pattern needs one of these words. */
const INSULT_GATE = new RegExp(
  `\\b(?:${INSULTS})|f+u+c+k|screw\\s+(?:you|u)|suck\\s+my|stfu|excuse\\s+for`,
);
const DIRECTED_INSULT = new RegExp(
  `\\b(?:${YOU_ARE})\\s+(?:${MODIFIERS}\\s+)*(?:${INSULTS})\\b` +
    `|\\b(?:are|r)\\s+(?:you|u)\\s+(?:${MODIFIERS}\\s+)*(?:${INSULTS})\\b` +
    `|\\b(?:${INSULTS})\\s+like\\s+(?:you|u)\\b` +
    `|\\bshut\\s+(?:up|it)\\W+(?:you\\s+)?(?:${MODIFIERS}\\s+)*(?:${INSULTS})\\b` +
    `|\\bf+u+c+k+(?:ing)?\\s+(?:you|u|ya|off|yourself|urself)\\b` +
    `|\\bscrew\\s+(?:you|u)\\b|\\bsuck\\s+my\\b|\\bstfu\\b`,
  'g',
);

const THIRD_PARTY_INSULT = new RegExp(
  `\\b(?:he|she|they|this guy|that guy|this woman|that woman|this man|that man)(?:'s|'re| is| are)\\s+(?:${MODIFIERS}\\s+)*(?:${INSULTS})\\b` +
    // "what a pathetic excuse for a strategy" is about a thing
    `|\\bwhat\\s+(?:an?\\s+)?(?:${MODIFIERS}\\s+)*(?:${INSULTS})\\b(?!\\s+excuse\\s+for\\s+an?\\s+(?!human|person|man|woman)[a-z])`,
  'g',
);

/** Insults of a named office-holder; the milder words of political argument ("liar") are left out. */
const STRONG_INSULTS = stretchy(
  INSULT_WORDS.filter(
    (w) => !/liar|hypocrite|disgrace|useless|clueless|fool|clown|pathetic|ugly/.test(w),
  ),
);
const OFFICE = /\b(?:mp|councillor|cllr|minister|candidate|mayor|leader|excuse)\b/;
/** After a person's name, read from the end of the name: "… is a brain-dead cretin". */
const NAME_INSULT = new RegExp(
  `\\s+(?:is|was)\\s+(?:${MODIFIERS}\\s+)*(?!(?:trash|garbage|rubbish|stupid|dumb)\\b)(?:${STRONG_INSULTS})\\b(?!['-])(?!\\s+(?:farmers?|farm|keepers?|breeders?|lovers?|of)\\b)`,
  'y',
);
const PERSON_INSULT = new RegExp(
  `\\b(?:mp|(?:mp|member|councillor)\\s+for\\s+[a-z]+(?:\\s+(?!is\\b|was\\b)[a-z]+)?|(?:councillor|cllr)\\s+[a-z]+(?:\\s+[a-z]+)?|minister|candidate|mayor|councillor|leader)\\s+(?:is|was)\\s+(?:${MODIFIERS}\\s+)*(?:${STRONG_INSULTS})\\b` +
    `|\\bexcuse\\s+for\\s+a\\s+human(?:\\s+being)?\\b`,
  'g',
);

/** Every NEGATED_PRAISE match has one of these between spaces. */
const NEGATED_PRAISE_GATE = /\s(?:not|no|never|hardly|far\s+from)\s/;
const NEGATED_PRAISE = new RegExp(
  `\\b(?:${YOU_ARE})\\s+(?:not|no|never|hardly|far from)\\s+(?:(?:a|an|the|very|even|remotely|exactly|that|particularly|at all)\\s+)*` +
    '(?:smart|clever|intelligent|bright|genius|wise|good|decent|nice|competent|sane|human|worth|talented|capable|real\\s+\\w+|sharpest)\\b',
  'g',
);

/**
 * A word every SELF_HARM match contains, one per alternative: most texts have none, and skip the
 * pattern.
 */
const SELF_HARM_GATE =
  /yourself|yourselves|urself|your\s*self|\bkys\b|\s+in\s+a\s+(?:fire|hole|ditch)|bleach|hope|nobody|world/;
const SELF_HARM = new RegExp(
  '\\b(?:go\\s+)?(?:kill?|hang|shoot|off)\\s+(?:yourself|yourselves|urself|your\\s*self)\\b|\\bkys\\b' +
    '|\\b(?:go\\s+)?(?:die|burn)\\s+in\\s+a\\s+(?:fire|hole|ditch)\\b|\\bdrink\\s+bleach\\b' +
    '|\\b(?:i\\s+)?hope\\s+(?:you|u)\\s+(?:die|get\\s+cancer|get\\s+raped|rot|suffer|choke)\\b' +
    '|\\bnobody\\s+would\\s+miss\\s+you\\b|\\bthe\\s+world\\s+would\\s+be\\s+better\\s+without\\s+you\\b',
  'g',
);

const THREAT = new RegExp(
  "\\bi(?:'ll|ll| will| shall|'m going to| am going to|'m gonna| am gonna| gonna| wanna| want to)\\s+(?:\\w+\\s+)?" +
    '(?:kill|hurt|shoot|stab|beat|murder|rape|burn|strangle|punch|smash|slap|gut|hunt|end|bury|get)\\s+(?:you|u|ya|your|yo|him|her|them|every\\s+one\\s+of\\s+you)\\b' +
    // "I'll find you" threatens; "I'll find you a seat" does not
    "|\\bi(?:'ll|ll| will|'m going to| am going to|'m gonna| am gonna| gonna)\\s+find\\s+(?:you|u|ya)\\b(?!\\s+(?:a|an|some|the|one|another|two|more)\\b)" +
    "|\\b(?:you|u)(?:'ll| will|'re going to| are going to|'re gonna| are gonna)\\s+(?:die|pay|regret|be\\s+dead|be\\s+sorry|get\\s+what'?s\\s+coming)\\b" +
    "|\\b(?:you|u)(?:'re| are)\\s+(?:dead|a\\s+dead\\s+(?:man|woman))\\b|\\b(?:you|u)(?:'ll| will|'re going to|'re gonna)\\s+get\\s+yours\\b|\\b(?:i|we)\\s+know\\s+where\\s+(?:you|u|your\\s+\\w+)\\s+(?:live|lives|go|sleep|work)\\b|\\bwatch\\s+your\\s+back\\b" +
    '|\\b(?:should|deserves?\\s+to|ought\\s+to|needs?\\s+to)\\s+(?:be\\s+)?(?:shot|hanged|hung|killed|executed|lynched|murdered|die|burn)\\b' +
    '|\\b(?:someone|somebody)\\s+(?:should|needs?\\s+to|ought\\s+to)\\s+(?:kill|shoot|stab|hurt)\\s+(?:you|him|her|them)\\b' +
    // wishing violence on someone: "I hope someone kills you", "hope you get shot"
    '|\\bhope\\s+(?:someone|somebody|they|he|she|it)\\s+(?:kills?|shoots?|stabs?|hurts?|murders?|rapes?|beats?|runs?\\s+over)\\s+(?:you|u|ya|him|her|them)\\b' +
    '|\\bhope\\s+(?:you|u|he|she|they)\\s+(?:get|gets)\\s+(?:killed|shot|stabbed|murdered|beaten|raped|run\\s+over|hurt)\\b',
  'g',
);

const GROUP_WORDS = [
  ...IDENTITY_TERMS,
  'people',
  'travellers',
  'gypsies',
  'roma',
  'foreigners',
  'liberals',
  'conservatives',
  'tories',
  'leftists',
]
  .filter((w) => w.length > 2)
  .join('|');
// "these councillors", "all those landlords": any plural noun pointed at is a group too.
const GROUP = `(?:they|them|(?:all\\s+)?(?:these|those)\\s+(?:[a-z]+\\s+)?[a-z]+s|(?:all\\s+)?(?:the\\s+)?(?:${GROUP_WORDS}))`;
const VERMIN =
  '(?:animals|vermin|rats|parasites|maggots|worms|locusts|hyenas|snakes|reptiles|rodents|germs|lice|termites|sewage|excrement|cockroaches|roaches|insects|subhuman|sub-human|savages|filth|scum|pests|leeches|monkeys|apes|dogs|pigs|trash|garbage|diseased|a\\s+disease|a\\s+plague|a\\s+cancer|a\\s+virus|cancer|disease|plague|an\\s+infestation|not\\s+human)';
// Every DEHUMANISING match starts one of its words at a word's start ("police" holds no "lice").
const DEHUMANISING_GATE = new RegExp(
  `\\b${VERMIN}|exterminat|wipe|eradicat|\\bgas|purge|cull|sterili[sz]`,
);
const DEHUMANISING = new RegExp(
  `\\b${GROUP}\\s+(?:are|r|is)\\s+(?:(?:just|nothing\\s+but|all|like|literally|no\\s+better\\s+than|worse\\s+than|basically|simply)\\s+)*${VERMIN}\\b` +
    `|\\b${GROUP}\\s+(?:should|must|need\\s+to)\\s+be\\s+(?:exterminated|wiped\\s+out|eradicated|gassed|purged|eliminated|culled|sterilised|sterilized)\\b` +
    // "… are vermin and should be wiped out": the call, after the group was named
    `|\\b(?:and\\s+)?(?:should|must|need\\s+to|deserve\\s+to)\\s+(?:all\\s+)?be\\s+(?:exterminated|wiped\\s+out|eradicated|gassed|culled|sterilised|sterilized)\\b` +
    `|\\b(?:exterminate|eradicate|wipe\\s+out|gas|purge|cull)\\s+(?:all\\s+)?(?:the\\s+)?(?:${GROUP_WORDS})\\b`,
  'g',
);

function namedInsults(folded: string, names: [number, number][]): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const [start, end] of names) {
    NAME_INSULT.lastIndex = end;
    const m = NAME_INSULT.exec(folded);
    if (m)
      hits.push({ kind: 'insult', label: 'abuse', start, end: end + m[0].length, directed: false });
  }
  return hits;
}

/**
 * Words glued together to slip past word lists ("immigrantsarevermin", "gasthejews"): a long
 * token that splits wholly into known words, one naming a group and one of violence, hatred,
 * vermin or a stereotype, says what the spaced words would. Ordinary long words ("therapist")
 * name no group, so they never split this way.
 */
const GLUE_VIOLENCE = new Set([
  'kill',
  'gas',
  'burn',
  'shoot',
  'hang',
  'deport',
  'nuke',
  'bomb',
  'exterminate',
  'stab',
  'lynch',
]);
const GLUE_HATE = new Set(['hate', 'despise', 'ban', 'out']);
const GLUE_CLAIM = new Set([
  ...DEHUMANISING_WORDS.split('|'),
  ...STEREOTYPE_WORDS.split('|'),
  ...INSULT_WORDS.filter((w) => !w.includes(' ')),
  'disgusting',
  'evil',
  'filth',
  'subhuman',
]);
const GLUE_FILLER = new Set([
  'i',
  'we',
  'all',
  'the',
  'are',
  'r',
  'is',
  'must',
  'should',
  'die',
  'be',
  'fucking',
  'dirty',
  'them',
  'these',
  'those',
]);
const GLUE_MAX = 14;
/** Every word a glued token may split into, in one set: one lookup a piece. */
const GLUE_WORDS = new Set([
  ...GROUP_WORDS_SINGLE,
  ...GLUE_VIOLENCE,
  ...GLUE_HATE,
  ...GLUE_CLAIM,
  ...GLUE_FILLER,
]);
const glueWord = (w: string) => GLUE_WORDS.has(w);
/** The token's split into known words, or undefined. */
function splitGlued(token: string): string[] | undefined {
  const back: number[] = new Array<number>(token.length + 1).fill(-1);
  back[0] = 0;
  for (let i = 0; i < token.length; i++) {
    if (back[i] === -1) continue;
    for (let len = 1; len <= GLUE_MAX && i + len <= token.length; len++)
      if (back[i + len] === -1 && glueWord(token.slice(i, i + len))) back[i + len] = i;
  }
  if (back[token.length] === -1) return undefined;
  const words: string[] = [];
  for (let end = token.length; end > 0; end = back[end]!)
    words.unshift(token.slice(back[end], end));
  return words;
}
const LONG_TOKEN = /[a-z]{9,}/g;
function gluedHits(folded: string): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const m of folded.matchAll(LONG_TOKEN)) {
    const token = m[0];
    const words = splitGlued(token);
    if (!words || words.length < 3 || !words.some((w) => GROUP_WORDS_SINGLE.has(w))) continue;
    const at = { start: m.index, end: m.index + token.length, directed: false };
    if (words.some((w) => GLUE_VIOLENCE.has(w)))
      hits.push({ kind: 'violence', label: 'threat', ...at });
    else if (words.some((w) => GLUE_CLAIM.has(w) || GLUE_HATE.has(w)))
      hits.push({ kind: 'derogation', label: 'hate', ...at });
  }
  return hits;
}

function collect(
  text: string,
  pattern: RegExp,
  kind: RuleKind,
  label: CivilityLabel,
  directed: boolean,
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const m of text.matchAll(pattern))
    hits.push({ kind, label, start: m.index, end: m.index + m[0].length, directed });
  return hits;
}

/** Widens a lexicon match ("ass" in "asshole") to the whole word it sits in. */
function wholeWord(text: string, start: number, end: number): [number, number] {
  const wordChar = /[a-z0-9'*]/;
  while (start > 0 && wordChar.test(text[start - 1]!)) start--;
  while (end < text.length && wordChar.test(text[end]!)) end++;
  return [start, end];
}

function lexicon(text: string): RuleHit[] {
  const hits: RuleHit[] = [];
  if (!mayHaveListedWord(text)) return hits;
  for (const match of matcher.getAllMatches(text, true)) {
    const [start, end] = wholeWord(text, match.startIndex, match.endIndex + 1);
    hits.push({ kind: 'profanity', label: 'profanity', start, end, directed: false });
  }
  return hits;
}

/** A female dog: "bitch" among dogs, puppies and kennels is no insult. */
const DOG_CONTEXT =
  /\b(?:pupp(?:y|ies)|pups?|dogs?|litters?|whelp\w*|kennels?|breeders?|rspca|spaniels?|labradors?|terriers?|greyhounds?|lurchers?|collies|collie|bitch\s+and\s+her)\b/;
const FEMALE_DOG = /\bbitch(?:es)?\b/g;
function femaleDogs(folded: string): [number, number][] {
  const out: [number, number][] = [];
  if (!folded.includes('bitch') || !DOG_CONTEXT.test(folded)) return out;
  for (const m of folded.matchAll(FEMALE_DOG)) {
    // "you bitch" is aimed at the reader whatever else the text says
    if (
      /\b(?:you|ya|u|ur|stupid|dumb|silly)\s+$/.test(
        folded.slice(Math.max(0, m.index - 12), m.index),
      )
    )
      continue;
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

/**
 * `innocent` collects slur homonyms used in their other sense ("faggots and peas"); `names` are
 * where the original text names a person ("Pete Sandhu"), which folded text cannot tell.
 */
export function findHits(
  folded: string,
  innocent?: [number, number][],
  names: [number, number][] = [],
): RuleHit[] {
  // Cheap scans first: the insult and dehumanising patterns only run on text that has the words.
  const insulting = INSULT_GATE.test(folded);
  const threats = collect(folded, THREAT, 'threat', 'threat', true);
  // A threat the explicit rule already marks needs no second, vaguer mark.
  const targeted = findTargetedHits(folded, innocent, names).filter(
    (h) => h.kind !== 'violence' || !threats.some((t) => t.start < h.end && h.start < t.end),
  );
  const dogs = femaleDogs(folded);
  if (dogs.length > 0) innocent?.push(...dogs);
  const hits: RuleHit[] = [
    ...lexicon(folded),
    ...gluedHits(folded),
    ...targeted,
    ...threats.map((h) => ({
      ...h,
      // "… should be shot" reported after "he said that" is a mention; "I will hurt you" never is.
      directed: /\b(?:you|u|ya|your|yourself)\b/.test(folded.slice(h.start, h.end)),
    })),
    ...(insulting && OFFICE.test(folded)
      ? collect(folded, PERSON_INSULT, 'insult', 'abuse', false)
      : []),
    ...(insulting ? namedInsults(folded, names) : []),
    ...(SELF_HARM_GATE.test(folded) ? collect(folded, SELF_HARM, 'selfHarm', 'threat', true) : []),
    ...(DEHUMANISING_GATE.test(folded)
      ? collect(folded, DEHUMANISING, 'dehumanising', 'hate', false)
      : []),
    ...(insulting ? collect(folded, DIRECTED_INSULT, 'directedInsult', 'abuse', true) : []),
    ...(NEGATED_PRAISE_GATE.test(folded)
      ? collect(folded, NEGATED_PRAISE, 'negatedPraise', 'abuse', true)
      : []),
    ...(insulting ? collect(folded, THIRD_PARTY_INSULT, 'insult', 'abuse', false) : []),
  ];
  return dogs.length === 0
    ? hits
    : hits.filter((h) => !dogs.some(([s, e]) => h.start < e && s < h.end));
}

/**
 * Counter-speech and reported abuse: "calling someone a … is never ok", "he called her a '…' and
 * that's disgusting". Words quoted or reported in a text that also condemns them are mentions,
 * not uses; this returns those mention ranges (empty when the text condemns nothing).
 */
const CONDEMNATION = new RegExp(
  "\\b(?:is|are|was|were|it's|that's|its|thats)\\s+(?:never|not|n't)\\s+(?:ok|okay|acceptable|fine|alright|cool|right|funny|banter)\\b" +
    "|\\b(?:isn't|aren't|wasn't|is\\s+not|are\\s+not)\\s+(?:ok|okay|acceptable|fine|alright|cool|funny|banter)\\b" +
    '|\\b(?:disgusting|unacceptable|shameful|appalling|abhorrent|vile|hateful|racist|sexist|homophobic|transphobic|misogynistic|misogynist|bigoted|bigotry|dehumanising|dehumanizing|wrong|out\\s+of\\s+line|no\\s+place|condemn|condemns|condemned|reported|harassment|hurtful|cruel)\\b' +
    '|\\b(?:police|arrested|investigat\\w+|reported\\s+it|passed\\s+to\\s+the\\s+police|ashamed|a\\s+lie|reject|the\\s+problem|disgrace\\w*|says\\s+more\\s+about\\s+you|stand\\s+by|antisemitic|islamophobic|full\\s+stop|slurs?|abuse\\s+(?:of|aimed\\s+at|against))\\b' +
    // News and court reports: "the court heard", "he was convicted for posting…".
    '|\\b(?:court|tribunal|inquest|inquiry|convicted|charged|jailed|sentenced|prosecuted|prosecution|witness(?:es)?|survey|study|logged|inbox)\\b' +
    "|\\b(?:no\\s+one|nobody|no\\s+[a-z]+)\\s+(?:should|deserves?)\\b|\\bhate\\s+(?:speech|crimes?)\\b|\\b(?:withdr[ae]wn?|retracted|apologi[sz]ed|propaganda)\\b|\\b(?:don't|do\\s+not|never|shouldn't|should\\s+not|stop)\\s+(?:call(?:ing)?|say(?:ing)?|us(?:e|ing))\\b" +
    // Rejection without a word of condemnation: "we will not tolerate", "imagine thinking…",
    // "it is not free speech", "here are the facts"; and news of abuse received ("she had been
    // sent messages calling her…", "told the BBC", "officers are looking into").
    "|\\b(?:will\\s+not|won't|do\\s+not|don't|not|never)\\s+(?:tolerate|stand\\s+for|put\\s+up\\s+with)\\b|\\bnot\\s+(?:something|what|anything)\\s+(?:we|i|you)\\s+(?:will\\s+|would\\s+|should\\s+)?(?:tolerate|accept|stand\\s+for)\\b|\\bimagine\\s+(?:thinking|believing|saying|posting|writing)\\b|\\bnot\\s+(?:free\\s+speech|an\\s+opinion|a\\s+joke|just\\s+banter|true)\\b|\\b(?:untrue|myths?|debunk\\w*)\\b|\\bthe\\s+(?:facts|data|evidence|figures|statistics|numbers)\\b|\\bsay\\s+otherwise\\b" +
    // A word discussed as a word ("the word … has a horrible history"), graffiti and messages
    // described as an incident ("“…” was painted on the shop"), and what followed ("suspended").
    '|\\bthe\\s+(?:word|term|slur)\\s+[^a-z\\s]?[a-z*]+[^a-z\\s]?\\s+(?:is|has|was|comes|means|should|itself)\\b|\\b(?:was|were|been)\\s+(?:painted|sprayed|daubed|scrawled|graffitied|shouted|yelled|put\\s+through)\\b|\\b(?:suspended|expelled|sacked|banned|deleted|taken\\s+down|disciplin\\w*)\\b' +
    "|\\b(?:had|has|have|'ve|'d)\\s+been\\s+(?:sent|called|told)\\b|\\b(?:was|were|got|get|gets|getting)\\s+called\\b|\\b(?:we|they|mods?|moderators?)\\s+(?:have\\s+)?removed\\b|\\btold\\s+(?:the\\s+)?(?:bbc|press|reporters|paper|echo|committee|hearing|police)\\b|\\blooking\\s+into\\b|\\bthe\\s+(?:report|article|study|investigation)\\s+(?:quotes|cites)\\b|\\bis\\s+not\\s+for\\s+you\\b|\\bread\\s+out\\s+(?:a|the|some)\\s+(?:messages?|abuse|emails?|letters?|tweets?|posts?)\\b|\\b(?:it|this|that|abuse|hate|racism|sexism)\\s+(?:has|needs?|must)\\s+(?:got\\s+)?to\\s+stop\\b|\\bmust\\s+stop\\b" +
    // A quotation attributed to someone: "“…” says the man whose…".
    '|["”]\\s*,?\\s*(?:says|said|writes|wrote|tweets|tweeted|posts|posted|claims|claimed)\\b',
);
const REPORTING =
  /\b(?:keep\s+hearing(?:\s+that)?|(?:sick|tired)\s+of\s+(?:hearing|reading)\s+that|imagine\s+(?:thinking|believing|saying|posting|writing)(?:\s+that)?|quoted|threaten(?:ed|ing|s)?(?:\s+to)?|wish(?:es|ed|ing)?\s+(?:violence|death|harm|cancer)|claim(?:ed|ing|s)?(?:\s+that)?|the\s+claim\s+that|sprayed|spray-painted|painted|daubed|scrawled|comment(?:ed|s)?|leaflets?\s+claimed|message\s+saying|emails?\s+saying|letter\s+told|if\s+you\s+think|talk\s+of|who\s+call|call(?:ed|ing|s)?|heard(?:\s+(?:that|the\s+words?))?|read\s+out|received|found\s+that|say(?:ing|s)?|said|shout(?:ed|ing|s)?|yell(?:ed|ing|s)?|scream(?:ed|ing)?|wrote|writ(?:ing|es)|tweet(?:ed|ing)?|post(?:ed|ing)|us(?:e|ed|es|ing)\s+the\s+words?|the\s+words?|slurs?\s+(?:like|such\s+as)|the\s+(?:lie|myth|idea|notion)\s+that|compar(?:e|ed|es|ing)|describ(?:e|ed|es|ing)|liken(?:ed|ing|s)?|label(?:l?ed|l?ing|s)?|brand(?:ed|ing|s)|names?\s+like|tell(?:ing|s)?|told(?:\s+(?:me|him|her|them|us))?(?:\s+to)?)\b/g;
const QUOTED = /"[^"\n]{1,300}"|“[^”\n]{1,300}”|(?<![a-z0-9])'[^'\n]{1,300}'(?![a-z0-9])/g;

export interface MentionZones {
  /** quotation-mark ranges */
  quoted: [number, number][];
  /** from a reporting verb ("called", "saying") to the end of its sentence */
  reported: [number, number][];
}

export function mentionZones(folded: string): MentionZones | null {
  if (!CONDEMNATION.test(folded)) return null;
  const quoted: [number, number][] = [];
  for (const m of folded.matchAll(QUOTED)) quoted.push([m.index, m.index + m[0].length]);
  const reported: [number, number][] = [];
  for (const m of folded.matchAll(REPORTING)) {
    const from = m.index + m[0].length;
    const rest = folded.slice(from);
    const stop = rest.search(/[.!?\n]/);
    reported.push([from, stop < 0 ? folded.length : from + stop]);
  }
  if (quoted.length === 0 && reported.length === 0) return null;
  return { quoted, reported };
}

/** Every mention range, directed or not, for blanking before the model scores a text. */
export function allZones(zones: MentionZones): [number, number][] {
  return [...zones.quoted, ...zones.reported];
}

export function isMention(hit: RuleHit, zones: MentionZones): boolean {
  const inside = ([s, e]: [number, number]) => hit.start >= s && hit.end <= e;
  if (zones.quoted.some(inside)) return true;
  // Words aimed at "you" are a mention only right after the reporting verb ("told to kill yourself").
  const reportedRightBefore = ([s, e]: [number, number]) => inside([s, e]) && hit.start - s <= 2;
  return zones.reported.some(hit.directed ? reportedRightBefore : inside);
}
