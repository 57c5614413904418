/** Limits on what organisers and imports may store; long enough for real names and handles. */
export const MAX_NAME_LENGTH = 200;
export const MAX_TEXT_LENGTH = 200;
export const MAX_EXTERNAL_ID_LENGTH = 100;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_PHONE_LENGTH = 40;
export const MAX_URL_LENGTH = 300;
export const MAX_LIST_NAME_LENGTH = 120;
export const MAX_SLUG_LENGTH = 60;
export const MAX_DESCRIPTION_LENGTH = 2000;

/** How a target can be reached, in the order forms and pages show them. */
export const CONTACT_FIELDS = [
  'email',
  'twitter',
  'bluesky',
  'mastodon',
  'facebook',
  'phone',
] as const;

/** The fields of a target that organisers edit and imports fill. */
export const TARGET_FIELDS = [
  'external_id',
  'name',
  'role',
  'party',
  'organisation',
  'division_type',
  'division_code',
  'division_name',
  ...CONTACT_FIELDS,
] as const;

export type TargetField = (typeof TARGET_FIELDS)[number];
export type TargetFields = Record<TargetField, string | null>;
export type TargetInput = Partial<Record<TargetField, string | null | undefined>>;
export type FieldErrors = Partial<Record<TargetField, string>>;

type Result = { ok: true; value: string | null } | { ok: false; error: string };
const ok = (value: string | null): Result => ({ ok: true, value });
const fail = (error: string): Result => ({ ok: false, error });

const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;
const TWITTER_HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MASTODON_USER = /^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?$/;
const FACEBOOK_NAME = /^[A-Za-z0-9.-]{1,100}$/;
const PHONE = /^\+?[0-9 ()\-.]+((ext\.?|x) ?[0-9]+)?$/i;
const MIN_PHONE_DIGITS = 6;
/** twitter.com/x.com paths that are pages of the site, not profiles. */
const TWITTER_RESERVED = new Set(['home', 'i', 'intent', 'share', 'search', 'explore', 'hashtag']);

function parseUrl(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value) && !/^(www\.)?[a-z0-9-]+\.[a-z]{2,}\//i.test(value))
    return undefined;
  try {
    return new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    return undefined;
  }
}

function hostIs(url: URL, ...hosts: string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^(www|mobile|m)\./, '');
  return hosts.includes(host);
}

function looksLikeUrl(value: string): boolean {
  return /^[a-z]+:\/\//i.test(value) || value.includes('/');
}

export function normaliseEmail(value: string): Result {
  if (value.length > MAX_EMAIL_LENGTH)
    return fail(`Email must be at most ${MAX_EMAIL_LENGTH} characters.`);
  const cleaned = value.replace(/^mailto:/i, '');
  if (!EMAIL.test(cleaned)) return fail(`"${value}" is not an email address.`);
  return ok(cleaned);
}

/** A bare handle, "@handle", or a twitter.com / x.com profile URL → "handle". */
export function normaliseTwitter(value: string): Result {
  let handle = value;
  const url = parseUrl(value);
  if (url) {
    if (!hostIs(url, 'twitter.com', 'x.com'))
      return fail('Twitter/X must be a handle or a twitter.com / x.com profile link.');
    handle = url.pathname.split('/').filter(Boolean)[0] ?? '';
    if (TWITTER_RESERVED.has(handle.toLowerCase()))
      return fail('That twitter.com / x.com link is not a profile.');
  } else if (looksLikeUrl(value)) {
    return fail('Twitter/X must be a handle or a twitter.com / x.com profile link.');
  }
  handle = handle.replace(/^@/, '');
  if (!TWITTER_HANDLE.test(handle))
    return fail(`"${value}" is not a Twitter/X handle (up to 15 letters, digits or underscores).`);
  return ok(handle);
}

/** "name.bsky.social", "@name.bsky.social" or a bsky.app profile link → "name.bsky.social". */
export function normaliseBluesky(value: string): Result {
  let handle = value;
  const url = parseUrl(value);
  if (url) {
    const parts = url.pathname.split('/').filter(Boolean);
    if (!hostIs(url, 'bsky.app') || parts[0] !== 'profile' || !parts[1])
      return fail('Bluesky must be a handle like name.bsky.social or a bsky.app profile link.');
    handle = parts[1];
  } else if (looksLikeUrl(value)) {
    return fail('Bluesky must be a handle like name.bsky.social or a bsky.app profile link.');
  }
  handle = handle.replace(/^@/, '').toLowerCase();
  if (!DOMAIN.test(handle))
    return fail(`"${value}" is not a Bluesky handle (like name.bsky.social).`);
  return ok(handle);
}

/** "@user@instance", "user@instance" or "https://instance/@user" → "@user@instance". */
export function normaliseMastodon(value: string): Result {
  let user: string | undefined;
  let instance: string | undefined;
  const url = parseUrl(value);
  if (url) {
    const first = url.pathname.split('/').filter(Boolean)[0] ?? '';
    if (first.startsWith('@')) {
      user = first.slice(1);
      instance = url.hostname.toLowerCase();
    }
  } else {
    const m = /^@?([^@\s]+)@([^@\s]+)$/.exec(value);
    if (m) [, user, instance] = m;
  }
  if (!user || !instance || !MASTODON_USER.test(user) || !DOMAIN.test(instance.toLowerCase()))
    return fail(`"${value}" is not a Mastodon address (like @name@mastodon.social).`);
  return ok(`@${user}@${instance.toLowerCase()}`);
}

/** A facebook.com page link or a page name → the page link. */
export function normaliseFacebook(value: string): Result {
  if (value.length > MAX_URL_LENGTH)
    return fail(`Facebook must be at most ${MAX_URL_LENGTH} characters.`);
  const url = parseUrl(value);
  if (url) {
    if (!hostIs(url, 'facebook.com', 'fb.com') || url.pathname === '/')
      return fail('Facebook must be a page name or a facebook.com page link.');
    return ok(`https://www.facebook.com${url.pathname.replace(/\/$/, '')}${url.search}`);
  }
  if (!FACEBOOK_NAME.test(value))
    return fail(`"${value}" is not a Facebook page name or facebook.com link.`);
  return ok(`https://www.facebook.com/${value}`);
}

export function normalisePhone(value: string): Result {
  if (value.length > MAX_PHONE_LENGTH)
    return fail(`Phone must be at most ${MAX_PHONE_LENGTH} characters.`);
  const digits = value.replace(/\D/g, '').length;
  if (!PHONE.test(value) || digits < MIN_PHONE_DIGITS)
    return fail(`"${value}" is not a phone number.`);
  return ok(value.replace(/\s+/g, ' '));
}

const LABELS: Record<TargetField, string> = {
  external_id: 'External id',
  name: 'Name',
  role: 'Role',
  party: 'Party',
  organisation: 'Organisation',
  division_type: 'Division type',
  division_code: 'Division code',
  division_name: 'Division',
  email: 'Email',
  twitter: 'Twitter/X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  facebook: 'Facebook',
  phone: 'Phone',
};

export function fieldLabel(field: TargetField): string {
  return LABELS[field];
}

function plainText(max: number, label: string) {
  return (value: string): Result =>
    value.length > max ? fail(`${label} must be at most ${max} characters.`) : ok(value);
}

const NORMALISERS: Record<TargetField, (value: string) => Result> = {
  external_id: plainText(MAX_EXTERNAL_ID_LENGTH, LABELS.external_id),
  name: plainText(MAX_NAME_LENGTH, LABELS.name),
  role: plainText(MAX_TEXT_LENGTH, LABELS.role),
  party: plainText(MAX_TEXT_LENGTH, LABELS.party),
  organisation: plainText(MAX_TEXT_LENGTH, LABELS.organisation),
  division_type: plainText(MAX_TEXT_LENGTH, LABELS.division_type),
  division_code: plainText(MAX_TEXT_LENGTH, LABELS.division_code),
  division_name: plainText(MAX_TEXT_LENGTH, LABELS.division_name),
  email: normaliseEmail,
  twitter: normaliseTwitter,
  bluesky: normaliseBluesky,
  mastodon: normaliseMastodon,
  facebook: normaliseFacebook,
  phone: normalisePhone,
};

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/**
 * Trims and normalises every given field; blank becomes null. Fields not given stay absent, so
 * imports can tell "no value" from "clear this value".
 */
export function validateTargetFields(
  input: TargetInput,
  { requireName }: { requireName: boolean },
): Validated<Partial<TargetFields>> {
  const value: Partial<TargetFields> = {};
  const errors: FieldErrors = {};
  for (const field of TARGET_FIELDS) {
    if (!(field in input)) continue;
    const trimmed = (input[field] ?? '').replace(/\s+/g, ' ').trim();
    if (trimmed === '') {
      value[field] = null;
      continue;
    }
    const result = NORMALISERS[field](trimmed);
    if (result.ok) value[field] = result.value;
    else errors[field] = result.error;
  }
  if (requireName && !value.name && !errors.name) errors.name = 'Name is required.';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

export interface TargetListInput {
  name?: string | undefined;
  slug?: string | undefined;
  description?: string | undefined;
}

export interface TargetListFields {
  name: string;
  slug: string;
  description: string | null;
}

export type ListErrors = Partial<Record<keyof TargetListFields, string>>;

/** "UK House of Commons" → "uk-house-of-commons". */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function validateTargetList(
  input: TargetListInput,
): { ok: true; value: TargetListFields } | { ok: false; errors: ListErrors } {
  const errors: ListErrors = {};
  const name = (input.name ?? '').replace(/\s+/g, ' ').trim();
  const description = (input.description ?? '').trim();
  const slug = (input.slug ?? '').trim().toLowerCase() || slugify(name);
  if (!name) errors.name = 'Name is required.';
  else if (name.length > MAX_LIST_NAME_LENGTH)
    errors.name = `Name must be at most ${MAX_LIST_NAME_LENGTH} characters.`;
  if (slug.length > MAX_SLUG_LENGTH)
    errors.slug = `Slug must be at most ${MAX_SLUG_LENGTH} characters.`;
  else if (name && !SLUG.test(slug))
    errors.slug = 'Slug may hold only lowercase letters, digits and single hyphens.';
  if (description.length > MAX_DESCRIPTION_LENGTH)
    errors.description = `Description must be at most ${MAX_DESCRIPTION_LENGTH} characters.`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { name, slug, description: description || null } };
}
