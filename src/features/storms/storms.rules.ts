import { distinctPositiveIds, parsePositiveId } from '../../infra/validation/ids.js';
import {
  firstErrorSetter,
  isSlug,
  parseWebUrl,
  requiredText,
  slugOrTitle,
  tooLong,
} from '../../infra/validation/text-rules.js';
import { londonInputToIso } from '../../infra/clock/london-time.js';
import {
  HASHTAG_MAX_LENGTH,
  type Handle,
  PLATFORM_LABELS,
  PLATFORM_LIMITS,
  type PostParts,
  TEXT_PLATFORMS,
  composePost,
  normaliseHashtag,
  parseHandle,
  postLength,
} from './storm-text.js';

export const TITLE_MAX_LENGTH = 150;
export const SLUG_MAX_LENGTH = 80;
export const DESCRIPTION_MAX_LENGTH = 2_000;
export const LINK_MAX_LENGTH = 500;
/** Suggested posts per storm, and the longest one (Mastodon's limit; each platform is checked too). */
export const MAX_VARIANTS = 10;
export const VARIANT_MAX_LENGTH = 500;
/** Targets from the directory, and handles typed in, per storm. */
export const MAX_TARGETS = 20;
export const MAX_HANDLES = 20;
/** The longest storm: its report's time curve stays readable. */
export const MAX_DURATION_MS = 7 * 24 * 60 * 60 * 1000;

export type Errors = Record<string, string>;

/** What the form and the checked fields both hold as text. */
interface StormText {
  title: string;
  slug: string;
  description: string;
  startsAt: string;
  endsAt: string;
  hashtag: string;
}

/** The organiser's form as posted: every field a string. */
export interface StormForm extends StormText {
  linkUrl: string;
  targetListId: string;
  targetIds: string[];
  /** One handle per line. */
  handles: string;
  variants: string[];
}

export interface StormFields extends StormText {
  linkUrl: string | null;
  targetListId: number | null;
  targetIds: number[];
  handles: Handle[];
  variants: string[];
}

function parseTime(label: string, value: string): { iso?: string; error?: string } {
  if (!value.trim()) return { error: `Give the ${label} time.` };
  const parsed = londonInputToIso(value);
  if (parsed.ok) return { iso: parsed.iso };
  return {
    error:
      parsed.reason === 'nonexistent'
        ? `The ${label} time does not exist in the UK: the clocks go forward then. Choose another time.`
        : `Give the ${label} as a date and time, like 2025-06-12T19:00.`,
  };
}

/** The suggestions as typed, blank boxes dropped, so positions match what is stored. */
export function nonEmptyVariants(raw: string[]): string[] {
  return raw.map((text) => text.replace(/\r\n/g, '\n').trim()).filter(Boolean);
}

/** Error keys of variant fields: "variant-1" for the first suggestion. */
export const variantKey = (position: number) => `variant-${position}`;

export function validateStorm(
  form: StormForm,
): { ok: true; value: StormFields } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const set = firstErrorSetter(errors);
  const title = form.title.trim();
  set('title', requiredText(title, 'Give the storm a title.', 'The title', TITLE_MAX_LENGTH));
  const slug = slugOrTitle(form.slug, title, SLUG_MAX_LENGTH);
  if (!slug) set('slug', 'Give it a web address (slug), like save-our-libraries.');
  else if (!isSlug(slug, SLUG_MAX_LENGTH))
    set(
      'slug',
      `The slug may use lower-case letters, digits and single dashes, up to ${SLUG_MAX_LENGTH} characters.`,
    );
  const description = form.description.replace(/\r\n/g, '\n').trim();
  set('description', tooLong('The description', description, DESCRIPTION_MAX_LENGTH));

  const start = parseTime('start', form.startsAt);
  const end = parseTime('end', form.endsAt);
  set('startsAt', start.error);
  set('endsAt', end.error);
  if (start.iso && end.iso) {
    const duration = Date.parse(end.iso) - Date.parse(start.iso);
    if (duration <= 0) set('endsAt', 'The end must be after the start.');
    else if (duration > MAX_DURATION_MS)
      set('endsAt', `A storm lasts at most ${MAX_DURATION_MS / 86_400_000} days.`);
  }

  const hashtag = normaliseHashtag(form.hashtag);
  if (!hashtag)
    set(
      'hashtag',
      `The hashtag is 1–${HASHTAG_MAX_LENGTH} letters, digits or underscores (with at least one letter), like #SaveOurLibraries.`,
    );

  const linkText = form.linkUrl.trim();
  let linkUrl: string | null = null;
  if (linkText) {
    if (linkText.length > LINK_MAX_LENGTH)
      set('linkUrl', `The link must be at most ${LINK_MAX_LENGTH} characters.`);
    else {
      linkUrl = parseWebUrl(linkText)?.toString() ?? null;
      if (!linkUrl) set('linkUrl', 'The link must be a web address starting with https://.');
    }
  }

  const listText = form.targetListId.trim();
  const targetListId = parsePositiveId(listText);
  if (listText && targetListId === null) set('targetListId', 'Choose a target list.');
  const targetIds = distinctPositiveIds(form.targetIds);
  if (targetIds.length !== new Set(form.targetIds).size)
    set('targetIds', 'Choose targets from the list.');
  if (targetIds.length > 0 && targetListId === null)
    set('targetIds', 'Choose the target list the targets belong to.');
  if (targetIds.length > MAX_TARGETS)
    set('targetIds', `Choose at most ${MAX_TARGETS} targets (${targetIds.length} chosen).`);

  const handles: Handle[] = [];
  const handleLines = form.handles
    .split(/[\r\n,]+/)
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of handleLines) {
    const handle = parseHandle(line);
    if (!handle) {
      set(
        'handles',
        `"${line.slice(0, 100)}" is not a handle: write @name for X, name.bsky.social for Bluesky or @name@server for Mastodon.`,
      );
      continue;
    }
    if (!handles.some((h) => h.mention.toLowerCase() === handle.mention.toLowerCase()))
      handles.push(handle);
  }
  if (handles.length > MAX_HANDLES)
    set('handles', `Give at most ${MAX_HANDLES} handles (${handles.length} given).`);

  const variants = nonEmptyVariants(form.variants);
  if (variants.length > MAX_VARIANTS)
    set('variants', `Give at most ${MAX_VARIANTS} suggested posts (${variants.length} given).`);
  for (const [i, text] of variants.entries())
    set(variantKey(i + 1), tooLong(`Suggestion ${i + 1}`, text, VARIANT_MAX_LENGTH));
  if (variants.length === 0) set('variants', 'Write at least one suggested post.');

  if (Object.keys(errors).length > 0 || !hashtag || !start.iso || !end.iso)
    return { ok: false, errors };
  return {
    ok: true,
    value: {
      title,
      slug,
      description,
      startsAt: start.iso,
      endsAt: end.iso,
      hashtag,
      linkUrl,
      targetListId,
      targetIds,
      handles,
      variants,
    },
  };
}

/**
 * Each suggestion, with the handles, hashtag and link added for a platform, must fit that
 * platform's limit: supporters should never have to cut the campaign's own words.
 */
export function checkComposedLengths(variants: string[], parts: PostParts): Errors {
  const errors: Errors = {};
  for (const [i, text] of variants.entries()) {
    for (const platform of TEXT_PLATFORMS) {
      const length = postLength(composePost(text, parts, platform), platform);
      if (length > PLATFORM_LIMITS[platform]) {
        errors[variantKey(i + 1)] =
          `Suggestion ${i + 1} is too long for ${PLATFORM_LABELS[platform]} once the handles, hashtag and link are added: ${length} of ${PLATFORM_LIMITS[platform]} characters.`;
        break;
      }
    }
  }
  return errors;
}
