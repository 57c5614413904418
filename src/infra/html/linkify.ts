import { type SafeHtml, html } from './html.js';

// Stops at whitespace, quotes and angle brackets, which never belong to a URL in plain text.
const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/g;
// Sentence punctuation right after a URL ("see https://x.org/a.") is not part of it.
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

function isWebUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Plain text as HTML with its http(s) URLs as links. Every piece, link text and href included,
 * goes through the escaping template, so the text cannot inject markup or other URL schemes.
 */
export function linkifyText(text: string): SafeHtml {
  const parts: (string | SafeHtml)[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (!isWebUrl(url)) continue;
    parts.push(text.slice(last, match.index));
    parts.push(
      html`<a href="${url}" rel="noopener noreferrer nofollow" target="_blank">${url}</a>`,
    );
    last = match.index + url.length;
  }
  parts.push(text.slice(last));
  return html`${parts}`;
}
