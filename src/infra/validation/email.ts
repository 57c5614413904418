/** RFC 5321's limit on a whole address; the local part is limited to 64. */
export const EMAIL_MAX_LENGTH = 254;
const LOCAL_MAX_LENGTH = 64;

// Deliberately narrower than RFC 5322 (no quoted local parts, no IP-literal domains): those are
// vanishingly rare among supporters and far more often typos or pasted junk.
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL = /^(?:[\p{L}]{2,63}|xn--[a-z0-9-]{1,59})$/u;

/**
 * Scripts a letter in an address may belong to. Digits and punctuation are Common and go with any
 * script; a letter of a script not named here counts as "other".
 */
const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Georgian',
  'Hebrew',
  'Arabic',
  'Devanagari',
  'Bengali',
  'Tamil',
  'Thai',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Bopomofo',
].map((name) => ({ name, pattern: new RegExp(`\\p{Script=${name}}`, 'u') }));
const SCRIPT_NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u;

/**
 * Scripts that are written together (Unicode TS #39's "highly restrictive" level): Japanese,
 * Chinese and Korean mix their own scripts with Han and with Latin. Any other mix, such as Latin
 * with Cyrillic or Greek, is how look-alike addresses are made ("exаmple.org" with a Cyrillic а).
 */
const WRITTEN_TOGETHER = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

function mixesScripts(text: string): boolean {
  const scripts = new Set<string>();
  for (const char of text) {
    if (SCRIPT_NEUTRAL.test(char)) continue;
    scripts.add(SCRIPTS.find((s) => s.pattern.test(char))?.name ?? 'other');
  }
  if (scripts.size <= 1) return false;
  return !WRITTEN_TOGETHER.some((group) => [...scripts].every((s) => group.has(s)));
}

export type EmailCheck =
  { ok: true; email: string } | { ok: false; reason: 'invalid' | 'mixed-scripts' };

/** What to tell someone whose address mixes alphabets. */
export const MIXED_SCRIPTS_MESSAGE =
  'This email address mixes letters from different alphabets (such as Latin and Cyrillic), as look-alike addresses do. Type it again in one alphabet.';

/**
 * The one form of an email address Rally stores and matches on: trimmed, NFKC-normalised (so
 * full-width letters and digits are the plain ones), lower-cased, checked, and refused when the
 * local part or the domain mixes alphabets.
 */
export function checkEmail(input: string): EmailCheck {
  const email = input.trim().normalize('NFKC').toLowerCase();
  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH)
    return { ok: false, reason: 'invalid' };
  const at = email.lastIndexOf('@');
  if (at <= 0 || at !== email.indexOf('@')) return { ok: false, reason: 'invalid' };
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > LOCAL_MAX_LENGTH || !LOCAL_PART.test(local))
    return { ok: false, reason: 'invalid' };
  const labels = domain.split('.');
  if (labels.length < 2) return { ok: false, reason: 'invalid' };
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return { ok: false, reason: 'invalid' };
  if (!TOP_LEVEL.test(labels[labels.length - 1] ?? '')) return { ok: false, reason: 'invalid' };
  if (mixesScripts(local) || mixesScripts(domain)) return { ok: false, reason: 'mixed-scripts' };
  return { ok: true, email };
}

/** checkEmail's address, or null for anything that cannot be a deliverable, unambiguous one. */
export function normaliseEmail(input: string): string | null {
  const checked = checkEmail(input);
  return checked.ok ? checked.email : null;
}
