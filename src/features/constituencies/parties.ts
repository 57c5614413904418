/** The party abbreviations the House of Commons Library files use, spelled out for people. */
const PARTY_NAMES: Record<string, string> = {
  Con: 'Conservative',
  Lab: 'Labour',
  LD: 'Liberal Democrat',
  SNP: 'Scottish National Party',
  PC: 'Plaid Cymru',
  Green: 'Green',
  UKIP: 'UKIP',
  BRX: 'Brexit Party',
  DUP: 'Democratic Unionist Party',
  SF: 'Sinn Féin',
  SDLP: 'Social Democratic and Labour Party',
  UUP: 'Ulster Unionist Party',
  Alliance: 'Alliance',
  APNI: 'Alliance',
  Spk: 'Speaker',
  Ind: 'Independent',
  Ash: 'Ashfield Independents',
  PBPA: 'People Before Profit',
  BSJP: 'Birkenhead Social Justice Party',
  Other: 'Other candidates',
};

/** Full name for an abbreviation; names the files already spell out pass through. */
export function partyName(abbreviation: string): string {
  return PARTY_NAMES[abbreviation] ?? abbreviation;
}

/** "Lab gain from Con" → "Labour gain from Conservative". */
export function describeResult(result: string): string {
  return result
    .split(' ')
    .map((word) => partyName(word))
    .join(' ');
}
