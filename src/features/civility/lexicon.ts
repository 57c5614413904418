/**
 * Who a text can be aimed at, and the words that aim at them: identity groups (with the name a
 * moderator is shown), references to a person, and slurs with the group each one attacks. All
 * entries are folded text (normalise.ts). Content warning: slurs, on purpose.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Word lists widened from word vectors at training time (expand-lexicon.ts). */
const EXPANDED = JSON.parse(
  readFileSync(fileURLToPath(new URL('./model/lexicon.json', import.meta.url)), 'utf8'),
) as { dehumanising: string[]; stereotype: string[] };
/**
 * Single seeds' nearest neighbours in the same vectors that the centre of all seeds missed,
 * each read by hand for other senses ("lepers" left out: "treated like lepers" defends).
 */
const DEHUMANISING_BY_HAND = [
  'cockroach',
  'swarms',
  'swarming',
  'plagues',
  'parasitic',
  'pestilence',
  'excrement',
  'hyenas',
];
export const DEHUMANISING_WORDS = [...EXPANDED.dehumanising, ...DEHUMANISING_BY_HAND].join('|');
export const STEREOTYPE_WORDS = EXPANDED.stereotype.join('|');

/** Group display name → the words people write for its members. */
const GROUPS: Record<string, string[]> = {
  Muslims: ['muslim', 'muslims', 'moslems', 'islam', 'islamic', 'islamists'],
  Jews: ['jew', 'jews', 'jewish people', 'jewish', 'zionists'],
  'Black people': ['black people', 'blacks', 'black men', 'black women', 'black britons'],
  immigrants: ['immigrants', 'immigrant', 'migrants', 'migrant', 'illegals'],
  refugees: ['refugees', 'refugee'],
  'asylum seekers': ['asylum seekers', 'asylum seeker'],
  'trans people': [
    'trans people',
    'trans women',
    'trans men',
    'transgender people',
    'transgenders',
  ],
  'gay people': ['gay people', 'gay men', 'gays', 'homosexuals', 'lgbt people'],
  lesbians: ['lesbians'],
  'bisexual people': ['bisexual people', 'bisexuals'],
  'disabled people': [
    'disabled people',
    'the disabled',
    'cripples',
    'autistic people',
    'deaf people',
    'blind people',
    'wheelchair users',
  ],
  'Gypsies and Travellers': ['travellers', 'gypsies', 'roma', 'gypsy people'],
  Sikhs: ['sikhs'],
  Hindus: ['hindus'],
  'Eastern Europeans': [
    'poles',
    'polish people',
    'romanians',
    'eastern europeans',
    'albanians',
    'bulgarians',
    'lithuanians',
    'latvians',
    'slovaks',
    'czechs',
    'hungarians',
    'ukrainians',
  ],
  'South Asians': ['pakistanis', 'indians', 'bangladeshis', 'asians', 'asian people'],
  Africans: ['nigerians', 'somalis', 'africans', 'ghanaians', 'eritreans', 'sudanese'],
  'Chinese people': ['chinese people', 'the chinese'],
  women: ['women', 'females'],
  Catholics: ['catholics'],
  Christians: ['christians'],
  'Irish people': ['irish people', 'the irish'],
  Arabs: ['arabs'],
  'Middle Eastern and Central Asian people': [
    'afghans',
    'kurds',
    'syrians',
    'iraqis',
    'iranians',
    'turks',
    'yemenis',
  ],
  'Caribbean people': ['jamaicans', 'caribbeans', 'west indians'],
  foreigners: ['foreigners', 'foreign nationals'],
};

/** Adjective → group, for "Polish builders", "gay teachers", "a Pakistani". */
const ADJECTIVES: Record<string, string> = {
  black: 'Black people',
  muslim: 'Muslims',
  jewish: 'Jews',
  gay: 'gay people',
  lesbian: 'lesbians',
  trans: 'trans people',
  transgender: 'trans people',
  bisexual: 'bisexual people',
  polish: 'Eastern Europeans',
  romanian: 'Eastern Europeans',
  albanian: 'Eastern Europeans',
  pakistani: 'South Asians',
  indian: 'South Asians',
  bangladeshi: 'South Asians',
  asian: 'South Asians',
  nigerian: 'Africans',
  somali: 'Africans',
  african: 'Africans',
  chinese: 'Chinese people',
  irish: 'Irish people',
  disabled: 'disabled people',
  female: 'women',
  sikh: 'Sikhs',
  hindu: 'Hindus',
  catholic: 'Catholics',
  arab: 'Arabs',
  immigrant: 'immigrants',
  migrant: 'immigrants',
  refugee: 'refugees',
  traveller: 'Gypsies and Travellers',
  gypsy: 'Gypsies and Travellers',
  foreign: 'foreigners',
  afghan: 'Middle Eastern and Central Asian people',
  kurdish: 'Middle Eastern and Central Asian people',
  syrian: 'Middle Eastern and Central Asian people',
  iraqi: 'Middle Eastern and Central Asian people',
  iranian: 'Middle Eastern and Central Asian people',
  turkish: 'Middle Eastern and Central Asian people',
  jamaican: 'Caribbean people',
  caribbean: 'Caribbean people',
  eritrean: 'Africans',
  ghanaian: 'Africans',
  bulgarian: 'Eastern Europeans',
  lithuanian: 'Eastern Europeans',
  ukrainian: 'Eastern Europeans',
  asylum: 'asylum seekers',
};
const MEMBERS =
  'people|ppl|person|men|man|women|woman|lads|lad|girls|girl|boys|boy|kids|family|families|builders|teachers|doctors|nurses|mps|councillors|workers|drivers|students|voters|neighbours|folk|politicians|ministers|candidates|landlords|shopkeepers|parents';

const GROUP_OF = new Map<string, string>();
for (const [name, words] of Object.entries(GROUPS)) for (const w of words) GROUP_OF.set(w, name);
/** Places of worship stand for their faith: "torch the mosque" targets Muslims. */
for (const [place, name] of [
  ['mosque', 'Muslims'],
  ['mosques', 'Muslims'],
  ['synagogue', 'Jews'],
  ['synagogues', 'Jews'],
  ['gurdwara', 'Sikhs'],
  ['temple', 'Hindus'],
] as const)
  GROUP_OF.set(place, name);

/** Longest first, so "black people" wins over a shorter alternative. */
const GROUP_ALTERNATION = [...GROUP_OF.keys()]
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/ /g, '\\s+'))
  .join('|');

const ADJECTIVE_ALTERNATION = Object.keys(ADJECTIVES).join('|');

/** A group, optionally pointed at ("all the …", "these …"); capture 1 is the group's words. */
/**
 * A group's words alone, without the words that may point at it ("all the", "these"). Those all
 * end in a space, so a text has a match of GROUP exactly when it has one of GROUP_NAMED (both
 * between word boundaries): the cheaper test of whether a text names a group at all.
 */
export const GROUP_NAMED = `(?:(?:${ADJECTIVE_ALTERNATION})\\s+(?:${MEMBERS})|${GROUP_ALTERNATION}|(?=[a-z]{3})(?<=\\b(?:an?|every|no|typical)\\s+(?:(?:last|single)\\s+)?)(?:${ADJECTIVE_ALTERNATION}))`;
export const GROUP = `(?:all\\s+)?(?:the\\s+|these\\s+|those\\s+|our\\s+|you\\s+|an?\\s+)?(${GROUP_NAMED})`;

export function groupName(words: string): string | undefined {
  const w = words.replace(/\s+/g, ' ');
  return GROUP_OF.get(w.replace(/^the /, '')) ?? GROUP_OF.get(w) ?? ADJECTIVES[w.split(' ')[0]!];
}

/** References to one person: pronouns, offices, "<name> mp", "councillor <name>". */
export const PERSON =
  '(?:you|u|ya|he|she|him|her|(?:the\\s+)?(?:mp|msp|mla|member|councillor|cllr|minister|candidate|mayor|leader|prime\\s+minister|chancellor|speaker|secretary)|[a-z]+\\s+(?:mp|msp|mla)|(?:councillor|cllr|mr|mrs|ms|miss|dr)\\s+[a-z]+)';

/** Slur → the group it attacks. */
const SLURS: Record<string, string> = {
  nigger: 'Black people',
  niggers: 'Black people',
  nigga: 'Black people',
  niggas: 'Black people',
  coon: 'Black people',
  coons: 'Black people',
  darkie: 'Black people',
  darkies: 'Black people',
  sambo: 'Black people',
  wog: 'Black people',
  wogs: 'Black people',
  africoon: 'Black people',
  paki: 'South Asians',
  pakis: 'South Asians',
  kike: 'Jews',
  kikes: 'Jews',
  yid: 'Jews',
  yids: 'Jews',
  faggot: 'gay people',
  faggots: 'gay people',
  fag: 'gay people',
  fags: 'gay people',
  poof: 'gay people',
  poofs: 'gay people',
  poofter: 'gay people',
  lezzer: 'lesbians',
  lezza: 'lesbians',
  dyke: 'lesbians',
  dykes: 'lesbians',
  tranny: 'trans people',
  trannies: 'trans people',
  trannie: 'trans people',
  trannys: 'trans people',
  retard: 'disabled people',
  retards: 'disabled people',
  retarded: 'disabled people',
  spastic: 'disabled people',
  spastics: 'disabled people',
  spaz: 'disabled people',
  mong: 'disabled people',
  mongs: 'disabled people',
  chink: 'East Asians',
  chinky: 'East Asians',
  chinkies: 'East Asians',
  chinks: 'East Asians',
  gook: 'East Asians',
  gooks: 'East Asians',
  chingchong: 'East Asians',
  towelhead: 'Muslims',
  muzzie: 'Muslims',
  muzzies: 'Muslims',
  muzrat: 'Muslims',
  muzrats: 'Muslims',
  towelheads: 'Muslims',
  raghead: 'Muslims',
  ragheads: 'Muslims',
  gyppo: 'Gypsies and Travellers',
  gyppos: 'Gypsies and Travellers',
  pikey: 'Gypsies and Travellers',
  pikeys: 'Gypsies and Travellers',
  wop: 'Italians',
  wops: 'Italians',
  spic: 'Latinos',
  spics: 'Latinos',
  abo: 'Aboriginal people',
  boonga: 'Aboriginal people',
};
export const SLUR_WORDS = new Set(Object.keys(SLURS));

/** Slurs with other meanings: a slur only when the words around it do not say otherwise. */
const HOMONYM_CONTEXT: Record<string, RegExp> = {
  fag: /(?:smok\w*|light\w*|lit|roll\w*|bum|cadge\w*|crafty|quick|packet\s+of|pack\s+of|box\s+of|carton\s+of)\s+(?:a\s+|up\s+a\s+|of\s+)?fags?\b|\bfags?\s+(?:break|packet|end|butt|machine|papers|lighter|ash)/,
  faggot:
    /faggots?\s+(?:and|with|in|supper|were|for\s+tea|every)|(?:best|the|my|of|some|bake|ate|eat)\s+faggots\b|(?<!\b(?:you|ya|u|a|that|this|dirty|fucking|stupid|little|filthy)\s+)faggots\s*$|faggot\s+supper/,
  chink: /chinks?\s+(?:in|of)\b/,
  dyke: /dykes?\s+(?:road|path|march|on\s+bikes|bar|near|in|along|protects|and)|(?:offa'?s|flood|the\s+romans\s+built\s+a)\s+dyke|(?:the|our|a)\s+dyke\s+(?:in|bar|near|march|along)/,
  coon: /coon\s+(?:cheese|rapids|valley)/,
  spastic: /spastics\s+society/,
  retard: /(?:will|to|would|could|may|might|can)\s+retard\b/,
  spic: /spic\s+and\s+span/,
  wop: /\bwop\s+wop\b/,
};

/** Family of each slur for the context check ("faggots" → "faggot"). */
const ROOTS = Object.keys(HOMONYM_CONTEXT).sort((a, b) => b.length - a.length);
function family(word: string): string {
  for (const root of ROOTS) if (word.startsWith(root)) return root;
  return word;
}

/**
 * Words a group reclaims, used of oneself or among friends: "I'm a proud dyke", "call me a fag
 * all you want", "me and my niggas". Thrown at someone else they are still slurs.
 */
const RECLAIMABLE = new Set([
  'nigga',
  'niggas',
  'fag',
  'fags',
  'faggot',
  'faggots',
  'poof',
  'poofs',
  'dyke',
  'dykes',
  'queer',
  'queers',
]);
const SELF_BEFORE =
  /\b(?:i'?m|i\s+am|im|as|call\s+me|we'?re|we\s+are|us|proud)\s+(?:an?\s+|the\s+)?(?:(?:proud|old|fat|happy|gay|queer|disabled|black|bent|loud|out)\s+|\w+,\s+){0,2}$/;
const PLACE_AFTER = /^\s+(?:street|st|road|rd|lane|avenue|close|rock|point)\b/;
const FRIENDS_BEFORE = /\b(?:my|our|me\s+and\s+my|me\s+n\s+my)\s+$/;
function reclaimed(folded: string, start: number, slur: string): boolean {
  if (!RECLAIMABLE.has(slur)) return false;
  const before = folded.slice(Math.max(0, start - 30), start);
  return SELF_BEFORE.test(before) || (slur.startsWith('nigga') && FRIENDS_BEFORE.test(before));
}

/**
 * Variants of the longer slurs with one letter dropped or two letters swapped ("fagot",
 * "retrd"), the tricks people use against word lists; "niger" is left out (a country).
 */
const VARIANTS = new Map<string, string>();
const NOT_VARIANTS = new Set(['niger', 'coon', 'mong', 'wog', 'spaz', 'fags', 'pakis']);
for (const slur of SLUR_WORDS) {
  if (slur.length < 5) continue;
  for (let i = 0; i < slur.length; i++) {
    const deleted = slur.slice(0, i) + slur.slice(i + 1);
    if (!SLUR_WORDS.has(deleted) && !NOT_VARIANTS.has(deleted)) VARIANTS.set(deleted, slur);
    if (i + 1 < slur.length) {
      const swapped = slur.slice(0, i) + slur[i + 1]! + slur[i]! + slur.slice(i + 2);
      if (!SLUR_WORDS.has(swapped)) VARIANTS.set(swapped, slur);
    }
  }
}

/** Words people glue to a slur ("stupidfaggot", "dirtykike"). */
const GLUED =
  /^(stupid|dirty|filthy|fucking|fuckin|ugly|fat|dumb|little|typical|bloody|you|ya)(.{4,})$|^(.{4,}?)(cunt|lover|loving|scum|bastard|bitch)$/;

export interface SlurMatch {
  start: number;
  end: number;
  slur: string;
  group: string;
}

/**
 * Slurs in folded text, spelling tricks included, homonyms in their innocent sense excluded;
 * those innocent words go to `innocent` (if given), so the model can be kept from reading them.
 */
export function findSlurs(folded: string, innocent?: [number, number][]): SlurMatch[] {
  const out: SlurMatch[] = [];
  for (const m of folded.matchAll(/\bjungle\s+bunn(?:y|ies)\b|\b(?:rag|towel)\s+heads?\b/g))
    out.push({
      start: m.index,
      end: m.index + m[0].length,
      slur: m[0].startsWith('jungle') ? 'jungle bunny' : 'raghead',
      group: m[0].startsWith('jungle') ? 'Black people' : 'Muslims',
    });
  for (const m of folded.matchAll(/[a-z*]+/g)) {
    const token = m[0];
    let slur = resolveSlur(token);
    if (!slur) {
      const glued = GLUED.exec(token);
      const inner = glued
        ? (glued[2] ?? glued[3])
        : token.startsWith('a')
          ? token.slice(1)
          : undefined;
      if (inner) slur = resolveSlur(inner);
    }
    if (!slur && token === 'niger') {
      // The country and the river keep their name; "another niger" is the slur misspelt.
      const before = folded.slice(Math.max(0, m.index - 20), m.index);
      if (/\b(?:a|another|you|dirty|filthy|stupid|fucking|typical|that)\s+$/.test(before))
        slur = 'nigger';
    }
    if (!slur) continue;
    // A street or a rock named long ago ("Paki Street bus stop") is a place, not an insult.
    if (
      reclaimed(folded, m.index, slur) ||
      PLACE_AFTER.test(folded.slice(m.index + token.length, m.index + token.length + 12))
    ) {
      innocent?.push([m.index, m.index + token.length]);
      continue;
    }
    const root = family(slur);
    const context = HOMONYM_CONTEXT[root];
    if (context) {
      const around = folded.slice(Math.max(0, m.index - 30), m.index + token.length + 30);
      if (
        context.test(around) ||
        (root === 'dyke' && !isAttack(folded, m.index, m.index + token.length))
      ) {
        innocent?.push([m.index, m.index + token.length]);
        continue;
      }
    }
    out.push({ start: m.index, end: m.index + token.length, slur, group: SLURS[slur]! });
  }
  return out;
}

/** A slur's letters with repeats collapsed ("niigger" and "nigger" both give "niger"). */
function collapse(word: string): string {
  // Most words repeat no letter: they are returned as they are, with no new string.
  let repeated = false;
  for (let i = 1; i < word.length && !repeated; i++)
    repeated = word.charCodeAt(i) === word.charCodeAt(i - 1) && isLowerLetter(word.charCodeAt(i));
  return repeated ? word.replace(/([a-z])\1+/g, '$1') : word;
}
function isLowerLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}
const COLLAPSED = new Map([...SLUR_WORDS].map((s) => [collapse(s), s]));

function resolveSlur(token: string): string | undefined {
  if (SLUR_WORDS.has(token)) return token;
  const variant = VARIANTS.get(token);
  if (variant) return variant;
  // Stretched letters ("paaki"): only longer than the slur, so "niger" (a country) stays itself.
  const stretched = COLLAPSED.get(collapse(token));
  if (stretched && token.length > stretched.length) return stretched;
  if (token.includes('*') && token.length >= 4) {
    for (const slur of SLUR_WORDS)
      if (
        slur.length === token.length &&
        [...token].every((ch, i) => ch === '*' || ch === slur[i]) &&
        token.replace(/\*/g, '').length >= slur.length - 2
      )
        return slur;
  }
  return undefined;
}

/** Reclaimed words ("dyke") count as slurs only when thrown at someone. */
function isAttack(folded: string, start: number, end: number): boolean {
  const before = folded.slice(Math.max(0, start - 25), start);
  const after = folded.slice(end, end + 25);
  return (
    /\b(?:you|ya|u|filthy|dirty|stupid|ugly|fucking|that|a|the)\s+$/.test(before) &&
    /^\s*(?:mp|councillor|minister|candidate|needs|should|is|$|[.!?,])/.test(after)
  );
}

/** Single-word names of groups ("muslims", "jews"), for reading words glued together. */
export const GROUP_WORDS_SINGLE = new Set(
  [...GROUP_OF.keys()].filter((w) => !w.includes(' ') && w.length >= 3),
);
