/**
 * Hand-written functional cases (never trained on), shared by civility.test.ts and eval.ts.
 * `flag` means the guard must not allow the text (review or block); `allow` means it must.
 * Content warning: the abusive cases are abusive on purpose.
 */
import type { CivilityAssessment } from './civility.service.js';
import type { CivilityLabel } from './rules.js';

export interface FunctionalCase {
  text: string;
  expect: 'allow' | 'flag';
  /** when flagged, this label must be among the labels */
  label?: CivilityLabel;
}

/** Texts the guard must let through. */
function allowed(texts: string[]): FunctionalCase[] {
  return texts.map((text) => ({ text, expect: 'allow' }));
}

/** Texts the guard must hold or block; with a label, that label must be among the labels. */
function flagged(label: CivilityLabel | null, texts: string[]): FunctionalCase[] {
  return texts.map((text) => (label ? { text, expect: 'flag', label } : { text, expect: 'flag' }));
}

export const FUNCTIONAL_CASES: Record<string, FunctionalCase[]> = {
  counterSpeech: allowed([
    'Calling someone a retard is never ok.',
    'Calling someone a faggot is never ok, whatever you think of them.',
    'Stop calling people idiots just because they disagree with you.',
    'Using the word tranny is not acceptable on this page.',
    'Saying that Muslims are animals is racist and has no place here.',
    'No one should be told to kill yourself online. Please report it.',
    'Telling refugees they are vermin is dehumanising and wrong.',
    'Nobody should call a woman a slut for speaking up.',
    'Saying immigrants are parasites is hateful and we reject it.',
    "Don't call people morons in the comments, argue with their points.",
  ]),
  quotation: allowed([
    "He called her a 'stupid bitch' and that's disgusting.",
    'Someone wrote "go back where you came from" under my post. Unacceptable.',
    'The councillor said "I will find you" to a resident, which is a threat and appalling.',
    'They shouted "you are worthless" at the nurse and it was shameful.',
    'He tweeted that gay people are "vermin" and that is vile.',
    'My daughter was called a "fat pig" at school. That is cruel.',
    'The candidate was told "kill yourself" in a reply; we condemn it.',
    'Posting "you idiot" under every article is out of line.',
    'A man yelled "fucking immigrants" at the stall, which is racist.',
    'She was called a "dumb cunt" by a stranger and it was hurtful.',
  ]),
  identity: allowed([
    "I'm a gay man and I support this petition.",
    'Muslims deserve equal rights.',
    'As a black woman I think this policy will help my neighbours.',
    "I'm a proud queer woman and a nurse.",
    'Jewish families have lived in this town for generations.',
    'Trans people should be able to see a doctor without waiting years.',
    'Immigrants and refugees keep our hospitals running.',
    'As a disabled person I rely on the bus route you want to cut.',
    'The mosque and the synagogue organised the food bank together.',
    'Lesbian and bisexual women face different health risks.',
  ]),
  spellingTricks: [
    ...flagged('abuse', [
      'f u c k you',
      'you are an 1d10t',
      'you stuuuupid moron',
      'u r a l0ser',
      'you are such a b1tch',
      'ur a m0r0n',
    ]),
    ...flagged('threat', ['k1ll yourself', 'go k.i.l.l yourself']),
    ...flagged(null, ['sh!t for brains, that is what you are, a sh1thead', 'what a fvcking c*nt']),
  ],
  negatedPraise: flagged('abuse', [
    'you are not a smart person',
    "you're no genius, you moron",
    "You're not very bright, are you?",
    'you are hardly intelligent',
    "you're not even remotely competent",
    'You are not a decent human being.',
    "you're far from clever",
    'u r not smart',
    'You are no good, just a waste of space',
    "You're not exactly the sharpest, are you",
  ]),
  directedAbuse: flagged('abuse', [
    'You are an idiot.',
    "you're such a pathetic loser",
    'Shut up, you clown.',
    'Are you stupid or something?',
    'fuck off back to your bubble',
    'Idiots like you are ruining this country',
    'you absolute waste of oxygen',
    'What a useless piece of shit this candidate is',
    "She's a lying hypocrite and a disgrace",
    'you dumb bitch',
  ]),
  threat: flagged('threat', [
    'I will kill you',
    "I'm going to find you and hurt you",
    'go kill yourself',
    'I know where you live.',
    "You'll regret this, watch your back",
    'hope you die in a fire',
    'He should be shot for treason',
    "I'm gonna beat you senseless",
    'Someone should stab him',
    'kys',
    'I hope someone kills you',
    'hope you get run over',
  ]),
  dehumanising: [
    ...flagged('hate', [
      'Immigrants are vermin.',
      'Those people are animals.',
      'They are nothing but parasites',
      'Refugees are cockroaches and should be deported',
      'muslims are a disease',
      'These people are rats, all of them',
      'Gays are literally subhuman',
      'Migrants should be exterminated',
      'jews are a plague on this country',
      'These councillors are vermin and should be wiped out',
    ]),
    ...flagged(null, ['travellers are filth']),
  ],
  clean: allowed([
    'Great article, thank you for the clear summary.',
    'I disagree with the councillor: the bus cuts will hurt older people.',
    'Signed and shared with my neighbours.',
    'The minister is wrong about the figures; the report says 12%, not 20%.',
    'Can we have a public meeting in Leeds before the vote?',
    'This policy is a terrible idea and I will vote against it.',
    'Assassin is a word, and so is Scunthorpe.',
    'I will find you a seat at the next meeting.',
    "You're not wrong about the rents.",
    'Kill the bill! Write to your MP today.',
    'I hope someone helps you with the form.',
    'These buses are always late and should be replaced.',
  ]),
};

export function passes(c: FunctionalCase, a: CivilityAssessment): boolean {
  if (c.expect === 'allow') return a.decision === 'allow';
  return a.decision !== 'allow' && (!c.label || a.labels.includes(c.label));
}
