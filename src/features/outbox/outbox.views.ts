import { type SafeHtml, html, when } from '../../infra/html/html.js';
import { MAIL_STATUSES, type MailStatus } from '../../infra/mail/mail.tables.js';
import type { OutboxRow, OutboxSummary } from '../../infra/mail/outbox.repository.js';
import { linkifyText } from '../../infra/html/linkify.js';

export const OUTBOX_EMPTY_MESSAGE =
  'No mail yet. With no SMTP_URL set, Rally keeps every message here.';

const STATUS_BADGE: Record<MailStatus, string> = {
  queued: 'badge-warn',
  sent: 'badge-ok',
  stored: 'badge-ok',
  failed: 'badge-bad',
};

export interface OutboxListView {
  items: OutboxSummary[];
  total: number;
  page: number;
  pageCount: number;
  status: MailStatus | undefined;
  recipient: string;
  searchMaxLength: number;
  error?: string | undefined;
}

/** Minute precision, UTC: the outbox is an audit trail, not a calendar. */
export function formatWhen(iso: string | null): SafeHtml | '' {
  if (!iso) return '';
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function pageHref(view: OutboxListView, page: number): string {
  const params = new URLSearchParams();
  if (view.status) params.set('status', view.status);
  if (view.recipient) params.set('q', view.recipient);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return `/admin/outbox${query ? `?${query}` : ''}`;
}

function filterForm(view: OutboxListView): SafeHtml {
  return html`<form method="get" action="/admin/outbox" class="filters">
    <label
      >Status
      <select name="status">
        <option value="">Any</option>
        ${MAIL_STATUSES.map(
          (s) =>
            html`<option value="${s}" ${when(view.status === s, () => html`selected`)}>
              ${s}
            </option>`,
        )}
      </select>
    </label>
    <label
      >Recipient
      <input
        type="search"
        name="q"
        value="${view.recipient}"
        maxlength="${view.searchMaxLength}"
        placeholder="part of an address"
      />
    </label>
    <button type="submit">Filter</button>
  </form>`;
}

function pager(view: OutboxListView): SafeHtml | '' {
  if (view.pageCount <= 1) return '';
  return html`<nav class="pagination" aria-label="Pages">
    ${when(view.page > 1, () => html`<a href="${pageHref(view, view.page - 1)}" rel="prev">Newer</a>`)}
    <span>Page ${view.page} of ${view.pageCount}</span>
    ${when(
      view.page < view.pageCount,
      () => html`<a href="${pageHref(view, view.page + 1)}" rel="next">Older</a>`,
    )}
  </nav>`;
}

export function outboxListBody(view: OutboxListView): SafeHtml {
  const filtered = Boolean(view.status || view.recipient);
  const table = html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th scope="col">To</th>
          <th scope="col">Subject</th>
          <th scope="col">Category</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        ${view.items.map(
          (m) =>
            html`<tr>
              <td>${m.to_address}</td>
              <td><a href="/admin/outbox/${m.id}">${m.subject || '(no subject)'}</a></td>
              <td>${m.category}</td>
              <td><span class="badge ${STATUS_BADGE[m.status]}">${m.status}</span></td>
              <td>${formatWhen(m.created_at)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
  return html`${when(view.error, () => html`<p class="flash flash-error" role="alert">${view.error}</p>`)}
  ${filterForm(view)}
  ${
    view.items.length > 0
      ? html`<p>${view.total} message${view.total === 1 ? '' : 's'}</p>
          ${table} ${pager(view)}`
      : html`<p class="empty">
          ${filtered ? 'No messages match these filters.' : OUTBOX_EMPTY_MESSAGE}
        </p>`
  }`;
}

export function outboxDetailBody(mail: OutboxRow): SafeHtml {
  const header = (name: string, value: SafeHtml | string | number | null) =>
    value === null || value === ''
      ? ''
      : html`<dt>${name}</dt>
          <dd>${value}</dd>`;
  return html`<p><a href="/admin/outbox">Back to the outbox</a></p>
    <dl class="details mail-headers">
      ${header('From', mail.from_address)} ${header('To', mail.to_address)} ${header('Cc', mail.cc)}
      ${header('Reply-To', mail.reply_to)} ${header('Subject', mail.subject)}
      ${header('Category', mail.category)} ${header('Status', mail.status)}
      ${header('Attempts', mail.attempts)} ${header('Created', formatWhen(mail.created_at))}
      ${header('Sent', formatWhen(mail.sent_at))} ${header('Message-ID', mail.message_id)}
      ${header('Last error', mail.error)}
    </dl>
    <h2>Text</h2>
    <pre class="mail-text">${linkifyText(mail.text_body)}</pre>
    ${when(
      mail.html_body,
      () =>
        html`<h2>HTML</h2>
          <iframe
            class="mail-html"
            sandbox="allow-popups allow-popups-to-escape-sandbox"
            src="/admin/outbox/${mail.id}/html"
            title="HTML version of the message"
            width="100%"
            height="600"
          ></iframe>`,
    )}`;
}
