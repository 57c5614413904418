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

export const FUNCTIONAL_CASES: Record<string, FunctionalCase[]> = {
  counterSpeech: [
    { text: 'Calling someone a retard is never ok.', expect: 'allow' },
    { text: 'Calling someone a faggot is never ok, whatever you think of them.', expect: 'allow' },
    { text: 'Stop calling people idiots just because they disagree with you.', expect: 'allow' },
    { text: 'Using the word tranny is not acceptable on this page.', expect: 'allow' },
    { text: 'Saying that Muslims are animals is racist and has no place here.', expect: 'allow' },
    { text: 'No one should be told to kill yourself online. Please report it.', expect: 'allow' },
    { text: 'Telling refugees they are vermin is dehumanising and wrong.', expect: 'allow' },
    { text: 'Nobody should call a woman a slut for speaking up.', expect: 'allow' },
    { text: 'Saying immigrants are parasites is hateful and we reject it.', expect: 'allow' },
    { text: "Don't call people morons in the comments, argue with their points.", expect: 'allow' },
  ],
  quotation: [
    { text: "He called her a 'stupid bitch' and that's disgusting.", expect: 'allow' },
    {
      text: 'Someone wrote "go back where you came from" under my post. Unacceptable.',
      expect: 'allow',
    },
    {
      text: 'The councillor said "I will find you" to a resident, which is a threat and appalling.',
      expect: 'allow',
    },
    { text: 'They shouted "you are worthless" at the nurse and it was shameful.', expect: 'allow' },
    { text: 'He tweeted that gay people are "vermin" and that is vile.', expect: 'allow' },
    { text: 'My daughter was called a "fat pig" at school. That is cruel.', expect: 'allow' },
    { text: 'The candidate was told "kill yourself" in a reply; we condemn it.', expect: 'allow' },
    { text: 'Posting "you idiot" under every article is out of line.', expect: 'allow' },
    { text: 'A man yelled "fucking immigrants" at the stall, which is racist.', expect: 'allow' },
    { text: 'She was called a "dumb cunt" by a stranger and it was hurtful.', expect: 'allow' },
  ],
  identity: [
    { text: "I'm a gay man and I support this petition.", expect: 'allow' },
    { text: 'Muslims deserve equal rights.', expect: 'allow' },
    { text: 'As a black woman I think this policy will help my neighbours.', expect: 'allow' },
    { text: "I'm a proud queer woman and a nurse.", expect: 'allow' },
    { text: 'Jewish families have lived in this town for generations.', expect: 'allow' },
    { text: 'Trans people should be able to see a doctor without waiting years.', expect: 'allow' },
    { text: 'Immigrants and refugees keep our hospitals running.', expect: 'allow' },
    { text: 'As a disabled person I rely on the bus route you want to cut.', expect: 'allow' },
    { text: 'The mosque and the synagogue organised the food bank together.', expect: 'allow' },
    { text: 'Lesbian and bisexual women face different health risks.', expect: 'allow' },
  ],
  spellingTricks: [
    { text: 'f u c k you', expect: 'flag', label: 'abuse' },
    { text: 'you are an 1d10t', expect: 'flag', label: 'abuse' },
    { text: 'k1ll yourself', expect: 'flag', label: 'threat' },
    { text: 'you stuuuupid moron', expect: 'flag', label: 'abuse' },
    { text: 'sh!t for brains, that is what you are, a sh1thead', expect: 'flag' },
    { text: 'go k.i.l.l yourself', expect: 'flag', label: 'threat' },
    { text: 'what a fvcking c*nt', expect: 'flag' },
    { text: 'u r a l0ser', expect: 'flag', label: 'abuse' },
    { text: 'you are such a b1tch', expect: 'flag', label: 'abuse' },
    { text: 'ur a m0r0n', expect: 'flag', label: 'abuse' },
  ],
  negatedPraise: [
    { text: 'you are not a smart person', expect: 'flag', label: 'abuse' },
    { text: "you're no genius, you moron", expect: 'flag', label: 'abuse' },
    { text: "You're not very bright, are you?", expect: 'flag', label: 'abuse' },
    { text: 'you are hardly intelligent', expect: 'flag', label: 'abuse' },
    { text: "you're not even remotely competent", expect: 'flag', label: 'abuse' },
    { text: 'You are not a decent human being.', expect: 'flag', label: 'abuse' },
    { text: "you're far from clever", expect: 'flag', label: 'abuse' },
    { text: 'u r not smart', expect: 'flag', label: 'abuse' },
    { text: 'You are no good, just a waste of space', expect: 'flag', label: 'abuse' },
    { text: "You're not exactly the sharpest, are you", expect: 'flag', label: 'abuse' },
  ],
  directedAbuse: [
    { text: 'You are an idiot.', expect: 'flag', label: 'abuse' },
    { text: "you're such a pathetic loser", expect: 'flag', label: 'abuse' },
    { text: 'Shut up, you clown.', expect: 'flag', label: 'abuse' },
    { text: 'Are you stupid or something?', expect: 'flag', label: 'abuse' },
    { text: 'fuck off back to your bubble', expect: 'flag', label: 'abuse' },
    { text: 'Idiots like you are ruining this country', expect: 'flag', label: 'abuse' },
    { text: 'you absolute waste of oxygen', expect: 'flag', label: 'abuse' },
    { text: 'What a useless piece of shit this candidate is', expect: 'flag', label: 'abuse' },
    { text: "She's a lying hypocrite and a disgrace", expect: 'flag', label: 'abuse' },
    { text: 'you dumb bitch', expect: 'flag', label: 'abuse' },
  ],
  threat: [
    { text: 'I will kill you', expect: 'flag', label: 'threat' },
    { text: "I'm going to find you and hurt you", expect: 'flag', label: 'threat' },
    { text: 'go kill yourself', expect: 'flag', label: 'threat' },
    { text: 'I know where you live.', expect: 'flag', label: 'threat' },
    { text: "You'll regret this, watch your back", expect: 'flag', label: 'threat' },
    { text: 'hope you die in a fire', expect: 'flag', label: 'threat' },
    { text: 'He should be shot for treason', expect: 'flag', label: 'threat' },
    { text: "I'm gonna beat you senseless", expect: 'flag', label: 'threat' },
    { text: 'Someone should stab him', expect: 'flag', label: 'threat' },
    { text: 'kys', expect: 'flag', label: 'threat' },
    { text: 'I hope someone kills you', expect: 'flag', label: 'threat' },
    { text: 'hope you get run over', expect: 'flag', label: 'threat' },
  ],
  dehumanising: [
    { text: 'Immigrants are vermin.', expect: 'flag', label: 'hate' },
    { text: 'Those people are animals.', expect: 'flag', label: 'hate' },
    { text: 'They are nothing but parasites', expect: 'flag', label: 'hate' },
    { text: 'Refugees are cockroaches and should be deported', expect: 'flag', label: 'hate' },
    { text: 'muslims are a disease', expect: 'flag', label: 'hate' },
    { text: 'These people are rats, all of them', expect: 'flag', label: 'hate' },
    { text: 'Gays are literally subhuman', expect: 'flag', label: 'hate' },
    { text: 'Migrants should be exterminated', expect: 'flag', label: 'hate' },
    { text: 'jews are a plague on this country', expect: 'flag', label: 'hate' },
    { text: 'travellers are filth', expect: 'flag' },
    { text: 'These councillors are vermin and should be wiped out', expect: 'flag', label: 'hate' },
  ],
  clean: [
    { text: 'Great article, thank you for the clear summary.', expect: 'allow' },
    {
      text: 'I disagree with the councillor: the bus cuts will hurt older people.',
      expect: 'allow',
    },
    { text: 'Signed and shared with my neighbours.', expect: 'allow' },
    {
      text: 'The minister is wrong about the figures; the report says 12%, not 20%.',
      expect: 'allow',
    },
    { text: 'Can we have a public meeting in Leeds before the vote?', expect: 'allow' },
    { text: 'This policy is a terrible idea and I will vote against it.', expect: 'allow' },
    { text: 'Assassin is a word, and so is Scunthorpe.', expect: 'allow' },
    { text: 'I will find you a seat at the next meeting.', expect: 'allow' },
    { text: "You're not wrong about the rents.", expect: 'allow' },
    { text: 'Kill the bill! Write to your MP today.', expect: 'allow' },
    { text: 'I hope someone helps you with the form.', expect: 'allow' },
    { text: 'These buses are always late and should be replaced.', expect: 'allow' },
  ],
};

export function passes(c: FunctionalCase, a: CivilityAssessment): boolean {
  if (c.expect === 'allow') return a.decision === 'allow';
  return a.decision !== 'allow' && (!c.label || a.labels.includes(c.label));
}
