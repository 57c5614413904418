import { parsePositiveId } from '../../infra/validation/ids.js';
import { isSlug, requiredText, slugOrTitle, tooLong } from '../../infra/validation/text-rules.js';
import { normalisePostcode } from '../../infra/validation/postcode.js';
import {
  EMAIL_MAX_LENGTH,
  MIXED_SCRIPTS_MESSAGE,
  checkEmail,
} from '../../infra/validation/email.js';
import {
  DELIVERY_MODES,
  type DeliveryMode,
  REVIEW_POLICIES,
  type ReviewPolicy,
} from './letters.tables.js';

// ---- campaigns ---------------------------------------------------------------------------------

export const TITLE_MAX_LENGTH = 150;
export const SLUG_MAX_LENGTH = 80;
export const BRIEF_MAX_LENGTH = 5_000;
export const POINTS_MAX = 20;
export const POINT_MAX_LENGTH = 300;
export const SUBJECT_MAX_LENGTH = 150;
export const MIN_OWN_WORDS_MAX = 500;
export const HOURLY_LIMIT_MAX = 100;
export const DEFAULT_MIN_OWN_WORDS = 50;
export const DEFAULT_MIN_OWN_PERCENT = 60;
export const DEFAULT_HOURLY_LIMIT = 5;

/** Addresses under /letters/ that belong to the feature itself. */
const RESERVED_SLUGS = new Set(['follow-up']);

export type Errors = Record<string, string>;

/** The campaign form as typed (every field a string). */
export interface CampaignForm {
  title: string;
  slug: string;
  targetListId: string;
  brief: string;
  points: string;
  subject: string;
  minOwnWords: string;
  minOwnPercent: string;
  reviewPolicy: string;
  deliveryMode: string;
  hourlyLimit: string;
  followUp: boolean;
}

export interface CampaignFields {
  title: string;
  slug: string;
  targetListId: number;
  brief: string;
  points: string[];
  subject: string | null;
  minOwnWords: number;
  minOwnPercent: number;
  reviewPolicy: ReviewPolicy;
  deliveryMode: DeliveryMode;
  hourlyLimit: number;
  followUp: boolean;
}

function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,6}$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return n >= min && n <= max ? n : undefined;
}

/** One line: mail headers must never carry a line break. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').trim();
}

export function parsePoints(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((p) => p.replace(/^\s*[-*•]\s*/, '').trim())
    .filter(Boolean);
}

export function validateCampaign(
  form: CampaignForm,
): { ok: true; value: CampaignFields } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const title = oneLine(form.title);
  const titleError = requiredText(
    title,
    'Give the campaign a title.',
    'The title',
    TITLE_MAX_LENGTH,
  );
  if (titleError) errors.title = titleError;
  const slug = slugOrTitle(form.slug, title, SLUG_MAX_LENGTH);
  if (!slug) errors.slug = 'Give the campaign a web address (letters, digits and dashes).';
  else if (!isSlug(slug, SLUG_MAX_LENGTH))
    errors.slug = `The web address may use lower-case letters, digits and single dashes, at most ${SLUG_MAX_LENGTH} characters.`;
  else if (RESERVED_SLUGS.has(slug))
    errors.slug = `The address /letters/${slug} is taken by Rally.`;
  const targetListId = wholeNumber(form.targetListId, 1, Number.MAX_SAFE_INTEGER);
  if (targetListId === undefined) errors.targetListId = 'Choose the list of targets to write to.';
  const brief = form.brief.trim();
  const briefError = requiredText(
    brief,
    'Write a brief: why supporters should write, and what to ask for.',
    'The brief',
    BRIEF_MAX_LENGTH,
  );
  if (briefError) errors.brief = briefError;
  const points = parsePoints(form.points);
  if (points.length > POINTS_MAX) errors.points = `At most ${POINTS_MAX} suggested points.`;
  else if (points.some((p) => p.length > POINT_MAX_LENGTH))
    errors.points = `Each point must be at most ${POINT_MAX_LENGTH} characters.`;
  const subject = oneLine(form.subject);
  const subjectError = tooLong('The subject', subject, SUBJECT_MAX_LENGTH);
  if (subjectError) errors.subject = subjectError;
  const minOwnWords = wholeNumber(form.minOwnWords, 0, MIN_OWN_WORDS_MAX);
  if (minOwnWords === undefined)
    errors.minOwnWords = `The minimum of own words is a whole number from 0 to ${MIN_OWN_WORDS_MAX}.`;
  const minOwnPercent = wholeNumber(form.minOwnPercent, 0, 100);
  if (minOwnPercent === undefined)
    errors.minOwnPercent = 'The minimum share of own words is a whole number from 0 to 100.';
  const reviewPolicy = REVIEW_POLICIES.find((p) => p === form.reviewPolicy);
  if (!reviewPolicy) errors.reviewPolicy = 'Choose what happens to letters held for review.';
  const deliveryMode = DELIVERY_MODES.find((m) => m === form.deliveryMode);
  if (!deliveryMode) errors.deliveryMode = 'Choose how letters are delivered.';
  const hourlyLimit = wholeNumber(form.hourlyLimit, 1, HOURLY_LIMIT_MAX);
  if (hourlyLimit === undefined)
    errors.hourlyLimit = `Letters per target per hour is a whole number from 1 to ${HOURLY_LIMIT_MAX}.`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title,
      slug,
      targetListId: targetListId as number,
      brief,
      points,
      subject: subject || null,
      minOwnWords: minOwnWords as number,
      minOwnPercent: minOwnPercent as number,
      reviewPolicy: reviewPolicy as ReviewPolicy,
      deliveryMode: deliveryMode as DeliveryMode,
      hourlyLimit: hourlyLimit as number,
      followUp: form.followUp,
    },
  };
}

// ---- letters -----------------------------------------------------------------------------------

export const SENDER_NAME_MAX_LENGTH = 100;
export const ADDRESS_MAX_LENGTH = 200;
export const POSTCODE_MAX_LENGTH = 16;
/** A letter's text: about two pages, longer than nearly any letter an office reads. */
export const LETTER_MAX_LENGTH = 5_000;

export const CONSENT_WORDING =
  'Keep me updated by email about this campaign. I can unsubscribe at any time.';

export interface LetterForm {
  name: string;
  email: string;
  postcode: string;
  address: string;
  subject: string;
  body: string;
  targetId: string;
  consent: boolean;
  followUp: boolean;
}

export interface LetterFields {
  name: string;
  email: string;
  postcode: string;
  address: string | null;
  subject: string;
  body: string;
  targetId: number;
  consent: boolean;
  followUp: boolean;
}

/** Field by field checks of a letter; the originality and civility checks come after. */
export function validateLetter(
  form: LetterForm,
): { ok: true; value: LetterFields } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const name = oneLine(form.name);
  const nameError = requiredText(
    name,
    'Enter your name: letters are signed.',
    'Your name',
    SENDER_NAME_MAX_LENGTH,
  );
  if (nameError) errors.name = nameError;
  const emailCheck = form.email.length <= EMAIL_MAX_LENGTH ? checkEmail(form.email) : undefined;
  const email = emailCheck?.ok ? emailCheck.email : null;
  if (emailCheck?.ok === false && emailCheck.reason === 'mixed-scripts')
    errors.email = MIXED_SCRIPTS_MESSAGE;
  else if (!email) errors.email = 'Enter a valid email address, like name@example.org.';
  const postcode = normalisePostcode(form.postcode.slice(0, 100));
  if (!form.postcode.trim()) errors.postcode = 'Enter your postcode.';
  else if (!postcode || postcode.incode === null)
    errors.postcode = 'Enter your full postcode, like LS28 5AB.';
  const address = oneLine(form.address);
  const addressError = tooLong('The address', address, ADDRESS_MAX_LENGTH);
  if (addressError) errors.address = addressError;
  const subject = oneLine(form.subject);
  const subjectError = requiredText(
    subject,
    'Give your letter a subject.',
    'The subject',
    SUBJECT_MAX_LENGTH,
  );
  if (subjectError) errors.subject = subjectError;
  const body = form.body.replace(/\r\n/g, '\n').trim();
  const bodyError = requiredText(body, 'Write your letter.', 'Your letter', LETTER_MAX_LENGTH);
  if (bodyError) errors.body = bodyError;
  const targetId = parsePositiveId(form.targetId);
  if (!targetId) errors.targetId = 'Choose whom to write to.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      email: email as string,
      postcode: (postcode as { formatted: string }).formatted,
      address: address || null,
      subject,
      body,
      targetId: targetId as number,
      consent: form.consent,
      followUp: form.followUp,
    },
  };
}

export function splitName(name: string): { firstName: string; lastName: string | null } {
  const space = name.indexOf(' ');
  return space < 0
    ? { firstName: name, lastName: null }
    : { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
}
