/**
 * Finding supporters by a social-media handle. Handles live in a person's custom fields (from
 * imports and the person form) under keys like "twitter", "bluesky" or "Mastodon handle", written
 * however the supporter gave them: "@Name", "name", "https://x.com/Name", "@name@instance".
 */
import { sql } from 'kysely';
import type { Db } from '../../infra/db/database.js';
import { type Person, toPerson } from './people.service.js';

export const HANDLE_PLATFORMS = [
  'twitter',
  'bluesky',
  'mastodon',
  'instagram',
  'facebook',
  'tiktok',
  'threads',
] as const;
export type HandlePlatform = (typeof HANDLE_PLATFORMS)[number];

/** Longest handle accepted (a Mastodon handle with its instance domain is the longest kind). */
export const HANDLE_MAX_LENGTH = 120;
/** People whose custom fields are read per lookup: the SQL prefilter keeps this far off. */
export const HANDLE_SCAN_LIMIT = 2_000;
/** Most people a lookup returns (more means the handle is too common to identify anyone). */
export const HANDLE_MATCH_LIMIT = 20;

/**
 * Custom-field names (lower-cased, letters and digits only) that hold a handle, by platform.
 * "handle" and "social" say nothing of the platform, so they are compared for every platform.
 */
const FIELD_PLATFORMS: Record<string, HandlePlatform | 'any'> = {
  twitter: 'twitter',
  twitterhandle: 'twitter',
  x: 'twitter',
  xhandle: 'twitter',
  twitterx: 'twitter',
  xtwitter: 'twitter',
  bluesky: 'bluesky',
  bsky: 'bluesky',
  blueskyhandle: 'bluesky',
  mastodon: 'mastodon',
  mastodonhandle: 'mastodon',
  fediverse: 'mastodon',
  instagram: 'instagram',
  insta: 'instagram',
  instagramhandle: 'instagram',
  facebook: 'facebook',
  fb: 'facebook',
  tiktok: 'tiktok',
  tiktokhandle: 'tiktok',
  threads: 'threads',
  handle: 'any',
  socialhandle: 'any',
  social: 'any',
};

/** Hosts whose first path segment is the account name. */
const HOST_PLATFORMS: Record<string, HandlePlatform> = {
  'twitter.com': 'twitter',
  'x.com': 'twitter',
  'mobile.twitter.com': 'twitter',
  'mobile.x.com': 'twitter',
  'instagram.com': 'instagram',
  'facebook.com': 'facebook',
  'm.facebook.com': 'facebook',
  'tiktok.com': 'tiktok',
  'threads.net': 'threads',
  'threads.com': 'threads',
  'bsky.app': 'bluesky',
};

/** First path segments that are pages of the site, not accounts. */
const NOT_ACCOUNTS = new Set([
  'home',
  'search',
  'explore',
  'i',
  'intent',
  'share',
  'hashtag',
  'p',
  'reel',
  'reels',
  'stories',
  'watch',
  'groups',
  'events',
  'pages',
  'profile.php',
  'permalink.php',
  'story.php',
  'tag',
  'tags',
  'settings',
]);

// Every big platform (and Mastodon) limits account names to ASCII letters, digits and . _ -
const NAME = /^[a-z0-9_.-]{1,100}$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** An account name, lower-cased without its @; in an address, site pages are not accounts. */
function cleanName(name: string | undefined, inUrl = false): string | null {
  if (!name) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    return null;
  }
  const bare = decoded.replace(/^@/, '').toLowerCase();
  if (inUrl && NOT_ACCOUNTS.has(bare)) return null;
  return NAME.test(bare) ? bare : null;
}

function fromUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const segments = url.pathname.split('/').filter(Boolean);
  // Own keys only: a host such as "constructor" would otherwise find Object.prototype's.
  const platform = Object.hasOwn(HOST_PLATFORMS, host) ? HOST_PLATFORMS[host] : undefined;
  // bsky.app/profile/NAME[/post/…]
  if (platform === 'bluesky')
    return segments[0] === 'profile' ? bluesky(cleanName(segments[1], true)) : null;
  if (platform) return cleanName(segments[0], true);
  // Any other host: a Mastodon-style account, https://instance/@user or /users/user.
  const user = segments[0]?.startsWith('@')
    ? segments[0]
    : segments[0] === 'users'
      ? segments[1]
      : undefined;
  const name = user ? cleanName(user, true) : null;
  return name && DOMAIN.test(host) ? `${name}@${host}` : null;
}

/** Bluesky's default domain is left off, as people write "name" and "name.bsky.social" alike. */
function bluesky(name: string | null): string | null {
  return name?.replace(/\.bsky\.social$/, '') || null;
}

/**
 * The one form a handle is compared in: lower-case, without its leading @, account name only
 * for profile (and post) addresses of the big platforms, "user@instance" for Mastodon. Null when
 * the text cannot be a handle.
 */
export function normaliseHandle(input: string): string | null {
  const text = input.trim();
  if (text === '' || text.length > HANDLE_MAX_LENGTH * 4) return null;
  let out: string | null;
  if (/^(?:https?:\/\/|www\.)/i.test(text) || /^[a-z0-9.-]+\.[a-z]{2,}\//i.test(text)) {
    out = fromUrl(text);
  } else {
    const mastodon = /^@?([^@\s]+)@([^@\s]+)$/.exec(text);
    if (mastodon) {
      const name = cleanName(mastodon[1]);
      const domain = mastodon[2]?.toLowerCase() ?? '';
      out = name && DOMAIN.test(domain) ? `${name}@${domain}` : null;
    } else out = cleanName(text);
  }
  return out && out.length <= HANDLE_MAX_LENGTH ? out : null;
}

/** The handle a post's address names, when the address has one (x.com/NAME/status/…). */
export function handleFromPostUrl(url: string): string | null {
  return /^https?:\/\//i.test(url.trim()) ? fromUrl(url.trim()) : null;
}

/** The part every stored spelling of the handle contains, for the SQL prefilter. */
function accountName(handle: string): string {
  return handle.split('@')[0] ?? handle;
}

/** Two normalised handles name the same account (Bluesky's default domain optional). */
export function sameHandle(a: string, b: string): boolean {
  if (a === b) return true;
  return a.replace(/\.bsky\.social$/, '') === b.replace(/\.bsky\.social$/, '');
}

function fieldPlatform(key: string): HandlePlatform | 'any' | undefined {
  return FIELD_PLATFORMS[key.toLowerCase().replace(/[^a-z0-9]/g, '')];
}

/** The handles a person's custom fields hold, normalised, with the platform each is for. */
export function handlesOf(person: Pick<Person, 'customFields'>): {
  platform: HandlePlatform | 'any';
  handle: string;
}[] {
  const out: { platform: HandlePlatform | 'any'; handle: string }[] = [];
  for (const [key, value] of Object.entries(person.customFields)) {
    const platform = fieldPlatform(key);
    if (!platform) continue;
    const raw = platform === 'bluesky' ? bluesky(normaliseHandle(value)) : normaliseHandle(value);
    if (raw) out.push({ platform, handle: raw });
  }
  return out;
}

function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * People (not erased) whose handle on `platform` — or on any platform when none is given — is
 * `handle`, in any spelling (see normaliseHandle). A SQL LIKE on the custom fields finds the
 * candidates on either database; their fields are then read and compared exactly here.
 */
export async function findPeopleByHandle(
  db: Db,
  handle: string,
  opts: { platform?: HandlePlatform } = {},
): Promise<Person[]> {
  let wanted = normaliseHandle(handle);
  if (!wanted) return [];
  if (opts.platform === 'bluesky') wanted = bluesky(wanted) ?? wanted;
  const rows = await db.kysely
    .selectFrom('people')
    .selectAll()
    .where('erased_at', 'is', null)
    .where(sql<boolean>`lower(custom_fields) like ${likeContains(accountName(wanted))} escape '\\'`)
    .orderBy('id')
    .limit(HANDLE_SCAN_LIMIT)
    .execute();
  const matches: Person[] = [];
  for (const row of rows) {
    const person = toPerson(row);
    const found = handlesOf(person).some(
      (h) =>
        (!opts.platform || h.platform === 'any' || h.platform === opts.platform) &&
        sameHandle(h.handle, wanted),
    );
    if (found) matches.push(person);
    if (matches.length >= HANDLE_MATCH_LIMIT) break;
  }
  return matches;
}
