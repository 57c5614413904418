import { campaignMarkdown } from '../../infra/html/markdown.js';
import { type SafeHtml, raw } from '../../infra/html/html.js';

/** The petition body's Markdown: the campaign subset, plus inline code. */
const md = campaignMarkdown(['backticks']);

// Links open normally but tell search engines not to credit them (petitions invite link spam).
const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet('rel', 'nofollow noopener');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderPetitionMarkdown(source: string): SafeHtml {
  return raw(md.render(source));
}

/** The text without markup, for descriptions and share text. */
export function plainSummary(source: string, max = 200): string {
  const text = md
    .render(source)
    .replace(/<\/?(?:strong|em|a|code)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
