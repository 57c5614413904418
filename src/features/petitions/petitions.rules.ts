import { distinctPositiveIds, parsePositiveId } from '../../infra/validation/ids.js';
import {
  firstErrorSetter,
  isSlug,
  parseDateInput,
  requiredText,
  slugOrTitle,
  tooLong,
} from '../../infra/validation/text-rules.js';
import { normalisePostcode } from '../../infra/validation/postcode.js';
import {
  EMAIL_MAX_LENGTH,
  MIXED_SCRIPTS_MESSAGE,
  checkEmail,
} from '../../infra/validation/email.js';
import { signatureEmailKey } from './signature-email.js';
import {
  ELIGIBILITY_MODES,
  type EligibilityMode,
  PETITION_KINDS,
  type PetitionKind,
} from './petitions.tables.js';

export const TITLE_MAX_LENGTH = 150;
export const BODY_MAX_LENGTH = 20_000;
export const SLUG_MAX_LENGTH = 80;
export const QUESTION_MAX_LENGTH = 200;
export const THANK_YOU_MAX_LENGTH = 2_000;
export const SHARE_TEXT_MAX_LENGTH = 240;
export const ELIGIBILITY_LABEL_MAX_LENGTH = 200;
export const GOAL_MAX = 100_000_000;
export const MAX_TARGETS = 50;
/** Entries in an eligibility list, and its size as pasted or uploaded. */
export const ELIGIBILITY_MAX_ENTRIES = 200_000;
export const ELIGIBILITY_MAX_BYTES = 8 * 1024 * 1024;
export const ELIGIBILITY_KEY_MAX_LENGTH = 254;

export const SIGNER_NAME_MAX_LENGTH = 100;
export const ANSWER_MAX_LENGTH = 500;
export const MEMBERSHIP_NUMBER_MAX_LENGTH = 64;

export type Errors = Record<string, string>;

export interface PetitionForm {
  kind: string;
  title: string;
  slug: string;
  body: string;
  goal: string;
  deadline: string;
  customQuestion: string;
  eligibility: string;
  eligibilityLabel: string;
  thankYou: string;
  shareText: string;
  targetListId: string;
  targetIds: string[];
}

export interface PetitionFields {
  kind: PetitionKind;
  title: string;
  slug: string;
  body: string;
  goal: number;
  deadline: string | null;
  customQuestion: string | null;
  eligibility: EligibilityMode;
  eligibilityLabel: string | null;
  thankYou: string;
  shareText: string;
  targetListId: number | null;
  targetIds: number[];
}

export function validatePetition(
  form: PetitionForm,
): { ok: true; value: PetitionFields } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const set = firstErrorSetter(errors);
  const kind = PETITION_KINDS.find((k) => k === form.kind);
  if (!kind) set('kind', 'Choose whether this is a petition or an open letter.');
  const title = form.title.trim();
  set('title', requiredText(title, 'Give it a title.', 'The title', TITLE_MAX_LENGTH));
  const slug = slugOrTitle(form.slug, title, SLUG_MAX_LENGTH);
  if (!slug) set('slug', 'Give it a web address (slug), like save-the-library.');
  else if (!isSlug(slug, SLUG_MAX_LENGTH))
    set(
      'slug',
      `The slug may use lower-case letters, digits and single dashes, up to ${SLUG_MAX_LENGTH} characters.`,
    );
  const body = form.body.replace(/\r\n/g, '\n').trim();
  set('body', requiredText(body, 'Write what you are asking for.', 'The text', BODY_MAX_LENGTH));
  const goalText = form.goal.trim();
  const goal = /^\d{1,9}$/.test(goalText) ? Number(goalText) : Number.NaN;
  if (!(goal >= 1 && goal <= GOAL_MAX))
    set(
      'goal',
      `The goal is a whole number of signatures between 1 and ${GOAL_MAX.toLocaleString('en-GB')}.`,
    );
  let deadline: string | null = null;
  const deadlineText = form.deadline.trim();
  if (deadlineText) {
    const parsed = parseDateInput(deadlineText, '23:59:59');
    if (!parsed) set('deadline', 'Give the deadline as a date, like 2026-12-31.');
    else deadline = parsed.toISOString();
  }
  const customQuestion = form.customQuestion.trim() || null;
  if (customQuestion)
    set('customQuestion', tooLong('The question', customQuestion, QUESTION_MAX_LENGTH));
  const eligibility = ELIGIBILITY_MODES.find((m) => m === (form.eligibility || 'none'));
  if (!eligibility) set('eligibility', 'Choose who may sign.');
  const eligibilityLabel = form.eligibilityLabel.trim() || null;
  if (eligibilityLabel)
    set(
      'eligibilityLabel',
      tooLong('The eligibility note', eligibilityLabel, ELIGIBILITY_LABEL_MAX_LENGTH),
    );
  const thankYou =
    form.thankYou.trim() || 'Thank you for signing. Please share it with your friends.';
  set('thankYou', tooLong('The thank-you text', thankYou, THANK_YOU_MAX_LENGTH));
  const shareText = form.shareText.trim() || title;
  set('shareText', tooLong('The share text', shareText, SHARE_TEXT_MAX_LENGTH));
  const listText = form.targetListId.trim();
  const targetListId = parsePositiveId(listText);
  if (listText && targetListId === null) set('targetListId', 'Choose a target list.');
  const targetIds = distinctPositiveIds(form.targetIds);
  if (targetIds.length > MAX_TARGETS) set('targetIds', `Choose at most ${MAX_TARGETS} targets.`);
  if (Object.keys(errors).length > 0 || !kind || !eligibility) return { ok: false, errors };
  return {
    ok: true,
    value: {
      kind,
      title,
      slug,
      body,
      goal,
      deadline,
      customQuestion,
      eligibility,
      eligibilityLabel,
      thankYou,
      shareText,
      targetListId,
      targetIds: targetListId ? targetIds : [],
    },
  };
}

/** One entry per line (or comma/semicolon-separated), as pasted or read from a CSV column. */
export function parseEligibilityList(
  mode: EligibilityMode,
  text: string,
): { ok: true; keys: string[]; rejected: number } | { ok: false; error: string } {
  if (Buffer.byteLength(text) > ELIGIBILITY_MAX_BYTES)
    return {
      ok: false,
      error: `The list is too large: at most ${ELIGIBILITY_MAX_BYTES / 1024 / 1024} MB.`,
    };
  const keys = new Set<string>();
  let rejected = 0;
  for (const part of text.split(/[\r\n,;\t]+/)) {
    const entry = part.trim().replace(/^"|"$/g, '');
    if (!entry) continue;
    const key = eligibilityKey(mode, entry);
    if (key) keys.add(key);
    else rejected++;
  }
  if (keys.size > ELIGIBILITY_MAX_ENTRIES)
    return {
      ok: false,
      error: `The list has too many entries: at most ${ELIGIBILITY_MAX_ENTRIES.toLocaleString('en-GB')}.`,
    };
  return { ok: true, keys: [...keys], rejected };
}

export function eligibilityKey(mode: EligibilityMode, value: string): string | null {
  if (mode === 'email') return signatureEmailKey(value);
  const number = value.trim().toUpperCase().replace(/\s+/g, '');
  return number && number.length <= ELIGIBILITY_KEY_MAX_LENGTH && /^[A-Z0-9/_.-]+$/.test(number)
    ? number
    : null;
}

// ---- signing ----------------------------------------------------------------------------------

export interface SignatureForm {
  name: string;
  email: string;
  postcode: string;
  answer: string;
  membershipNumber: string;
  consent: boolean;
  showName: boolean;
}

export interface CleanSignature {
  name: string;
  email: string;
  emailKey: string;
  postcode: string;
  answer: string | null;
  membershipNumber: string | null;
}

/** Spreadsheet formula starters and anything link-like are refused in names (as e-petitions). */
const FORMULA_START = /^[=+\-@]/;
const URL_LIKE =
  /(?:https?:\/\/|www\.|\b[a-z0-9-]+\.(?:com|net|org|io|ru|cn|uk|info|biz|xyz|top|co)\b)/i;
// Control characters other than ordinary whitespace never belong in a name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function validateSignature(
  form: SignatureForm,
  opts: { askMembershipNumber: boolean },
): { ok: true; value: CleanSignature } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const name = form.name.replace(/\s+/g, ' ').trim();
  if (!name) errors.name = 'Enter your name.';
  else if (name.length > SIGNER_NAME_MAX_LENGTH)
    errors.name = `Your name must be at most ${SIGNER_NAME_MAX_LENGTH} characters.`;
  else if (FORMULA_START.test(name)) errors.name = 'Your name cannot start with = + - or @.';
  else if (URL_LIKE.test(name) || CONTROL.test(name))
    errors.name = 'Your name cannot contain a web address.';

  const emailRaw = form.email.trim();
  const emailCheck = emailRaw.length <= EMAIL_MAX_LENGTH ? checkEmail(emailRaw) : undefined;
  const emailKey = emailCheck?.ok ? signatureEmailKey(emailCheck.email) : null;
  if (!emailRaw) errors.email = 'Enter your email address: we send you a link to confirm.';
  else if (emailCheck?.ok === false && emailCheck.reason === 'mixed-scripts')
    errors.email = MIXED_SCRIPTS_MESSAGE;
  else if (!emailKey) errors.email = 'Enter a valid email address, like name@example.org.';

  const postcodeRaw = form.postcode.trim();
  const postcode = postcodeRaw.length <= 16 ? normalisePostcode(postcodeRaw) : null;
  if (!postcodeRaw) errors.postcode = 'Enter your postcode.';
  else if (!postcode) errors.postcode = 'Enter a UK postcode, like LS28 5AB.';

  const answer = form.answer.trim() || null;
  if (answer && answer.length > ANSWER_MAX_LENGTH)
    errors.answer = `Your answer must be at most ${ANSWER_MAX_LENGTH} characters.`;
  const membershipNumber = form.membershipNumber.trim() || null;
  if (opts.askMembershipNumber && !membershipNumber)
    errors.membershipNumber = 'Enter your membership number.';
  else if (membershipNumber && membershipNumber.length > MEMBERSHIP_NUMBER_MAX_LENGTH)
    errors.membershipNumber = `A membership number has at most ${MEMBERSHIP_NUMBER_MAX_LENGTH} characters.`;

  if (Object.keys(errors).length > 0 || !emailCheck?.ok || !emailKey || !postcode)
    return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      email: emailCheck.email,
      emailKey,
      postcode: postcode.formatted,
      answer,
      membershipNumber,
    },
  };
}

/** "Ada Lovelace" → "Ada": what the public sees of a consenting signer. */
export function firstNameOf(name: string): string {
  return name.split(' ')[0] ?? name;
}

export function splitName(name: string): { firstName: string; lastName: string | null } {
  const space = name.indexOf(' ');
  return space < 0
    ? { firstName: name, lastName: null }
    : { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
}
