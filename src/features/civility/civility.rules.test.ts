/**
 * The fifth round's rule changes (issue #12), each with the civil texts of the same shape it must
 * leave alone: a rule that catches "Kemal Ozturk deserves a bullet" must not hold "Anna Lewis
 * deserves a medal". Written here, not taken from any suite.
 * Content warning: the hateful cases are hateful on purpose.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assess } from './civility.service.js';

function held(texts: string[]): string[] {
  return texts.filter((t) => assess(t).decision === 'allow');
}
function allowed(texts: string[]): string[] {
  return texts.filter((t) => assess(t).decision !== 'allow');
}

describe('civility rules: threats at people named without an office', () => {
  it('holds violence promised or wished on a person named as people write names', () => {
    assert.deepEqual(
      held([
        'Kemal Ozturk deserves a bullet for this',
        'I hope Fiona Grey gets her head kicked in',
        'someone should put a bullet in Niamh Doyle',
        "I'll personally end Megan Lloyd",
        'if Dafydd Rowlands shows up at the count he will not leave in one piece',
        'approve the flats and we will find your house, Mr Pryce',
      ]),
      [],
    );
  });

  it('allows the same names with wishes and plans that are not violent', () => {
    assert.deepEqual(
      allowed([
        'I hope Sarah Jones gets the recognition she deserves',
        'Anna Lewis deserves a medal for the leafleting',
        'Priya Shah wants a bigger budget for the fire service',
        'Rishi Sunak will be dead in the water after this vote',
        "I'd kill to meet Charlie Sheen",
        'Dr Ahmed says knife crime is down in Luton',
        'watch what happens to house prices after the vote',
        'we will find your MP’s email address for you',
      ]),
      [],
    );
  });
});

describe('civility rules: wished harm and veiled threats', () => {
  it('holds harm wished in other words', () => {
    assert.deepEqual(
      held([
        'wish cancer on every single one of those councillors',
        'wouldn’t mind seeing the MP hanging from a lamppost',
        'if someone shoved him under a train I’d throw a party',
        'MSPs had better sleep with one eye open after this vote',
        'gays should be thrown off buildings',
      ]),
      [],
    );
  });

  it('allows the civil sentences those words also make', () => {
    assert.deepEqual(
      allowed([
        'I hope she gets cancer treatment quickly, the waits are awful',
        'I wouldn’t shed a tear if the bypass plan was scrapped',
        'I want to see the bill die in committee',
        'the ball was thrown off the roof of the town hall',
        'Some trolls wish death on MPs every day; it has to stop.',
      ]),
      [],
    );
  });
});

describe('civility rules: "go back to …", stereotypes, sexist put-downs', () => {
  it('holds orders to leave, put-downs and stereotypes', () => {
    assert.deepEqual(
      held([
        'go back to Romania you scrounger',
        'send the lot of them back to Somalia',
        'if you love Ghana so much then go back there',
        'she only got elected because she is pretty',
        'women should stay in the kitchen and out of the Senedd',
        'Poles are all thieves, they cant integrate',
        'Typical Jew, always after money.',
      ]),
      [],
    );
  });

  it('allows trips home, kitchens, and claims the text denies or where the group is the victim', () => {
    assert.deepEqual(
      allowed([
        'I should go back to Poland to see my gran this summer',
        'My parents go back to Pakistan every winter',
        'we get back on the boat tomorrow after the ferry strike',
        'the volunteers should be in the kitchen by 6 to help with the iftar',
        'she only got the job because of her experience in the NHS',
        'a typical Polish breakfast at the community cafe',
        'Romanians are not thieves. Stop repeating that.',
        'Nigerians are often the victims of online scams',
        'Black boys are stopped and treated as criminals by the police',
        'I don’t hate Muslims, I just disagree with the council’s decision',
      ]),
      [],
    );
  });
});

describe('civility rules: counter-speech, reports, reclaimed words, homonyms', () => {
  it('allows abuse quoted or reported without a word of condemnation the rules knew', () => {
    assert.deepEqual(
      allowed([
        'Someone wrote Sikhs are a cancer under our post. That is not something we will tolerate.',
        'Imagine thinking women don’t belong in politics.',
        'Saying someone should be hanged is not free speech.',
        'She told the BBC that men had shouted slut at her on the doorstep.',
        'As a gay man, I’ve been called a faggot more times than I can count.',
        'Someone commented "send them back" under the refugee story. We removed it.',
        '“Pakis go home” was painted on the shop. We cleaned it off together.',
      ]),
      [],
    );
  });

  it('allows words used of oneself, cigarettes and dogs, and still holds them thrown at someone', () => {
    assert.deepEqual(
      allowed([
        'call me a fag all you want, I’m still winning this seat',
        'me and my niggas are knocking doors in Peckham',
        'a fag break outside the count was much needed',
        'the dog breeder had a bitch and four pups',
      ]),
      [],
    );
    assert.deepEqual(
      held(['shut up you fag', 'you bitch, get your dog off my lawn', 'you r a f*ggot']),
      [],
    );
  });
});

describe('civility rules: words glued together', () => {
  it('reads a glued group and claim or violence as the spaced words', () => {
    assert.deepEqual(held(['immigrantsarevermin', 'gasthejews', 'ihatemuslims lol']), []);
  });

  it('leaves glued slogans and long words that name no claim', () => {
    assert.deepEqual(
      allowed(['#refugeeswelcome at the town hall', '#womenarenotstupid', 'the therapist said so']),
      [],
    );
  });
});
