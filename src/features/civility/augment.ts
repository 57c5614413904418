/**
 * Training rows written from Rally's own templates across many groups, both sides: what people
 * say against a group, and what people say for, about or in defence of one (including quoting
 * abuse to reject it). The public sets use identity words mostly in abuse; these rows teach the
 * model that naming a group is not itself offensive. None is copied from any test suite, and
 * none repeats a sentence of functional-suite.ts.
 */
import { frameRows } from './augment-frames.js';
import type { LabelledText } from './datasets.js';

const GROUPS = [
  'muslims',
  'jews',
  'black people',
  'immigrants',
  'refugees',
  'asylum seekers',
  'trans people',
  'gay people',
  'lesbians',
  'bisexual people',
  'disabled people',
  'travellers',
  'sikhs',
  'hindus',
  'polish people',
  'romanians',
  'pakistanis',
  'nigerians',
  'chinese people',
  'women',
  'catholics',
  'irish people',
  'roma',
  'somalis',
  'arabs',
  'migrants',
  'deaf people',
  'autistic people',
  'christians',
  'bangladeshis',
];

const AGAINST = [
  'get rid of all the {g}',
  '{g} ruin everything they touch',
  'i cannot stand {g}, they make me sick',
  '{g} should all be locked up',
  '{g} are a burden on decent people',
  'no {g} wanted round here',
  '{g} are liars and cheats, every one',
  '{g} are filth and should be treated like it',
  'keep {g} away from our children',
  '{g} are a stain on this country',
  'the only good {g} are the ones that leave',
  '{g} are born criminals',
  'i would never let {g} into my house, they are animals',
  '{g} are not fit to live among us',
  '{g} should be banned from voting',
  '{g} breed like vermin',
  'we need to cleanse our streets of {g}',
  '{g} are all the same, dirty and useless',
  'ban {g} from our schools and shops',
  '{g} are sick in the head',
];

const FOR = [
  '{g} should have the same rights as anyone else',
  '{g} are our neighbours and friends',
  'i stand with {g} in our town',
  '{g} have every right to feel safe here',
  '{g} contribute so much to this city',
  'two of my best friends are {g}',
  '{g} still face discrimination at work',
  'abuse aimed at {g} has to end',
  'we will protect {g} from harassment',
  'calling {g} scum is hateful and we will not tolerate it',
  'someone said {g} are vermin, and that is vile',
  'the council met {g} to talk about housing',
  'a new report looks at how {g} use the bus network',
  'many {g} live in this ward',
  'the charity supports {g} with legal advice',
  'local {g} organised the litter pick',
  'history month celebrates {g} and their stories',
  'the survey of {g} closes on friday',
  'it is wrong to blame {g} for the housing crisis',
  'lies about {g} spread fast online, check the facts',
  '{g} deserve a fair hearing from the council',
  '{g} deserve decent homes and safe streets',
  'all {g} deserve dignity at work',
  '{g} deserve better than this government',
];

/** One row per template and group: small next to the public sets, but in every group. */
export function augmentedRows(): LabelledText[] {
  const rows: LabelledText[] = [];
  for (const g of GROUPS) {
    for (const t of AGAINST)
      rows.push({ text: t.replace('{g}', g), label: 1, source: 'augmented' });
    for (const t of FOR) rows.push({ text: t.replace('{g}', g), label: 0, source: 'augmented' });
  }
  rows.push(...frameRows());
  return rows;
}
