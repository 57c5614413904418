/**
 * More training rows from Rally's own templates: group × predicate × frame, both sides. A frame
 * says how a predicate is used — as a threat, a dehumanising comparison, a stereotype, a
 * negated positive, an exclusion, a conspiracy trope (abusive); or quoted to reject it,
 * reported, negated ("X are not criminals"), a positive mention, a call to action to an
 * office-holder, an idiom, swearing at no one (civil). Each frame × group takes a few seeded
 * picks of its predicates, so the rows spread over many words without repeating one sentence.
 * Written here from scratch; none is copied from a test suite, and none repeats a case of
 * functional-suite.ts or the fresh checks.
 */
import { type LabelledText, seededRandom } from './datasets.js';

const AUGMENT_SEED = 1207;
/** Rows per frame and group (or person). */
const PICKS = 3;

const GROUPS = [
  'muslims',
  'jews',
  'black people',
  'immigrants',
  'refugees',
  'asylum seekers',
  'trans people',
  'trans women',
  'gay men',
  'gay people',
  'lesbians',
  'bisexual people',
  'disabled people',
  'travellers',
  'gypsies',
  'sikhs',
  'hindus',
  'polish people',
  'romanians',
  'bulgarians',
  'lithuanians',
  'pakistanis',
  'indians',
  'nigerians',
  'somalis',
  'syrians',
  'iraqis',
  'arabs',
  'chinese people',
  'asians',
  'africans',
  'mexicans',
  'women',
  'catholics',
  'christians',
  'atheists',
  'irish people',
  'scots',
  'welsh people',
  'roma',
  'migrants',
  'foreigners',
  'deaf people',
  'autistic people',
  'mentally ill people',
  'old people',
  'single mothers',
  'feminists',
];

/** People a text can aim at, as people name them. */
const PEOPLE = [
  'the mp',
  'our mp',
  'the councillor',
  'councillor evans',
  'the minister',
  'the chancellor',
  'the home secretary',
  'the prime minister',
  'the mayor',
  'the candidate',
  'she',
  'he',
  'that woman',
  'that man',
  'the member for the north ward',
  'mr clarke',
  'mrs adeyemi',
  'ms novak',
];

const PESTS = [
  'vermin',
  'rats',
  'cockroaches',
  'parasites',
  'animals',
  'apes',
  'pigs',
  'insects',
  'leeches',
  'a plague',
  'a disease',
  'filth',
  'scum',
  'subhuman',
  'savages',
  'beasts',
  'germs',
  'a virus',
  'snakes',
  'swine',
  'lice',
  'mongrels',
  'maggots',
  'worms',
  'hyenas',
  'a cancer',
  'termites',
  'bacteria',
  'sewer rats',
  'a pest',
];

const STEREOTYPES = [
  'criminals',
  'thieves',
  'liars',
  'lazy',
  'dirty',
  'violent',
  'stupid',
  'terrorists',
  'rapists',
  'scroungers',
  'a drain on the country',
  'dangerous',
  'primitive',
  'greedy',
  'dishonest',
  'backward',
  'degenerates',
  'perverts',
  'predators',
  'freeloaders',
  'frauds',
  'thugs',
  'useless',
  'worthless',
  'ignorant',
  'disgusting',
  'evil',
  'crooks',
  'smelly',
  'inbred',
];

/** What is denied to a group in a negated positive. */
const DENIED = [
  'not human',
  'not worth anything',
  'not welcome here',
  'not capable of honest work',
  'not fit to vote',
  'not equal to us',
  'not real people',
  'never going to be british',
  'never to be trusted',
  'not worth saving',
  'not intelligent enough to lead',
  'of no value to anyone',
  'no use to society',
  'not deserving of rights',
  'not fit to hold office',
  'not people like us',
];

const POSITIVE = [
  'welcome here',
  'our neighbours',
  'equal citizens',
  'as british as anyone',
  'hard working',
  'valued members of this town',
  'part of our community',
  'brilliant volunteers',
  'good people',
  'people like everyone else',
  'deserving of respect',
  'capable leaders',
  'kind and generous',
  'an asset to this country',
  'our friends',
];

const HARM_PP = [
  'shot',
  'hanged',
  'burned',
  'gassed',
  'beaten',
  'stabbed',
  'wiped out',
  'exterminated',
  'killed',
  'lynched',
  'drowned',
  'executed',
  'strung up',
  'put down',
  'set on fire',
  'kicked to death',
];

const HARM_VERB = [
  'shoot',
  'hang',
  'burn',
  'gas',
  'beat',
  'stab',
  'wipe out',
  'exterminate',
  'kill',
  'lynch',
  'drown',
  'execute',
  'string up',
  'put down',
  'torch',
  'batter',
];

const TOPICS = [
  'the housing plan',
  'the bus cuts',
  'the budget',
  'the hospital closure',
  'school funding',
  'the rent cap',
  'the library',
  'the new road',
  'care homes',
  'the climate bill',
  'the pension changes',
  'the bin collections',
];

const CONDEMN = [
  'is racist',
  'is hateful',
  'is a lie',
  'is bigotry',
  'is disgusting',
  'is wrong',
  'has no place here',
  'is dehumanising',
  'is shameful',
  'must stop',
];

type Frame = { label: 0 | 1; templates: string[]; slots: Record<string, string[]> };

/** {g}: a group; {p}: a person; other slots as named. */
const FRAMES: Frame[] = [
  {
    label: 1,
    templates: [
      '{g} should be {pp}',
      'all {g} deserve to be {pp}',
      'someone needs to {v} the {g}',
      'let us {v} every one of the {g}',
      'i will {v} any of the {g} i see',
      'the {g} round here will be {pp} soon',
      'round up the {g} and {v} them',
      'i would happily {v} the {g} myself',
      'time the {g} got {pp}',
      'the {g} are going to get {pp}, mark my words',
    ],
    slots: { pp: HARM_PP, v: HARM_VERB },
  },
  {
    label: 1,
    templates: [
      '{p} deserves to be {pp}',
      'i hope someone gets {p} {pp}',
      '{p} will be {pp} if this goes through',
      'i am going to {v} {p}',
      'somebody should {v} {p}',
      '{p} had better watch out, we know where {p} lives',
      'one day {p} will be {pp} and nobody will care',
      'if {p} votes for it, {p} gets {pp}',
    ],
    slots: { pp: HARM_PP, v: HARM_VERB },
  },
  {
    label: 1,
    templates: [
      '{g} are {x}',
      '{g} are nothing but {x}',
      '{g} are like {x}',
      '{g} are no better than {x}',
      'the {g} are {x}, all of them',
      '{g} breed like {x}',
      '{p} is {x}',
      '{p} is nothing but {x}',
    ],
    slots: { x: PESTS },
  },
  {
    label: 1,
    templates: [
      '{g} are all {x}',
      '{g} are {x}',
      'every one of the {g} is {x}',
      'typical {g}, {x} as always',
      'you can never trust {g}, they are {x}',
      'never met one of the {g} who was not {x}',
    ],
    slots: { x: STEREOTYPES },
  },
  {
    label: 1,
    templates: [
      '{g} are {x}',
      '{g} will always be {x}',
      'the {g} are {x} and never will be otherwise',
    ],
    slots: { x: DENIED },
  },
  {
    label: 1,
    templates: [
      'send the {g} back where they came from',
      '{g} should go home',
      'deport the {g}, every last one',
      'no {g} in our parliament',
      '{g} have no place in this country',
      'get the {g} out of our town',
      '{p} should go back to where {p} came from',
    ],
    slots: {},
  },
  {
    label: 1,
    templates: [
      'the jews control the {x}',
      'the {x} is run by the jews',
      'zionists own the {x}',
      'the globalist bankers control the {x}',
      'the rothschilds pull the strings of the {x}',
      'the {x} takes orders from israel',
    ],
    slots: {
      x: ['media', 'banks', 'government', 'bbc', 'treasury', 'cabinet', 'press', 'parliament'],
    },
  },
  {
    label: 1,
    templates: [
      'women should stay in the {x}',
      '{w} should get back in the {x}',
      '{w} only got the job because of her looks',
      'women are too {y} to run a {z}',
      '{w} is a hysterical woman who needs a man',
      'no woman is fit to run a {z}',
    ],
    slots: {
      x: ['kitchen', 'home', 'bedroom', 'nursery'],
      y: ['emotional', 'stupid', 'weak', 'hormonal', 'silly'],
      z: ['council', 'country', 'department', 'treasury'],
      w: ['the woman mp', 'she', 'the home secretary', 'mrs adeyemi', 'ms novak', 'that woman'],
    },
  },
  // Civil: the same words, quoted to reject them, reported, negated, or aimed at no one.
  {
    label: 0,
    templates: [
      'saying {g} are {x} {c}',
      'calling {g} {x} {c}',
      'the claim that {g} are {x} {c}',
      'no, {g} are not {x}',
      'stop saying {g} are {x}',
      'anyone who says {g} are {x} should be ashamed',
      'it is false that {g} are {x}',
      '{g} are not {x}, and we will say so every time',
    ],
    slots: { x: [...PESTS, ...STEREOTYPES], c: CONDEMN },
  },
  {
    label: 0,
    templates: [
      'a man was charged after calling {g} {x}',
      'the leaflet claimed {g} are {x}; it has been reported to the police',
      'the report found that {g} are often called {x} online',
      'she told the court she had been called {x} for being one of the {g}',
      'police are investigating posts saying {g} should be {pp}',
      'he was jailed for saying {p} should be {pp}',
    ],
    slots: { x: [...PESTS, ...STEREOTYPES], pp: HARM_PP },
  },
  {
    label: 0,
    templates: [
      '{g} are {x}',
      '{g} are {x}, whatever the papers say',
      'the {g} in our street are {x}',
      'i am proud that {g} are {x}',
    ],
    slots: { x: POSITIVE },
  },
  {
    label: 0,
    templates: [
      'the {g} in this town are not {x}',
      '{g} are not {x}',
      'most {g} are not {x}, whatever you hear',
    ],
    slots: { x: STEREOTYPES },
  },
  {
    label: 0,
    templates: [
      'write to {o} about {t}',
      'your {o} decides on {t} this month. write to them',
      'email your {o} today and tell them to save {t}',
      'tell your {o}: protect {t}',
      'ring your {o} and ask where they stand on {t}',
      'your {o} needs to hear from you about {t}',
      'visit your {o} and make your case on {t}',
      'ask your {o} to vote against {t}',
      'hi friend, your {o} votes on {t} soon. it takes two minutes to write to them',
    ],
    slots: {
      o: ['mp', 'councillor', 'mayor', 'local councillor', 'member of parliament'],
      t: TOPICS,
    },
  },
  {
    label: 0,
    templates: [
      '{p} is wrong about {t}',
      '{p} should resign over {t}',
      '{p} has made a mess of {t}',
      '{p} broke every promise on {t}',
      '{p} is out of touch on {t} and should go',
      '{p} misled us on {t}',
      'we will vote {p} out over {t}',
    ],
    slots: { t: TOPICS },
  },
  {
    label: 0,
    templates: [
      '{p} is a {x}',
      '{p} is a {x} and should {s}',
      'frankly {p} is a {x}',
      '{p} should {s} over this',
      '{p} has been a {x} on {t}',
    ],
    slots: {
      x: [
        'disgrace',
        'hypocrite',
        'liar',
        'coward',
        'failure',
        'embarrassment',
        'hopeless minister',
        'useless representative',
        'lazy politician',
        'national joke',
        'total shambles',
        'spineless careerist',
        'weak leader',
        'complete fraud',
        'danger to the economy',
      ],
      s: [
        'be sacked',
        'resign',
        'be voted out',
        'be deselected',
        'be investigated',
        'be held to account',
        'be ashamed',
        'be suspended',
        'step down',
        'be removed from office',
      ],
      t: TOPICS,
    },
  },
  {
    label: 0,
    templates: [
      'we will {v} {t} at the ballot box',
      'time to {v} {t} for good',
      '{t} was {pp} by the committee',
      'our campaign will {v} the opposition on {t}',
    ],
    slots: {
      v: ['kill off', 'crush', 'smash', 'bury', 'destroy', 'hammer', 'wipe out'],
      pp: ['killed off', 'shot down', 'slaughtered', 'buried', 'crushed', 'torn apart'],
      t: TOPICS,
    },
  },
  {
    label: 0,
    templates: ['{e}, {t}', '{t}. {e}!', '{e} hell, {t}', 'oh {e}, {t}'],
    slots: {
      e: ['fuck', 'shit', 'bloody', 'damn', 'crap', 'bollocks', 'fucking hell', 'holy shit'],
      t: [
        'the bus is late again',
        'we won the recount',
        'the printer has jammed',
        'turnout was huge',
        'i left the leaflets at home',
        'it is raining on the doorstep again',
        'the meeting has moved to tuesday',
        'the results are in',
      ],
    },
  },
];

function fill(
  template: string,
  slots: Record<string, string[]>,
  subject: string,
  random: () => number,
): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === 'g' || name === 'p') return subject;
    const values = slots[name];
    if (!values) throw new Error(`augment: no values for {${name}}`);
    return values[Math.floor(random() * values.length)]!;
  });
}

/** Rows for every frame: PICKS per template and group (or person), seeded. */
export function frameRows(): LabelledText[] {
  const random = seededRandom(AUGMENT_SEED);
  const seen = new Set<string>();
  const rows: LabelledText[] = [];
  for (const frame of FRAMES) {
    for (const template of frame.templates) {
      const subjects = template.includes('{g}')
        ? GROUPS
        : template.includes('{p}')
          ? PEOPLE
          : ['-'];
      const picks = subjects.length === 1 ? PICKS * 12 : PICKS;
      for (const subject of subjects)
        for (let k = 0; k < picks; k++) {
          const text = fill(template, frame.slots, subject, random);
          if (seen.has(text)) continue;
          seen.add(text);
          rows.push({ text, label: frame.label, source: 'augmented' });
        }
    }
  }
  return rows;
}
