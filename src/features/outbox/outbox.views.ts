import { errorNotice, filterSelect } from '../../infra/html/form-controls.js';
import { type BadgeTone, badge, utcTime } from '../../infra/html/format.js';
import { type SafeHtml, html, when } from '../../infra/html/html.js';
import { MAIL_STATUSES, type MailStatus } from '../../infra/mail/mail.tables.js';
import type { OutboxRow, OutboxSummary } from '../../infra/mail/outbox.repository.js';
import { linkifyText } from '../../infra/html/linkify.js';
import { pagination } from '../../infra/html/pagination.js';
import { dataTable } from '../../infra/html/tables.js';

export const OUTBOX_EMPTY_MESSAGE =
  'No mail yet. With no SMTP_URL set, Rally keeps every message here.';

const STATUS_TONES: Record<MailStatus, BadgeTone> = {
  queued: 'warn',
  sent: 'ok',
  stored: 'ok',
  failed: 'bad',
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
export const formatWhen = utcTime;

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
    ${filterSelect(
      'Status',
      'status',
      MAIL_STATUSES.map((s) => ({ value: s, label: s })),
      view.status,
    )}
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

export function outboxListBody(view: OutboxListView): SafeHtml {
  const filtered = Boolean(view.status || view.recipient);
  const table = dataTable({
    columns: [
      { label: 'To', cell: (m) => m.to_address },
      {
        label: 'Subject',
        cell: (m) => html`<a href="/admin/outbox/${m.id}">${m.subject || '(no subject)'}</a>`,
      },
      { label: 'Category', cell: (m) => m.category },
      { label: 'Status', cell: (m) => badge(m.status, STATUS_TONES[m.status]) },
      { label: 'Created', cell: (m) => formatWhen(m.created_at) },
    ],
    rows: view.items,
  });
  const pager = pagination({
    page: view.page,
    pageCount: view.pageCount,
    href: (page) => pageHref(view, page),
    previous: 'Newer',
    next: 'Older',
  });
  return html`${errorNotice(view.error)} ${filterForm(view)}
  ${
    view.items.length > 0
      ? html`<p>${view.total} message${view.total === 1 ? '' : 's'}</p>
          ${table} ${pager}`
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
