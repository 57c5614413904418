/**
 * A second, smaller check written after the rules were tuned on functional-suite.ts: new wording
 * for the same kinds, to show how much of the suite's figure is the rules fitting their own
 * examples. First measured untuned (55.8% right, 38.8% of hateful held, 85.7% of civil allowed);
 * the generic gaps it showed were then closed, so it is no longer untouched either: its figure
 * now is optimistic too. A next check should again be written fresh, and measured once.
 * Reported beside the suite by `npm run eval:civility`.
 * Content warning: the hateful cases are hateful on purpose.
 */
import type { SuiteCase } from './functional-suite.js';

function kind(name: string, hateful: boolean, texts: string[]): SuiteCase[] {
  return texts.map((text) => ({ kind: name, text, hateful }));
}

export const FRESH_CASES: SuiteCase[] = [
  ...kind('threat', true, [
    'Mark my words, the member for Bolton will be carried out of that hall in a box.',
    'People like Councillor Hale end up floating in the canal.',
    'Your office windows go in first, then you, Mr Patel.',
    "I'd happily strangle the minister with my bare hands.",
    'Bring the rope for the traitor MPs, lads.',
    'Somebody ought to torch the mosque on Elm Road.',
    'Jewish councillors should watch their backs round here.',
    'If the vote goes through, the MP gets a visit from us. You have been warned.',
    'Let us see how brave she is with a blade at her throat.',
    'The refugees at the hotel will burn tonight.',
  ]),
  ...kind('dehumanising', true, [
    'Asylum seekers are livestock, herd them onto the boats.',
    'That lot from Romania are locusts stripping the town bare.',
    'Muslims multiply like rabbits.',
    'Trans people are mentally deranged freaks.',
    'Our new MP is basically a monkey in a suit.',
    'Travellers are human rubbish.',
    'Somalis are savages, every one of them.',
    'Jews are bloodsuckers.',
  ]),
  ...kind('derogation', true, [
    'Never met a Pakistani who paid his taxes.',
    'Polish builders are all cowboys and crooks.',
    'Gay teachers are a danger to our children.',
    'Women are too emotional to run a council.',
    'Black lads round here are all drug dealers.',
    'Disabled people are just faking it for benefits.',
    'Hindus are all tight-fisted.',
    'You know what Nigerians are like, always scamming.',
  ]),
  ...kind('negated', true, [
    'Muslims can never be trusted with power.',
    'Immigrants are no use to anyone.',
    'Trans people will never be normal.',
    'Sikhs have no place in the Commons.',
    'Refugees are not people like us.',
    'Gay men should not be allowed near schools.',
  ]),
  ...kind('slurSpelling', true, [
    'Shut it, p.a.k.i',
    'get out of the chamber you f4gg0t',
    'a proper n!gg3r MP',
    'k!ke lover councillor',
    'what a sp4stic',
    'the councillor is a ret@rd',
  ]),
  ...kind('misogyny', true, [
    'Women MPs are only there to make the tea.',
    'She should be at home with the kids, not in the cabinet.',
    'The only thing that woman is good for is in the bedroom.',
    'Nobody takes a female chancellor seriously, she is a bimbo.',
    'Our MP needs to learn her place.',
    'PMT again, is it, Councillor?',
  ]),
  ...kind('conspiracy', true, [
    'The banking families behind the Bank of England are all of one tribe, if you follow me.',
    'Israel tells Westminster what to do.',
    'It is all planned: mass migration to wipe out white Britain.',
    'The Jewish press hid the truth again.',
    'The vaccine was a plot by the Chinese to kill our elderly.',
  ]),
  ...kind('counterSpeech', false, [
    'Anyone who calls refugees locusts should be ashamed.',
    'Saying Muslims multiply like rabbits is racist rubbish.',
    'We reject the lie that immigrants are criminals.',
    'Threats against the member for Bolton must stop now.',
    'It is not okay to tell Black MPs to go home.',
    'Comparing trans people to predators is cruel and false.',
  ]),
  ...kind('reporting', false, [
    'The MP read out a message calling her a "stupid cow" in the Commons.',
    'Police are looking into tweets calling for the councillor to be hanged.',
    'My neighbour was told to "go back to Poland" at the bus stop. I reported it.',
    'The report lists slurs such as "paki" that staff heard in the office.',
  ]),
  ...kind('identity', false, [
    'Polish families have run the bakery for thirty years.',
    'Our Sikh councillor organised the flood relief.',
    'Women MPs now make up a third of the Commons.',
    'The mosque opened its doors for the open day.',
    'Disabled voters need step-free polling stations.',
    'I am a refugee and a nurse, and I am voting for the first time.',
  ]),
  ...kind('criticism', false, [
    'The member for Bolton is a coward for skipping the debate.',
    'This government is rotten to the core.',
    'The councillor has no idea what she is talking about on housing.',
    'The minister is a disgrace and should be sacked.',
    'Our MP is a hopeless, lazy representative.',
    'They have wrecked the NHS and they know it.',
  ]),
  ...kind('idiomsProfanity', false, [
    'We are going to bury them at the ballot box.',
    'This campaign is dead in the water unless we act.',
    'Fuck, that was a close count.',
    'The bin strike is a bloody shambles.',
    'Let us blow the council away with our turnout.',
    'The shit has hit the fan over the budget.',
  ]),
];
