import type { CivilitySpan } from '../civility/civility.service.js';

export const CAMPAIGN_NAME_MAX_LENGTH = 100;
export const SUBJECT_MAX_LENGTH = 200;
export const TEMPLATE_BODY_MAX_LENGTH = 5_000;
/** The post as quoted in a request: enough to recognise it, never the whole rant. */
export const EXCERPT_MAX_LENGTH = 200;
/** What stands in for the words the guard flagged, so the request does not repeat them. */
export const MASK = '[…]';

export const PLACEHOLDERS = [
  'first_name',
  'post_url',
  'post_excerpt',
  'campaign_name',
  'moderator_name',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

export interface RequestTemplate {
  campaignName: string;
  subject: string;
  body: string;
}

export const DEFAULT_TEMPLATE: RequestTemplate = {
  campaignName: 'our campaign',
  subject: 'A personal request about one of your posts',
  body: [
    'Hello {{first_name}},',
    '',
    'Thank you for supporting {{campaign_name}}. We are writing to you personally about a post you made:',
    '',
    '{{post_url}}',
    '',
    '"{{post_excerpt}}"',
    '',
    'We know you care about this cause, and we are glad you do. But a post like this one can hurt people, and it makes it harder for the campaign to win new supporters. Would you please consider deleting it?',
    '',
    'This request is between you and us. We have not shared it and will not make it public. If you think we have misunderstood your post, just reply to this email and tell us.',
    '',
    'Thank you for reading this,',
    '{{moderator_name}}',
    '{{campaign_name}}',
  ].join('\n'),
};

const PLACEHOLDER_PATTERN = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** Fills every {{placeholder}}; placeholders Rally does not know are left as written. */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER_PATTERN, (whole, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole,
  );
}

export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER_PATTERN)]
    .map((m) => m[1] ?? '')
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
}

/**
 * The post as the request quotes it: what the guard flagged replaced by MASK (the person knows
 * what they wrote; the request should not say it again), whitespace collapsed, and cut short.
 */
export function excerptOf(text: string, spans: CivilitySpan[]): string {
  let out = '';
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.end <= at) continue;
    out += text.slice(at, Math.max(at, s.start)) + MASK;
    at = s.end;
  }
  out += text.slice(at);
  out = out.replace(/\s+/g, ' ').trim();
  // Masks that ended up side by side say nothing more than one.
  out = out.replace(/(?:\[…\]\s*){2,}/g, `${MASK} `).trim();
  if (out.length <= EXCERPT_MAX_LENGTH) return out;
  const cut = out.slice(0, EXCERPT_MAX_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > EXCERPT_MAX_LENGTH / 2 ? cut.slice(0, space) : cut}…`;
}

/** Values that show what a template looks like filled in (for checking it when it is saved). */
export function sampleValues(campaignName: string, moderatorName: string): TemplateValues {
  return {
    first_name: 'Sam',
    post_url: 'https://example.org/post/1',
    post_excerpt: `This council is a ${MASK} disgrace and they should all resign`,
    campaign_name: campaignName,
    moderator_name: moderatorName,
  };
}
