/**
 * Rules that look for who a text is aimed at and what it says of them: violence wished on or
 * promised to a person or a group, negative claims about a group (stereotypes, negated praise,
 * "go home"), conspiracy tropes, sexist put-downs of women in politics, and slurs. Each hit names
 * its target, so a hold can be explained ("threat aimed at a person", "… aimed at a group: Jews").
 */
import {
  DEHUMANISING_WORDS,
  GROUP,
  GROUP_NAMED,
  PERSON,
  STEREOTYPE_WORDS,
  findSlurs,
  groupName,
} from './lexicon.js';
import type { CivilityLabel, RuleHit, RuleKind } from './rules.js';

/** Words and phrases of physical violence against someone. */
const VIOLENCE =
  '(?:kill(?:s|ed|ing)?|murder(?:s|ed)?|stab(?:s|bed|bing)?|shoot(?:s)?|shot|hang(?:s|ed|ing)?|hung|lynch(?:ed)?|burn(?:s|ed|ing)?|beat(?:s|en|ing)?|beating|bleed|rape(?:d|s)?|strangle(?:d)?|behead(?:ed)?|bullets?(?!-)|knife(?!\\s+(?:crime|amnesty|arch(?:es)?|edge))|knives(?!\\s+(?:crime|amnesty))|acid|petrol|bomb(?:ed)?|ambulance|ditch|in\\s+the\\s+ground|break\\s+(?:your|ur|his|her|their)\\s+(?:legs|neck|face|arms|bones|jaw|nose|skull|ribs|fingers|back|spine)|snap\\w*\\s+(?:your|ur|his|her|their)\\s+(?:neck|legs|arms|spine)|smash\\s+(?:your|ur|his|her|their)\\s+(?:face|skull|head)|off\\s+the\\s+road|lampposts?|take\\s+up\\s+arms|round\\s+(?:up|them\\s+up)|(?:slow|painful)\\s+death|die|dies|dead|hurt|hunt\\s+(?:you|him|her|them)\\s+down|what\\s+jo\\s+(?:cox\\s+)?got|(?:another|the\\s+next|next)\\s+jo\\s+cox|never\\s+walk\\s+home\\s+safe|(?:not|never)\\s+be\\s+gentle|a\\s+brick|blade|throat|rope|noose|in\\s+a\\s+box|body\\s*bags?|watch\\s+(?:your|their|his|her)\\s+backs?|torch(?:ed)?|gas(?:sed)?|exterminat\\w*|wipe\\w*\\s+out' +
  // More of the ways violence is promised: fire, drowning, beatings, being made to vanish.
  '|set\\s+(?:on\\s+fire|alight|light\\s+to)|burn[a-z]*\\s+out|burnt|fire-?bomb\\w*|petrol\\s+bomb\\w*|drown(?:s|ed|ing)?|slit|strangl\\w*|(?:heads?|faces?|teeth)\\s+kicked\\s+in|kick(?:ed|ing)?\\s+(?:in|to\\s+death)|beaten\\s+(?:up|to\\s+death)|battered|glassed|bricks?\\s+through|disappear|six\\s+feet\\s+under|finish\\s+(?:them|him|her|you)\\s+off|teach\\s+(?:you|him|her|them)\\s+a\\s+lesson|shot\\s+dead|firing\\s+squad' +
  // Harm wished or promised in other words: injuries, hospital, being run over or found dead.
  '|break\\w*\\s+(?:\\w+\\s+){0,2}bones?|to\\s+a\\s+pulp|knock\\w*\\s+(?:his|her|their|your)\\s+(?:teeth|head|block)\\s+(?:out|off|in)|a\\s+kicking(?!\\s+(?:at|in)\\s+the\\s+(?:ballot|polls?|elections?|box))|knife\\s+in\\s+(?:the|his|her|their|your)\\s+(?:ribs|back|gut)' +
  '|put\\w*\\s+(?:\\w+\\s+){1,3}in\\s+(?:hospital|intensive\\s+care|a\\s+coma|a\\s+wheelchair)\\b(?!\\s+(?:budgets?|beds?|funding|staff|trusts?|car\\s+parks?))' +
  '|(?:run|ran|runs)\\s+(?:him|her|them|you)\\s+over|(?:get|gets|got|be|been|getting)\\s+run\\s+over|hunted\\s+down|torch(?:es|ing)' +
  '|(?:not|never)\\s+walk\\s+again|never\\s+(?:get|gets|wake|wakes)\\s+up|(?:fall|falls|fell|trip|trips|tripped|pushed|thrown)\\s+down\\s+(?:the\\s+)?(?:\\w+\\s+)?stairs|(?:go|goes|going|went|come|comes|coming|leave|leaves|leaving|home|back|out)\\s+in\\s+pieces|choke[sd]?|choking' +
  '|(?:heads?|skulls?|faces?|brains?)\\s+(?:stoved|caved|smashed|bashed|beaten)\\s+in|(?:stove|cave)\\w*\\s+(?:\\w+\\s+)?(?:head|skull|face)\\s+in|blow\\w*\\s+(?:\\w+\\s+)?(?:brains|heads?)\\s+(?:out|off)' +
  "|(?:won'?t|will\\s+not|not|never)\\s+(?:\\w+\\s+){1,3}in\\s+one\\s+piece|push\\w*\\s+(?:\\w+\\s+){0,2}(?:under|in\\s+front\\s+of)\\s+(?:a|the)\\s+(?:train|bus|tube|lorry|car)|under\\s+(?:a|the)\\s+(?:train|tube|lorry)" +
  '|(?:cancer|death|harm|aids)\\s+(?:on|upon)\\b|(?:gets?|catch(?:es)?|got)\\s+(?:cancer|aids|ebola)\\b(?!\\s+(?:treatment|care|screening|tests?|support|checks?|diagnos\\w*|research))' +
  "|machetes?|crowbars?|baseball\\s+bats?|knuckle\\s*dusters?|grab\\s+(?:the|your)\\s+(?:bats|weapons|pitchforks)|(?:hammer|bat|brick|crowbar|axe)\\s+to\\s+(?:[\\w']+\\s+){0,2}(?:head|skull|face|knees?|legs?)\\b(?!\\s+of\\b)" +
  '|(?:put|putting|puts)\\s+a\\s+(?:round|bullet|slug)\\s+(?:through|in|into)|sinks?\\s+with\\s+(?:everyone|all|them|every)|(?:another|a\\s+new|a\\s+second|the\\s+next)\\s+(?:holocaust|kristallnacht|pogrom|final\\s+solution)|finish\\s+what\\s+hitler' +
  '|thrown\\s+(?:off|from)\\s+(?:a\\s+|the\\s+)?(?:buildings?|roofs?|rooftops?|bridges?|cliffs?|towers?)|throw\\w*\\s+(?:\\w+\\s+){0,2}(?:off|from)\\s+(?:a\\s+|the\\s+)?(?:buildings?|roofs?|rooftops?|bridges?|cliffs?)|swinging(?=\\s*(?:[.!?]|$))' +
  '|found\\s+(?:dead|face\\s+down|in\\s+(?:the|a)\\s+(?:canal|river|ditch|woods|sea|thames|harbour))|swinging\\s+from|(?:long|slow|lingering)\\s+(?:and\\s+painful\\s+)?illness' +
  "|take\\s+(?:him|her|them)\\s+out\\b(?!\\s+(?:for|to|of|on))|take\\s+out\\s+(?:the|that|this)\\s+(?:mp|member|minister|\\w+\\s+secretary|councillor|mayor|leader)|what(?:'s|\\s+is)\\s+coming\\s+to\\s+(?:them|him|her|you)\\b)";

/** What turns a violent word into a threat or a wish: intent, a wish, a condition, a call. */
const INTENT =
  "(?:\\bi(?:'ll|ll|\\s+will|\\s+shall|'m\\s+going\\s+to|\\s+am\\s+going\\s+to|'m\\s+gonna|\\s+am\\s+gonna|\\s+swear|\\s+would|'d)|\\bwe(?:'ll|\\s+will|\\s+are\\s+coming|'re\\s+coming|\\s+should|\\s+must)|\\bhope|\\bwish|\\bshould|\\bdeserves?|\\bneeds?\\s+to|\\bought\\s+to|\\bwill\\s+be|\\bcan'?t\\s+wait|\\bif\\b|\\bor\\s+else|\\bnext\\s+time|\\btime\\s+to|\\blet'?s|\\bsomeone|\\bsomebody|\\bone\\s+more|\\bkeep\\s+talking|\\bwatch\\s+yourself|\\bvote\\s+for|\\bclose\\s+our|\\bshows?\\s+(?:his|her|their)\\s+face|\\bwould\\s+pay|\\bgets?\\s+(?:a|what)|\\byou(?:'re|\\s+are)\\s+dead|\\bwe\\s+know\\s+where|\\bkill\\s+all|\\bwaiting\\s+outside|\\bmake\\s+(?:you|him|her|them)\\b|\\byou\\s+have\\s+been\\s+warned|\\blet\\s+us\\s+see|\\bwatch\\s+(?:your|their|his|her)\\s+backs?|\\bwill\\s+(?:burn|die|hang|bleed|pay|suffer|be\\s+dead)\\b|\\b(?:will|are|is|gonna|going\\s+to)\\s+(?:get|getting)\\b|\\bhad\\s+better\\b|\\b(?:i'?d|i\\s+would|would)\\s+happily\\b|\\b(?:any|anyone|anybody|every)\\b[^.!?\\n]{0,40}\\bwill\\b" +
  // Wishes and dares: "may he …", "here's hoping", "would love to see", "… and you will …".
  '|^\\W*may\\s+(?:he|she|they|you|the|that|his|her|their)\\b|\\bpray(?:ing)?\\b|\\bfingers\\s+crossed|\\bhoping\\b|\\bwishing\\b|\\b(?:love|like|want)\\s+to\\s+see\\b|\\b(?:needs?|wants?)\\s+(?:an?|another)\\b' +
  "|\\b(?:wouldn'?t|would\\s+not|won'?t)\\s+(?:mind|cry|care|shed\\s+a\\s+tear|lose\\s+sleep)|\\bthrow\\s+a\\s+party|\\b(?:i'?d|i\\s+would|we'?d)\\s+(?:laugh|cheer|dance|celebrate|pay|buy)\\b" +
  "|\\band\\s+(?:you|he|she|they|we|your|his|her)\\b[^.!?\\n]{0,20}?\\b(?:will|'ll|gets?|goes|go)\\b|\\bagain\\b[^.!?\\n]{0,30}\\b(?:we|i)(?:'ll|\\s+will)\\b|\\bis\\s+getting\\b)";

const SENTENCE = /[^.!?\n]+[.!?\n]*/g;

/** Negative claims about a group: stereotypes and put-downs. */
const STEREOTYPE = `(?:lazy|scroungers?|spongers?|dirty|filthy|smell|stink|thieves|criminals?|crime|rapists?|terrorists?|groomers?|paedos?|paedophiles?|liars?|violent|thick|stupid|dumb|primitive|backward|savages?|inferior|a\\s+drain|drain\\s+on|breed(?:ing)?|diseased|perverts?|greedy|rob\\s+you|steal|cheats?|untrustworthy|in\\s+their\\s+blood|ruin(?:ing|ed)?|invaders?|invading|infest\\w*|swarm\\w*|flooding|taking\\s+over|take\\s+over|leeches|freeloaders|scum|trash|worthless|disgusting|evil|mentally\\s+ill|unnatural|abomination|degenerates?|subhuman|vermin|animals|rats|parasites|cockroaches|plague|cancer|a\\s+disease|knives\\s+come\\s+out|can'?t\\s+be\\s+trusted|give\\s+nothing\\s+back|more\\s+violent|born\\s+liars|too\\s+thick|danger|dangerous|faking|scam\\w*|tight-fisted|stingy|(?:only|just)\\s+care\\s+about\\s+money|predators?|on\\s+the\\s+(?:fiddle|take|scrounge|dole|rob)|money-grabbing|deranged|emotional|hormonal|cowboys|no\\s+better\\s+than|nothing\\s+more\\s+than|sewer|pests|(?:can'?t|cannot|won'?t|never|refuse\\s+to)\\s+integrate|in\\s+their\\s+(?:religion|genes|nature|dna|culture)|marry\\s+their\\s+(?:own\\s+)?cousins|inbred|(?:just|only)\\s+(?:\\w+\\s+){0,3}(?:for|to\\s+claim|to\\s+get)\\s+(?:the\\s+)?(?:benefits|handouts|free\\s+\\w+)|scammers?|pickpockets?|beggars|${STEREOTYPE_WORDS}|${DEHUMANISING_WORDS})`;
const AGAINST_GROUP =
  "(?:never\\s+trust|don'?t\\s+trust|can\\s+never\\s+trust|can'?t\\s+trust|don'?t\\s+hire|never\\s+hire|hate|despise|can'?t\\s+stand|never\\s+met|get\\s+rid\\s+of|ban|i\\s+see|(?:will\\s+)?never\\s+accept|won'?t\\s+accept)";

/** "… are not worth …", "… will never be real Britons": praise or belonging, denied. */
const NEGATION =
  "(?:(?:are|is|will|do|does|can|could|were|was|should)\\s+(?:not|never)|aren'?t|isn'?t|don'?t|doesn'?t|won'?t|can'?t|cannot|never|no)";
const DENIED =
  '(?:worth|real|true|proper|capable|fit|human|welcome|belong|deserve|british|english|scottish|welsh|equal|trusted|trustworthy|intelligent|smart|clever|better\\s+than|citizens|able\\s+to\\s+think|use|place|allowed|normal|people\\s+like\\s+us)';

/** Places people are told to "go back to". */
const ELSEWHERE =
  '(?:where|wherever|your\\s+own|your\\s+(?:country|village|hut|cave|mud\\s+hut)|africa|asia|pakistan|india|bangladesh|china|poland|romania|albania|bulgaria|lithuania|nigeria|ghana|somalia|eritrea|sudan|jamaica|the\\s+caribbean|syria|iraq|iran|afghanistan|turkey|ukraine|russia|morocco|algeria|egypt|libya|kenya|uganda|zimbabwe|the\\s+congo|kabul|lagos|karachi|delhi|dhaka|mogadishu|islamabad|the\\s+middle\\s+east|france|calais|the\\s+jungle|the\\s+desert|the\\s+caves?|there)';
/** A first person going back somewhere is a trip, not an order ("I should go back to Poland"). */
const NOT_ME =
  "(?<!\\b(?:i|we|i'll|we'll|i'd|we'd|i\\s+(?:should|must|can|could|will|might|may|want\\s+to|need\\s+to)|we\\s+(?:should|must|can|could|will|might|may|want\\s+to|need\\s+to)|never|to)\\s)";
/** Where an order starts: a clause's start, or after "should", "just", "you lot"… */
const ORDER =
  '(?:(?<=^|[.!?,;:]\\s*)|(?<=\\b(?:should|must|needs?\\s+to|ought\\s+to|just|then|now|so|please|lot|you|u|ya|and|all)\\s+))';
const EXCLUSION = new RegExp(
  '(?:^|[.!?,]\\s*)(?:now\\s+)?(?:go|get|fuck\\s*off|piss\\s+off)\\s+(?:back\\s+)?home\\b' +
    `|\\b(?=go\\b|get\\b|fuck|piss\\s|sod\\s|clear\\s|swim\\b)${NOT_ME}${ORDER}(?:go|get|fuck\\s*off|piss\\s+off|sod\\s+off|clear\\s+off|swim)\\s+(?:(?:right|straight|all)\\s+)?back\\s+(?:home\\s+)?(?:to\\s+)?${ELSEWHERE}\\b` +
    `|\\b(?=ship|send|deport|fly\\s|put\\s)${NOT_ME}(?:ship(?:ping)?|send(?:ing)?|deport|fly|put)\\s+(?:them|him|her|you|'?em|the\\s+lot(?:\\s+of\\s+(?:them|you))?|all|every\\s+one|(?!(?:it|this|that|these|those|the|a|an|my|your|our|his|its|their|back|me|us)\\b)[a-z]+)\\s+(?:(?:of\\s+them|all|right|straight)\\s+)*back\\s+(?:home\\s+)?(?:to\\s+)?${ELSEWHERE}\\b` +
    `|\\b(?:needs?|should\\s+be|must\\s+be|to\\s+be)\\s+(?:shipp(?:ing|ed)|sent|deported|flown)\\s+back\\s+(?:home\\s+)?(?:to\\s+)?${ELSEWHERE}\\b` +
    `|(?:^|[.!?,]\\s*)back\\s+to\\s+${ELSEWHERE}\\s+with\\s+(?:the\\s+lot\\s+of\\s+)?(?:you|them|ya)\\b` +
    `|\\b(?=get\\s+back\\s+on\\s)${NOT_ME}${ORDER}get\\s+back\\s+on\\s+(?:the|a|your|her|his|their)\\s+(?:\\w+\\s+)?(?:boat|dinghy|raft|plane)\\b` +
    "|\\b(?:love|like)\\s+(?:\\w+\\s+){1,2}so\\s+much\\W+(?:then\\s+|why\\s+not\\s+|why\\s+don'?t\\s+(?:you|they)\\s+)?(?:go|move|get|fuck\\s*off)\\s+(?:back|there|home)\\b" +
    '|\\b(?:should|must|needs?\\s+to|ought\\s+to)\\s+be\\s+deported\\b|\\bdeport\\s+(?:them|him|her|all|every)\\b' +
    '|\\bsend\\s+(?:them|him|her|you)\\s+(?:all\\s+)?(?:back|home)\\b|\\bship\\s+(?:them|him|her)\\s+(?:home|back)\\b' +
    '|\\bwill\\s+never\\s+be\\s+(?:british|english|one\\s+of\\s+us)\\b|\\bnobody\\s+wants\\s+(?:you|them)\\s+here\\b',
  'g',
);
/** A word every EXCLUSION match holds: most texts have none and skip its scan. */
const EXCLUSION_GATE = /\b(?:home|back|deport|send|ship|never\s+be|nobody|so\s+much)/;
const CONSPIRACY = new RegExp(
  '\\brothschilds?\\b(?!\\s+(?:family\\s+)?(?:archives?|museum|foundation|prize|giraffes?|collection|waddesdon))|\\bsoros\\b|\\bkalergi\\b|\\bgreat\\s+replacement\\b|\\breplac(?:e|ing)\\s+(?:us|the\\s+english|the\\s+british|white)|\\b(?:replaced|breed\\s+out)\\b.{0,40}\\b(?:design|plan|english|british|white)' +
    '|\\bzionists?\\s+(?:pull|control|run|own|occupied)|\\bzionist\\s+occupied|\\bzog\\b|\\b(?:jewish|zionist)\\s+(?:bankers?|lobby|money|cabal|elite|media|press|puppet)|\\bisrael\\s+(?:tells|controls|runs|owns)\\b|\\ball\\s+of\\s+one\\s+tribe|\\ba\\s+plot\\s+by\\s+the' +
    '|\\b(?:jews|jewish\\s+people)\\s+(?:control|run|own|killed|are\\s+behind)|\\bpuppets?\\s+(?:for|of)\\s+the\\s+(?:jewish|zionist|globalist)|\\banswers?\\s+to\\s+israel\\b|\\bdual\\s+loyalt(?:y|ies)\\b|\\bloyal\\s+to\\s+israel\\b|\\bwhatever\\s+(?:israel|tel\\s+aviv)\\s+(?:wants|says|tells)' +
    '|\\bholocaust\\s+(?:was\\s+(?:exaggerated|a\\s+hoax|a\\s+lie|made\\s+up|invented)|never\\s+happened|hoax|lie)\\b|\\bglobalist\\s+(?:jews|elites?|bankers|cabal)|\\bcultural\\s+marxis\\w*' +
    '|\\bislami[sz]\\w*|\\bsharia\\s+(?:law\\s+)?(?:takeover|plan)|\\bbring\\s+in\\s+sharia|\\b(?:muslims|migrants|they)\\s+(?:breed|are\\s+breeding)\\s+(?:faster|on\\s+purpose)|\\bsecretly\\s+taking\\s+over' +
    '|\\b(?:deliberately|on\\s+purpose)\\s+(?:infecting|flooding|importing)|\\bimporting\\s+(?:immigrants|migrants)\\s+to\\b|\\bpart\\s+of\\s+a\\s+(?:plan|plot|takeover)|\\bas\\s+part\\s+of\\s+a\\s+takeover',
  'g',
);

const MISOGYNY = new RegExp(
  '\\bget\\s+back\\s+(?:in|to|into)\\s+the\\s+kitchen|\\bback\\s+in\\s+the\\s+kitchen|\\b(?:slept|sleeping|sleep|shagged|shagging)\\s+(?:her|their)\\s+way|\\bon\\s+her\\s+back\\b|\\bjust\\s+a\\s+(?:woman|girl)\\b|\\btypical\\s+(?:woman|female|bird)\\b' +
    "|\\b(?:go\\s+and\\s+|should\\s+)?(?:have|make|making)\\s+babies\\b|\\bwomen\\s+(?:should\\s+never|shouldn'?t|should\\s+not)\\s+(?:have\\s+)?(?:been\\s+given|be\\s+allowed|have|get)\\s+the\\s+vote" +
    '|\\b(?:women|woman|girls?)\\s+(?:like\\s+(?:\\w+\\s+){1,3}?)?(?:have|has)\\s+no\\s+(?:business|place|right)\\s+(?:in|being)\\b|\\bhysterical\\b|\\b(?:learn|know)\\s+(?:her|their)\\s+place\\b|\\bbimbo\\b|\\bairhead\\b|\\bpmt\\b|\\btime\\s+of\\s+the\\s+month|\\b(?:at|stay)\\s+home\\s+with\\s+the\\s+(?:kids|children|baby)|\\bmake\\s+the\\s+tea\\b|\\bonly\\s+good\\s+for\\b|\\bgood\\s+for\\s+is\\b|\\bsilly\\s+(?:little\\s+)?(?:girl|cow|woman|bitch)' +
    "|\\b(?:stupid|dumb|ugly|silly|fat|old|daft|useless|hormonal|menopausal|shrill)\\s+(?:witch|hag|harridan|trout|crone|slag|whore|cow|bitch|slut|tart|bint)\\b|\\b(?:a|an|you|she'?s)\\s+(?:\\w+\\s+)?(?:slag|whore|slut|tart|bint)\\b|\\bneeds?\\s+a\\s+good\\s+(?:slap|seeing\\s+to|shag)" +
    "|\\bonly\\s+(?:got|gets?|in|won|there|selected|elected|promoted|picked|hired|appointed)\\b[^.!?\\n]{0,40}\\bbecause\\s+(?:she'?s|she\\s+is|she\\s+was|of\\s+her)\\s+(?:a\\s+)?(?:woman|female|fit|pretty|hot|blonde|looks|legs|tits|body|gender|sex)\\b" +
    '|\\b(?:put|keep)\\s+(?:\\w+\\s+){0,3}?(?:back\\s+)?in\\s+(?:her|their)\\s+place\\b|\\bback\\s+in\\s+her\\s+place\\b|\\b(?:she|her|women|woman|girls?|wives|mps?|ministers?|councillors?|cllr\\s+\\w+)\\s+(?:\\w+\\s+){0,2}?(?:belongs?|should\\s+be|stay|stick|be|go|back)\\s+(?:in|to|into)\\s+(?:a|the|her)\\s+kitchen\\b|\\bfeminazis?\\b|\\bharp(?:y|ies)\\b|\\b(?:slags|whores|sluts|bints)\\b' +
    '|\\b(?:by|for|from)\\s+(?:sleeping|shagging)\\s+with\\b|\\bget\\s+(?:your|her|them)\\s+(?:tits|boobs|baps)\\s+out\\b' +
    '|\\brape\\s+(?:her|him|you|them|\\w+\\s+mp)\\b|\\bteach\\s+her\\s+a\\s+lesson|\\bshut\\s+her\\s+(?:mouth|up|trap)|\\bno\\s+brain\\W+typical',
  'g',
);

/** Idioms with violent words ("kill the bill", "smash the target"): blanked before the rules. */
export const IDIOMS =
  /\bkill(?:ing)?\s+(?:the|this|that)\s+(?:bill|plan|motion|proposal|scheme|cuts?)\b|\bkill(?:ing)?\s+it\b|\b(?:could|i'?d|would)\s+kill\s+(?:for|to)\b|\bsmash(?:ed|ing)?\s+(?:the|our|this|that)\s+(?:target|record|goal)|\bknock\s+(?:them|'?em)\s+dead|\bdestroy\s+the\s+(?:opposition|argument)|\battack\s+the\s+problem|\bbury\s+(?:this|the|that)\s+(?:plan|bill|motion)|\bmurdered\s+in\s+the\s+(?:debate|polls)|\bshoot\s+(?:me|us)\s+an?\s+(?:email|message|text|line)|\btake\s+a\s+shot\s+at|\bbreak\s+a\s+leg|\bfight\s+them\s+on|\bwhere\s+it\s+hurts|(?<!\bset\s+)\bon\s+fire\b|\bblow\s+the\s+whistle|\bbeat\s+the\s+(?:deadline|queue|rush)|\bknockout\s+blow|\bcrush\s+the\s+(?:turnout|record)|\bmassacre\s+for|\bdied\s+in\s+committee|\bdead\s+(?:heat|cert|right|end)|\bdrop\s+dead\s+gorgeous|\bdead\s+(?:in\s+the\s+water|and\s+buried|duck)|\bover\s+my\s+dead\s+body|\bdead\s+horse|\b(?:political|party|social)\s+animal|\brat\s+race|\bguinea\s+pigs?|\bsnake\s+oil|\bfat\s+cats?|\blone\s+wolf/g;

export interface TargetedHit extends RuleHit {
  /** "a person", or a group's name */
  target?: string;
  /** The rule, in words a writer and a moderator understand. */
  rule: string;
}

function hit(
  kind: RuleKind,
  label: CivilityLabel,
  start: number,
  end: number,
  rule: string,
  target?: string,
): TargetedHit {
  return { kind, label, start, end, directed: false, rule, ...(target ? { target } : {}) };
}

const GROUP_RE = new RegExp(`\\b${GROUP}\\b`);
const NAMES_GROUP = new RegExp(`\\b${GROUP_NAMED}\\b`);
const PERSON_RE = new RegExp(`\\b${PERSON}\\b`);
const VIOLENT_RE = new RegExp(`\\b${VIOLENCE}\\b`);
const INTENT_RE = new RegExp(INTENT);
const INTENT_ALL = new RegExp(INTENT, 'g');
/** What may follow or precede a named group: one scan for groups, then these, anchored. */
const GROUP_G = new RegExp(`\\b${GROUP}\\b`, 'g');
const AFTER_CLAIM = new RegExp(`[^.!?\\n]{0,60}?\\b${STEREOTYPE}\\b`, 'y');
/** "… are not thieves", "… aren't mentally ill": the claim denied, which is no claim. */
const AFTER_DENIED_CLAIM = new RegExp(
  `(?:\\s+(?:really|actually|simply|just))?\\s+(?:(?:are|is|were|was)\\s+(?:not|never)|aren'?t|isn'?t|weren'?t|wasn'?t)\\s+(?:(?:all|really|actually|just|simply|any|somehow|naturally|inherently|by\\s+nature|a|an)\\s+)*["“']?${STEREOTYPE}\\b`,
  'y',
);
/** "… are often the victims of scams", "… are accused of being…": the group is not the subject. */
const VICTIM_OF =
  /\b(?:victims?\s+of|targeted\s+by|attacked\s+by|abused\s+by|harassed\s+by|afraid\s+of|scared\s+of|protect\w*\s+(?:\w+\s+)?from|at\s+risk\s+(?:of|from)|safe\s+from|fear\s+of|accused\s+of|smeared\s+as|portrayed\s+as|stereotyped\s+as|falsely\s+\w+|treated\s+as|flee(?:ing)?|fled|escap(?:e|ed|ing)|suffer\w*\s+from|hit\s+(?:hardest\s+)?by)\b/;
const AFTER_DENIED = new RegExp(
  `\\s+(?:\\w+\\s+){0,2}?${NEGATION}\\s+(?:\\w+\\s+){0,3}?${DENIED}\\b`,
  'y',
);
const AFTER_OUT = /\s+out\s+(?:of|now)\b/y;
const AFTER_SEND_BACK = /\s+(?:all\s+)?(?:back|home)\b/y;
const BEFORE_AGAINST = new RegExp(`\\b${AGAINST_GROUP}\\s+(?:every\\s+(?:last\\s+|single\\s+)?)?$`);
const NOT_AGAINST =
  /\b(?:don'?t|do\s+not|did\s+not|didn'?t|never|not|no\s+reason\s+to)\s+(?:\w+\s+)?$/;
const BEFORE_TYPICAL = /\btypical\s+$/;
const AFTER_TYPICAL = /^\s*(?:[,.!?;:]|$|behaviou?r|attitude|mentality|logic|thinking|trick)/;
const BEFORE_NO_MORE = /\bno\s+more\s+$/;
/** "a plague of …", "an infestation of …": a group named as vermin in a swarm. */
const BEFORE_SWARM =
  /\b(?:a|an|the)\s+(?:plague|infestation|nest|swarm|horde|hordes|colony|breeding\s+ground|outbreak|invasion)\s+of\s+$/;
const BEFORE_SEND = /\bsend\s+$/;
const EXCLUDED = 'telling someone they do not belong here';

function targetIn(text: string): string | undefined {
  const group = GROUP_RE.exec(text);
  if (group) return groupName(group[1]!) ?? group[1]!;
  if (PERSON_RE.test(text) || /\b(?:your|his)\b/.test(text)) return 'a person';
  // "let us see…" is the writer speaking, not someone aimed at.
  if (
    /\b(?:them|they|(?<!\blet\s)us|every\s+(?:single\s+)?one\s+of|every\s+last\s+one|everyone\s+(?:on|in|inside)|all\s+on\s+board)\b/.test(
      text,
    )
  )
    return 'a group';
  return undefined;
}

/**
 * Threats that name no violence: "accidents happen to MPs who…", "her days are numbered", "we
 * know which train she takes". They still need someone in the sentence to be aimed at.
 */
const VEILED_RE = new RegExp(
  '\\baccidents\\s+(?:happen|can\\s+happen|will\\s+happen)\\s+to\\b|\\b(?:his|her|their|your)\\s+days\\s+are\\s+numbered\\b(?!\\s+(?:as|in\\s+(?:office|post|the\\s+job|politics)|if))' +
    "|\\b(?:will\\s+not|won'?t|never)\\s+(?:live\\s+to\\s+)?see\\s+(?:the\\s+end\\s+of\\s+the\\s+(?:year|month|week)|christmas|another\\s+(?:year|birthday|christmas))\\b(?!\\s+(?:as|in\\s+(?:office|post|the\\s+job)))" +
    '|\\b(?:we|i)\\s+know\\s+(?:where\\s+(?:you|he|she|they)\\s+(?:live|lives|sleep|sleeps|park|parks|drink|drinks|work|works|walk|walks)|where\\s+(?:your|his|her|their)\\s+\\w+\\s+(?:live|lives|go|goes|sleep|sleeps|is|are)|which\\s+\\w+\\s+(?:you|he|she|they)\\s+\\w+|what\\s+time\\s+(?:you|he|she|they))\\b|\\bfind\\s+(?:your|his|her|their)\\s+(?:kids|children|family|wife|husband|daughters?|sons?)\\b(?!\\s+(?:a|an|some|the|places?|school|homes?|work|jobs?|help|support))|\\b(?:see|watch)\\s+what\\s+happens\\s+to\\s+(?:you|u|him|her|them)\\b(?!\\s+(?:proposal|plan|bill|motion|policy|budget|career|seat|majority|vote|party|campaign|idea|figures?|numbers?|scheme)\\b)' +
    '|\\b(?:see|watch)\\s+what\\s+happens\\s+to(?=\\s+[a-z]+\\s+[a-z]+\\s+(?:after|when|if|once|now|next)\\b)' +
    '|\\b(?:had\\s+better|better|should)\\s+(?:sleep\\s+with\\s+one\\s+eye\\s+open|check\\s+under\\s+(?:their|your|his|her)\\s+cars?|keep\\s+(?:their|your|his|her)\\s+doors?\\s+locked)' +
    "|\\b(?:we|i)(?:'ll|\\s+will|\\s+are\\s+going\\s+to|'re\\s+going\\s+to|'re\\s+gonna)\\s+find\\s+(?:your|his|her|their)\\s+(?:home\\s+)?(?:house|home|address)\\b" +
    '|\\bcoming\\s+for\\s+(?:you|him|her|them)\\s+and\\s+(?:your|his|her|their)\\s+famil|\\bwill\\s+pay\\s+for\\s+what\\s+(?:you|he|she|they)\\s+(?:did|have\\s+done|said)\\b|\\b(?:bullets?|bombs?|knife|rope|coffin)\\b[^.!?\\n]{0,30}\\bname\\s+on\\s+it\\b' +
    '|\\b(?:had\\s+better|should)\\s+get\\s+a\\s+bodyguard\\b|\\bend\\s+up\\s+(?:dead|floating|in\\s+(?:a\\s+)?(?:ditch|coffin|body\\s+bag|the\\s+canal|the\\s+river))\\b',
);

/** "I will personally end <name>": a promise of violence whose object is a person's name. */
const BEFORE_NAMED_VICTIM =
  /\b(?:i|we)(?:'ll|ll|\s+will|\s+shall|'m\s+going\s+to|\s+am\s+going\s+to|'re\s+going\s+to|\s+are\s+going\s+to|'m\s+gonna|\s+gonna)\s+(?:\w+\s+)?(?:end|finish\s+off|kill|shoot|stab|murder|hang|gut|strangle|hunt\s+down|bury|batter|knife|glass)\s+$/;

/** Violence plus intent plus a target, within one sentence. */
function violence(folded: string, names: [number, number][]): TargetedHit[] {
  const out: TargetedHit[] = [];
  const violent = VIOLENT_RE;
  const intent = INTENT_RE;
  for (const [start, end] of names) {
    const before = BEFORE_NAMED_VICTIM.exec(folded.slice(Math.max(0, start - 50), start));
    if (before)
      out.push(
        hit(
          'violence',
          'threat',
          start - before[0].length,
          end,
          'violence wished on or promised to a person',
          'a person',
        ),
      );
  }
  // Most texts hold no word of violence and no veiled threat anywhere: one scan of the whole text
  // for each says so (a sentence can only match what the text does), and the sentences are skipped.
  if (!violent.test(folded) && !VEILED_RE.test(folded)) return out;
  for (const s of folded.matchAll(SENTENCE)) {
    const sentence = s[0];
    // A person named as people write names ("Pete Sandhu") is someone to aim at.
    const named = names.some(([start]) => start >= s.index && start < s.index + sentence.length);
    const veiled = VEILED_RE.exec(sentence);
    if (veiled) {
      const target =
        targetIn(sentence) ??
        (named || /\bname\s+on\s+it\b/.test(veiled[0]) ? 'a person' : undefined) ??
        (/\b(?:mps|msps|mlas|members|councillors|ministers|politicians|cabinet)\b/.test(sentence)
          ? 'a group'
          : undefined);
      if (target)
        out.push(
          hit(
            'violence',
            'threat',
            s.index + veiled.index,
            s.index + veiled.index + veiled[0].length,
            `violence wished on or promised to ${target}`,
            target,
          ),
        );
      continue;
    }
    const v = violent.exec(sentence);
    if (!v) continue;
    let i = intent.exec(sentence);
    if (!i) continue;
    const target = targetIn(sentence) ?? (named ? 'a person' : undefined);
    if (!target) continue;
    // The intent nearest the violence: in "no councillor should be told they will be found in a
    // canal" the threat is "will be found…", which sits inside the reported words.
    for (const other of sentence.matchAll(INTENT_ALL))
      if (Math.abs(other.index - v.index) < Math.abs(i.index - v.index)) i = other;
    // From the intent to the violence, so a threat reported after "he said that" is a mention.
    const start = s.index + Math.min(v.index, i.index + (i[0].length - i[0].trimStart().length));
    const end = s.index + Math.max(v.index + v[0].length, i.index + i[0].length);
    out.push(
      hit('violence', 'threat', start, end, `violence wished on or promised to ${target}`, target),
    );
  }
  return out;
}

/**
 * What a person is likened to when dehumanised: the plural lists' words, and beasts, vermin and
 * rot in the singular ("a worm", "a festering boil"); "a creature of habit" is not one.
 */
const BEAST =
  'monkey|ape|rat|pig|animal|cockroach|parasite|leech|maggot|beast|savage|worm|snake|slug|reptile|rodent|vermin|tick|louse|hyena|jackal|vulture|insect|creature|subhuman|sub-human|tumou?r|boil|turd|virus|cancer|amoeba|invertebrate|bacteri(?:um|a)|germ|fungus|pestilence|plague|disease';
const LIKENED = `(?:is|was|are|'s|'re)\\s+(?:(?:basically|just|nothing\\s+but|like|no\\s+better\\s+than|a|an|such\\s+a|an?\\s+[\\w-]+)\\s+){0,3}(?:${DEHUMANISING_WORDS}|${BEAST})\\b(?![-'])(?!\\s+(?:of|survivors?|patients?|specialist|research\\w*|nurse|doctor|charity|campaigner|expert|catcher|charmer|box|scientist|lovers?|welfare|farmers?|farm|keepers?|breeders?|sanctuary|rights|whisperer|impression|costume|mascot)\\b)`;
/** A person likened to vermin or beasts: "the MP is basically a monkey in a suit". */
const PERSON_DEHUMANISED = new RegExp(`\\b${PERSON}\\s+${LIKENED}`, 'g');
/** The same after a person's name, read from the end of the name. */
const NAME_DEHUMANISED = new RegExp(`\\s+${LIKENED}`, 'y');

function groupClaims(
  folded: string,
  groupNamed: boolean,
  names: [number, number][],
): TargetedHit[] {
  const out: TargetedHit[] = [];
  for (const [start, end] of names) {
    NAME_DEHUMANISED.lastIndex = end;
    const m = NAME_DEHUMANISED.exec(folded);
    if (m)
      out.push(
        hit(
          'dehumanising',
          'hate',
          start,
          end + m[0].length,
          'a dehumanising comparison',
          'a person',
        ),
      );
  }
  for (const m of folded.matchAll(PERSON_DEHUMANISED))
    out.push(
      hit(
        'dehumanising',
        'hate',
        m.index,
        m.index + m[0].length,
        'a dehumanising comparison',
        'a person',
      ),
    );
  if (!groupNamed) return out;
  for (const m of folded.matchAll(GROUP_G)) {
    const start = m.index;
    const end = start + m[0].length;
    const name = groupName(m[1]!) ?? 'a group';
    const before = folded.slice(Math.max(0, start - 40), start);
    /** Where a phrase found in `before` starts in the folded text. */
    const from = (match: RegExpExecArray) => start - (before.length - match.index);
    const follows = (re: RegExp) => {
      re.lastIndex = end;
      const f = re.exec(folded);
      return f ? end + f[0].length : -1;
    };
    const claim = follows(AFTER_CLAIM);
    if (claim >= 0 && follows(AFTER_DENIED_CLAIM) < 0 && !VICTIM_OF.test(folded.slice(end, claim)))
      out.push(hit('derogation', 'hate', start, claim, 'a negative claim about a group', name));
    const against = BEFORE_AGAINST.exec(before);
    // "I don't hate Muslims" says the opposite
    if (against && !NOT_AGAINST.test(before.slice(0, against.index)))
      out.push(
        hit('derogation', 'hate', from(against), end, 'a negative claim about a group', name),
      );
    const denied = follows(AFTER_DENIED);
    if (denied >= 0)
      out.push(
        hit('negatedGroup', 'hate', start, denied, 'a group denied worth or belonging', name),
      );
    const outOf = follows(AFTER_OUT);
    if (outOf >= 0) out.push(hit('exclusion', 'hate', start, outOf, EXCLUDED, name));
    const swarm = BEFORE_SWARM.exec(before);
    if (swarm)
      out.push(hit('dehumanising', 'hate', from(swarm), end, 'a dehumanising comparison', name));
    // "Typical Pakistani, …": a person's doing put down to their group
    const typical = BEFORE_TYPICAL.exec(before);
    if (typical && AFTER_TYPICAL.test(folded.slice(end, end + 20)))
      out.push(
        hit('derogation', 'hate', from(typical), end, 'a negative claim about a group', name),
      );
    const noMore = BEFORE_NO_MORE.exec(before);
    if (noMore) out.push(hit('exclusion', 'hate', from(noMore), end, EXCLUDED, name));
    const sendBack = BEFORE_SEND.exec(before) ? follows(AFTER_SEND_BACK) : -1;
    if (sendBack >= 0) out.push(hit('exclusion', 'hate', start, sendBack, EXCLUDED, name));
  }
  return out;
}

function patterned(
  folded: string,
  pattern: RegExp,
  kind: RuleKind,
  rule: string,
  fallback: string,
): TargetedHit[] {
  const out: TargetedHit[] = [];
  for (const m of folded.matchAll(pattern)) {
    const start = m.index + (m[0].length - m[0].trimStart().length);
    const sentenceStart = folded.lastIndexOf('.', m.index) + 1;
    const sentenceEnd = folded.slice(m.index).search(/[.!?\n]/);
    const sentence = folded.slice(
      sentenceStart,
      sentenceEnd < 0 ? folded.length : m.index + sentenceEnd,
    );
    out.push(hit(kind, 'hate', start, m.index + m[0].length, rule, targetIn(sentence) ?? fallback));
  }
  return out;
}

/** Nouns for people, insults included: "bitches ain't shit" is aimed at someone. */
const PEOPLE_NOUNS =
  'bitch\\w*|hoes?|thots?|whores?|sluts?|cunts?|twats?|dicks?|pricks?|idiots?|morons?|retards?|losers?|wankers?|bastards?|niggas?|niggaz|niggers?|fags?|faggots?|dykes?|queers?|guys?|somebody|someone|man|woman|men|girls?|boys?|bro|dude|mate|kids?|lads?|folks?|ppl|whites?|blacks?|asians?|gays?|jews?|muslims?|feminists?|liberals?|libtards?|tories|lefties|leftists?|snowflakes?|trump|obama';

/** Whether a text points at anyone at all: a person, a group, the reader or "them". */
export function hasTarget(folded: string): boolean {
  return TARGET.test(folded);
}
const TARGET = new RegExp(
  `\\b(?:${PERSON}|${GROUP_NAMED}|they|them|their|theirs|your|yours|yourself|ur|people|folk|${PEOPLE_NOUNS})\\b|@`,
);

export function findTargetedHits(
  folded: string,
  innocent?: [number, number][],
  names: [number, number][] = [],
): TargetedHit[] {
  // The group patterns are the slowest; most texts name no group at all.
  const groupNamed = NAMES_GROUP.test(folded);
  return [
    ...violence(folded, names),
    ...groupClaims(folded, groupNamed, names),
    ...(EXCLUSION_GATE.test(folded)
      ? patterned(folded, EXCLUSION, 'exclusion', EXCLUDED, 'a person')
      : []),
    ...patterned(folded, CONSPIRACY, 'conspiracy', 'a conspiracy trope', 'a group'),
    ...patterned(folded, MISOGYNY, 'misogyny', 'a sexist put-down', 'women'),
    ...findSlurs(folded, innocent).map((s) =>
      hit('slur', 'hate', s.start, s.end, `a slur against ${s.group}`, s.group),
    ),
  ];
}

/** Blanks idioms ("kill the bill") so neither the rules nor the model read them as threats. */
export function blankIdioms(folded: string): string {
  return folded.replace(IDIOMS, (m) => ' '.repeat(m.length));
}

/** An elected office as a campaign's reader is asked to contact it. */
const OFFICE_HELD =
  '(?:local\\s+)?(?:mp|member\\s+of\\s+parliament|councillors?|cllr|mayor|msp|ms|mla|representatives?)';
const CONTACT_VERB =
  '(?:write|email|e-mail|ring|phone|call|tell|ask|visit|contact|lobby|message|urge|remind|invite|send|flood)';
/**
 * A call to action to the reader about their representative: "Your MP decides this month. Write
 * to them", "email your councillor today". A sentence that starts with a contact verb (or
 * "please" and one), or a contact verb aimed at "your MP".
 */
const CALL_TO_ACTION = new RegExp(
  `(?:^|[.!?\\n:,;—–-]\\s*)(?:please\\s+|now\\s+|just\\s+)?${CONTACT_VERB}\\b[^.!?\\n]{0,40}?\\b(?:your|them|their)\\b|\\b${CONTACT_VERB}\\s+(?:to\\s+)?your\\s+${OFFICE_HELD}\\b`,
);
const YOUR_OFFICE = new RegExp(
  `\\byour\\s+${OFFICE_HELD}\\b|\\b(?<=${CONTACT_VERB}\\s+(?:to\\s+)?)them\\b`,
  'g',
);

/**
 * In a text that asks its reader to contact their representative, "your MP" and "write to them"
 * name whom to write to, not whom to abuse: they are blanked before the model reads the text and
 * before it is asked whether the text points at anyone. The rules still read every word.
 */
export function blankCallsToAction(folded: string): string {
  if (!CALL_TO_ACTION.test(folded)) return folded;
  return folded.replace(YOUR_OFFICE, (m) => ' '.repeat(m.length));
}
