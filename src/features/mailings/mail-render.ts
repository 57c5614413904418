import { campaignMarkdown } from '../../infra/html/markdown.js';
import { escapeHtml } from '../../infra/html/html.js';
import { type MergeValues, fillMergeTags } from './merge-fields.js';

/** A mailing's Markdown: the subset organisers write everywhere (no raw HTML, no images). */
const md = campaignMarkdown();

/** Stands in for a merge tag while Markdown renders, so `{{…}}` survives inside link targets. */
const placeholder = (i: number) => `zqmerge${i}zq`;
const PLACEHOLDER = /zqmerge(\d+)zq/g;

/** The parts of a mailing that are the same for everyone, rendered once per send. */
export interface CompiledMailing {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  tags: string[];
}

export function compileMailing(m: { subject: string; preheader: string; body: string }) {
  const tags: string[] = [];
  const body = m.body.replace(/\{\{[^{}]*\}\}/g, (tag) => placeholder(tags.push(tag) - 1));
  const text = body
    // [words](url) reads as "words (url)" in the plain-text part.
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 ($2)');
  return { subject: m.subject, preheader: m.preheader, html: md.render(body), text, tags };
}

export interface PersonalParts {
  values: MergeValues;
  unsubscribeUrl: string;
  /** Rewrites each link (adds `source`, or a signed click redirect). */
  link: (url: string) => string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

const HREF = /href="([^"]*)"/g;
const URL_IN_TEXT = /https?:\/\/[^\s)<>"]+/g;

function unescapeAttr(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** One person's message: merge fields filled (escaped in HTML), links rewritten, footer added. */
export function personalise(c: CompiledMailing, p: PersonalParts): RenderedMessage {
  const fill = (s: string, escape?: (v: string) => string) =>
    s.replace(PLACEHOLDER, (_m, i: string) =>
      fillMergeTags(c.tags[Number(i)] ?? '', p.values, escape),
    );
  const body = fill(c.html, escapeHtml).replace(
    HREF,
    (_m, url: string) => `href="${escapeHtml(p.link(unescapeAttr(url)))}"`,
  );
  const preheader = fillMergeTags(c.preheader, p.values);
  const html =
    `<!doctype html><html><body>` +
    (preheader
      ? `<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(preheader)}</div>`
      : '') +
    body +
    `<hr><p style="font-size:12px;color:#555">You receive this because you agreed to hear from this campaign. ` +
    `<a href="${escapeHtml(p.unsubscribeUrl)}">Unsubscribe</a> at any time.</p></body></html>`;
  const text =
    fill(c.text).replace(URL_IN_TEXT, (url) => p.link(url)) +
    `\n\n--\nYou receive this because you agreed to hear from this campaign.\nUnsubscribe: ${p.unsubscribeUrl}\n`;
  return { subject: fillMergeTags(c.subject, p.values), html, text };
}

/** Adds `source=<value>` to links on Rally's own site, so actions are attributed to the mailing. */
export function withSource(url: string, baseUrl: string, source: string): string {
  if (!url.startsWith(`${baseUrl}/`) && url !== baseUrl) return url;
  try {
    const parsed = new URL(url);
    parsed.searchParams.set('source', source);
    return parsed.toString();
  } catch {
    return url;
  }
}
