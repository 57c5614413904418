import MarkdownIt from 'markdown-it';

const CAMPAIGN_RULES = [
  'paragraph',
  'newline',
  'emphasis',
  'list',
  'heading',
  'blockquote',
  'link',
  'linkify',
  'escape',
  'entity',
];

/**
 * A renderer for the Markdown organisers write (petition bodies, event descriptions, mailings):
 * paragraphs, emphasis, lists, headings, quotes and links. html:false turns any tag in the source
 * into plain text; images and tables are off; markdown-it's validateLink already refuses
 * javascript:, vbscript: and data: URLs. Each caller gets its own instance, so one may change its
 * renderer (petitions mark links nofollow) without touching the others.
 */
export function campaignMarkdown(extraRules: readonly string[] = []) {
  return new MarkdownIt('zero', { html: false, linkify: true, breaks: false }).enable([
    ...CAMPAIGN_RULES,
    ...extraRules,
  ]);
}
