/**
 * The words of a storm post: what each platform receives (the person's text plus the hashtag,
 * the link and the targets' handles on that platform when the text lacks them), how each
 * platform counts its length, and the handle and server-name formats accepted.
 *
 * public/js/storms.js repeats composePost and the counting rules for live updates in the page;
 * the server's results (links and counts rendered in the HTML) stay the reference.
 */
import type { StormPlatform } from './storms.tables.js';

/** Platforms whose post text Rally fills in (Facebook's share dialog takes only a link). */
export const TEXT_PLATFORMS = ['x', 'bluesky', 'mastodon'] as const;
export type TextPlatform = (typeof TEXT_PLATFORMS)[number];

export const PLATFORM_LABELS: Record<StormPlatform, string> = {
  x: 'X (Twitter)',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  facebook: 'Facebook',
};

/** Post length limits as each platform counts (see postLength). */
export const PLATFORM_LIMITS: Record<TextPlatform, number> = {
  x: 280,
  bluesky: 300,
  mastodon: 500,
};
/** X and Mastodon count every link as this many characters, whatever its length. */
export const LINK_WEIGHT = 23;

export type Mentions = Record<TextPlatform, string[]>;

export interface PostParts {
  hashtag: string;
  link: string | null;
  mentions: Mentions;
}

const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;
const LEADING_PUNCTUATION = /^[([{'"]+/;

/** The text's words as compared for "already mentioned": lower-case, outer punctuation off. */
function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/\s+/)
      .map((w) => w.replace(LEADING_PUNCTUATION, '').replace(TRAILING_PUNCTUATION, ''))
      .filter(Boolean),
  );
}

/** The text with what the platform's post still needs appended: handles, hashtag, link. */
export function composePost(text: string, parts: PostParts, platform: TextPlatform): string {
  const body = text.trim();
  const present = words(body);
  const extra: string[] = [];
  for (const mention of parts.mentions[platform])
    if (!present.has(mention.toLowerCase())) extra.push(mention);
  const tag = `#${parts.hashtag}`;
  if (parts.hashtag && !present.has(tag.toLowerCase())) extra.push(tag);
  if (parts.link && !body.includes(parts.link)) extra.push(parts.link);
  return [body, ...extra].filter(Boolean).join(' ');
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** twitter-text's v3 weighting: these code points count 1, every other one 2. */
const LIGHT_RANGES: [number, number][] = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];
const EMOJI = /\p{Extended_Pictographic}/u;

function xWeight(grapheme: string): number {
  // An emoji (with its modifiers and joiners) counts 2, as X counts it.
  if (EMOJI.test(grapheme)) return 2;
  let weight = 0;
  for (const ch of grapheme) {
    const cp = ch.codePointAt(0) ?? 0;
    weight += LIGHT_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
  }
  return weight;
}

/** Each link in the text (trailing sentence punctuation excluded) replaced by `by`. */
function replaceLinks(text: string, by: (url: string) => string): string {
  return text.replace(URL_PATTERN, (match) => {
    const url = match.replace(TRAILING_PUNCTUATION, '');
    return by(url) + match.slice(url.length);
  });
}

const LINK_PLACEHOLDER = 'x'.repeat(LINK_WEIGHT);

/**
 * A post's length as the platform counts it. X: weighted characters, links count 23. Bluesky:
 * graphemes, links in full. Mastodon: characters, links count 23 and "@user@server" mentions
 * count as "@user".
 */
export function postLength(text: string, platform: TextPlatform): number {
  const normalised = text.normalize('NFC');
  if (platform === 'x') {
    let total = 0;
    for (const g of graphemes(replaceLinks(normalised, () => LINK_PLACEHOLDER)))
      total += xWeight(g);
    return total;
  }
  if (platform === 'bluesky') return graphemes(normalised).length;
  const countable = replaceLinks(normalised, () => LINK_PLACEHOLDER).replace(
    /(^|[^/\w])@(\w+)@[a-z0-9.-]+[a-z0-9]/gi,
    '$1@$2',
  );
  return [...countable].length;
}

// ---- hashtags, handles and Mastodon servers -----------------------------------------------------

export const HASHTAG_MAX_LENGTH = 60;

/** "#SaveOurLibraries" or "SaveOurLibraries" → "SaveOurLibraries"; null when not a usable tag. */
export function normaliseHashtag(input: string): string | null {
  const tag = input.trim().replace(/^#/, '');
  if (tag.length === 0 || tag.length > HASHTAG_MAX_LENGTH) return null;
  // Letters, digits and underscores, with at least one letter: all-digit tags are not linked.
  if (!/^[\p{L}\p{M}\p{N}_]+$/u.test(tag) || !/\p{L}/u.test(tag)) return null;
  return tag;
}

export interface Handle {
  platform: TextPlatform;
  /** As it is written in a post: "@name", "@name.bsky.social", "@name@server". */
  mention: string;
}

const HOSTNAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A handle as an organiser types it, its platform told by its shape: "@user@server" is Mastodon,
 * a domain ("name.bsky.social") is Bluesky, and a bare name of up to 15 letters, digits or
 * underscores is X.
 */
export function parseHandle(input: string): Handle | null {
  const text = input.trim();
  const mastodon = /^@?([a-z0-9_]+(?:[.-][a-z0-9_]+)*)@([^@\s]+)$/i.exec(text);
  if (mastodon) {
    const server = (mastodon[2] ?? '').toLowerCase();
    return HOSTNAME.test(server)
      ? { platform: 'mastodon', mention: `@${mastodon[1]}@${server}` }
      : null;
  }
  const bare = text.replace(/^@/, '');
  if (bare.includes('.'))
    return HOSTNAME.test(bare.toLowerCase())
      ? { platform: 'bluesky', mention: `@${bare.toLowerCase()}` }
      : null;
  return /^[A-Za-z0-9_]{1,15}$/.test(bare) ? { platform: 'x', mention: `@${bare}` } : null;
}

/**
 * The Mastodon server someone names: "mastodon.social", "https://mastodon.social/" or their
 * address "@me@mastodon.social" → "mastodon.social". Only a public host name (no IP address, no
 * port, no path) is accepted, as the post is sent to https://<server>/share.
 */
export function normaliseInstance(input: string): string | null {
  let text = input.trim().toLowerCase();
  if (text.length > 300) return null;
  text = text.replace(/^https:\/\//, '').replace(/\/+$/, '');
  const at = text.lastIndexOf('@');
  if (at >= 0) text = text.slice(at + 1);
  return HOSTNAME.test(text) ? text : null;
}

export function intentUrl(platform: 'x' | 'bluesky', text: string): string {
  const t = encodeURIComponent(text);
  return platform === 'x'
    ? `https://twitter.com/intent/tweet?text=${t}`
    : `https://bsky.app/intent/compose?text=${t}`;
}

export function mastodonShareUrl(instance: string, text: string): string {
  return `https://${instance}/share?text=${encodeURIComponent(text)}`;
}

export function facebookShareUrl(pageUrl: string): string {
  return `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(pageUrl)}`;
}
