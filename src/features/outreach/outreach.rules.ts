import { parseWebUrl } from '../../infra/validation/text-rules.js';
import { EMAIL_MAX_LENGTH, normaliseEmail } from '../../infra/validation/email.js';
import { handleFromPostUrl, normaliseHandle } from '../people/handles.service.js';
import { type CaseStatus, PLATFORMS, type Platform } from './outreach.tables.js';

export const POST_URL_MAX_LENGTH = 2_000;
/** A handle as typed: room for a profile address, which is longer than the handle itself. */
export const HANDLE_INPUT_MAX_LENGTH = 300;
/** Longer than any post on the platforms we list except Facebook's, where the start suffices. */
export const POST_TEXT_MAX_LENGTH = 5_000;
/** A post made before this year is too old to be worth a request. */
export const POSTED_ON_EARLIEST_YEAR = 2000;

export type Errors = Record<string, string>;

export const STATUS_LABELS: Record<CaseStatus, string> = {
  unmatched: 'Unmatched',
  new: 'New',
  repeat: 'Repeat',
  sent: 'Request sent',
  removed: 'Removed',
  no_response: 'No response',
};

export const PLATFORM_LABELS: Record<Platform, string> = {
  twitter: 'X / Twitter',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  instagram: 'Instagram',
  facebook: 'Facebook',
  tiktok: 'TikTok',
  threads: 'Threads',
  other: 'Other',
};

/** Statuses from which a request can be sent: recorded, matched, nothing sent yet. */
export const SENDABLE: readonly CaseStatus[] = ['new', 'repeat'];
/** Statuses whose person may still be (re)chosen by hand. */
export const MATCHABLE: readonly CaseStatus[] = ['unmatched', 'new', 'repeat'];

/** What a moderator may record after a request: the post went, or nothing happened. */
export const CLOSING_ACTIONS = {
  removed: { from: ['sent', 'no_response'], label: 'Marked removed' },
  no_response: { from: ['sent'], label: 'Marked no response' },
} as const satisfies Record<string, { from: readonly CaseStatus[]; label: string }>;
export type ClosingAction = keyof typeof CLOSING_ACTIONS;

/** The case as typed into the form or read from one CSV row: every field as text. */
export interface CaseForm {
  postUrl: string;
  platform: string;
  handle: string;
  email: string;
  postText: string;
  postedOn: string;
}

export interface CaseFields {
  postUrl: string;
  platform: Platform;
  handle: string | null;
  handleKey: string | null;
  email: string | null;
  postText: string;
  postedOn: string | null;
}

const HOST_PLATFORMS: Record<string, Platform> = {
  'twitter.com': 'twitter',
  'x.com': 'twitter',
  'mobile.twitter.com': 'twitter',
  'bsky.app': 'bluesky',
  'instagram.com': 'instagram',
  'facebook.com': 'facebook',
  'm.facebook.com': 'facebook',
  'fb.com': 'facebook',
  'tiktok.com': 'tiktok',
  'threads.net': 'threads',
  'threads.com': 'threads',
};

/** The platform a post's address is on; Mastodon-style /@user addresses on any other host. */
export function platformOfUrl(url: URL): Platform {
  const host = url.hostname.replace(/^www\./, '');
  // Own keys only: a host such as "constructor" would otherwise find Object.prototype's.
  if (Object.hasOwn(HOST_PLATFORMS, host)) return HOST_PLATFORMS[host]!;
  return url.pathname.startsWith('/@') ? 'mastodon' : 'other';
}

/** A post's address: a web address on a named host (with a dot), not localhost or a bare IP. */
function parseHttpUrl(text: string): URL | null {
  const url = parseWebUrl(text);
  return url?.hostname.includes('.') ? url : null;
}

function validDay(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return null;
  return date.toISOString().slice(0, 10);
}

/** YYYY-MM-DD (also the start of an ISO timestamp) or the UK's DD/MM/YYYY, as YYYY-MM-DD. */
export function parseDay(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (iso) return validDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (uk) return validDay(Number(uk[3]), Number(uk[2]), Number(uk[1]));
  return null;
}

/**
 * Checks one case. `today` (YYYY-MM-DD, UTC) bounds the posting date; a day ahead is allowed
 * for moderators east of UTC.
 */
export function validateCase(
  form: CaseForm,
  today: string,
): { ok: true; fields: CaseFields } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const postUrl = form.postUrl.trim();
  const url = parseHttpUrl(postUrl);
  if (!postUrl) errors.postUrl = 'Give the address of the post.';
  else if (postUrl.length > POST_URL_MAX_LENGTH)
    errors.postUrl = `The address can be at most ${POST_URL_MAX_LENGTH} characters.`;
  else if (!url)
    errors.postUrl = 'The address must be a web address starting with https:// or http://.';

  const platformText = form.platform.trim().toLowerCase();
  let platform: Platform = 'other';
  if (platformText === '' || platformText === 'auto') platform = url ? platformOfUrl(url) : 'other';
  else if ((PLATFORMS as readonly string[]).includes(platformText))
    platform = platformText as Platform;
  else if (platformText === 'x') platform = 'twitter';
  else errors.platform = `Choose a platform: ${PLATFORMS.join(', ')}.`;

  const handle = form.handle.trim();
  let handleKey: string | null = null;
  if (handle.length > HANDLE_INPUT_MAX_LENGTH)
    errors.handle = `The handle can be at most ${HANDLE_INPUT_MAX_LENGTH} characters.`;
  else if (handle) {
    handleKey = normaliseHandle(handle);
    if (!handleKey)
      errors.handle =
        'That is not a handle: write it as @name, name@instance (Mastodon) or a profile address.';
  } else if (url) handleKey = handleFromPostUrl(postUrl);

  const emailText = form.email.trim();
  const email = emailText ? normaliseEmail(emailText) : null;
  if (emailText.length > EMAIL_MAX_LENGTH)
    errors.email = `The email address can be at most ${EMAIL_MAX_LENGTH} characters.`;
  else if (emailText && !email) errors.email = 'Enter a valid email address, or leave it empty.';

  const postText = form.postText.replace(/\r\n?/g, '\n').trim();
  if (!postText) errors.postText = 'Copy the text of the post: the guard scores it.';
  else if (postText.length > POST_TEXT_MAX_LENGTH)
    errors.postText = `The post text can be at most ${POST_TEXT_MAX_LENGTH} characters (it has ${postText.length}); copy the part that matters.`;

  const dayText = form.postedOn.trim();
  const postedOn = dayText ? parseDay(dayText) : null;
  if (dayText && !postedOn)
    errors.postedOn = 'Give the date as YYYY-MM-DD (or DD/MM/YYYY), or leave it empty.';
  else if (postedOn) {
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    if (postedOn > tomorrow)
      errors.postedOn = 'The date the post was made cannot be in the future.';
    else if (Number(postedOn.slice(0, 4)) < POSTED_ON_EARLIEST_YEAR)
      errors.postedOn = `The date must be in ${POSTED_ON_EARLIEST_YEAR} or later.`;
  }

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    fields: {
      postUrl,
      platform,
      handle: handle || null,
      handleKey,
      email,
      postText,
      postedOn,
    },
  };
}
