import { type SafeHtml, html } from './html.js';

export interface PaginationOptions {
  page: number;
  pageCount: number;
  /** The address of a page (1-based). */
  href: (page: number) => string;
  /** The navigation's accessible name; "Pages" unless given. */
  label?: string;
  /** Link words, for lists where "Newer"/"Older" say more than "Previous"/"Next". */
  previous?: string;
  next?: string;
  /** Said after "Page n of m", in brackets: e.g. "45 letters". */
  note?: string;
}

/** Previous / "Page n of m" / Next links; nothing when everything fits on one page. */
export function pagination(opts: PaginationOptions): SafeHtml | '' {
  const { page, pageCount } = opts;
  if (pageCount <= 1) return '';
  return html`<nav class="pagination" aria-label="${opts.label ?? 'Pages'}">
    ${page > 1 ? html`<a href="${opts.href(page - 1)}" rel="prev">${opts.previous ?? 'Previous'}</a>` : ''}
    <span>Page ${page} of ${pageCount}${opts.note ? ` (${opts.note})` : ''}</span>
    ${page < pageCount ? html`<a href="${opts.href(page + 1)}" rel="next">${opts.next ?? 'Next'}</a>` : ''}
  </nav>`;
}

/** How many pages `total` items fill; an empty listing still has its one (empty) page. */
export function pageCountOf(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
