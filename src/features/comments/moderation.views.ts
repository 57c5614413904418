import {
  checkboxField,
  selectOptions,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { type BadgeTone, badge } from '../../infra/html/format.js';
import { type SafeHtml, html, when } from '../../infra/html/html.js';
import { pagination } from '../../infra/html/pagination.js';
import { dataTable } from '../../infra/html/tables.js';
import type { CivilitySpan } from '../civility/civility.service.js';
import { explainText } from '../civility/civility.service.js';
import { civilityReasons, highlight } from '../civility/civility.views.js';
import { commentThreadPath } from './comment-thread.js';
import { SANCTION_REASON_MAX_LENGTH } from './comments.limits.js';
import type {
  CommentRow,
  CommenterRow,
  LogRow,
  QueueRow,
  QueueTab,
  ReportRow,
} from './comments.repository.js';
import { QUEUE_TABS } from './comments.repository.js';
import { REPORT_REASON_LABELS, excerpt, timeTag } from './comments.public.views.js';

export const TAB_LABELS: Record<QueueTab, string> = {
  held: 'Held by guard',
  reported: 'Reported',
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
};

const STATUS_BADGES: Record<string, [string, BadgeTone]> = {
  held: ['held by guard', 'warn'],
  pending: ['pending', 'warn'],
  approved: ['approved', 'ok'],
  rejected: ['rejected', 'bad'],
  unconfirmed: ['email not confirmed', 'plain'],
};

export function statusBadge(status: string): SafeHtml {
  const [label, tone] = STATUS_BADGES[status] ?? [status, 'plain'];
  return badge(label, tone);
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function commenterPath(id: number): string {
  return `/admin/moderation/commenters/${id}`;
}

function sanctionBadge(
  c: { banned_at: string | null; suspended_until: string | null },
  now: Date,
): SafeHtml | '' {
  if (c.banned_at) return badge('banned', 'bad');
  if (c.suspended_until && c.suspended_until > now.toISOString())
    return badge(`suspended until ${c.suspended_until.slice(0, 10)}`, 'warn');
  return '';
}

function pager(base: string, page: number, pageCount: number): SafeHtml | '' {
  const join = base.includes('?') ? '&' : '?';
  return pagination({ page, pageCount, href: (n) => `${base}${join}page=${n}` });
}

function subnav(): SafeHtml {
  return html`<p class="cm-subnav">
    <a href="/admin/moderation">Queue</a> · <a href="/admin/moderation/log">Moderation log</a> ·
    <a href="/admin/moderation/threads">Discussions</a> ·
    <a href="/moderation-policy">Public moderation policy</a>
  </p>`;
}

/** "Spam or advertising: “the note”" */
function reportLine(r: ReportRow): string {
  const reason = REPORT_REASON_LABELS[r.reason] ?? r.reason;
  return r.note ? `${reason}: “${r.note}”` : reason;
}

function reportList(reports: ReportRow[]): SafeHtml | '' {
  if (reports.length === 0) return '';
  return html`<div class="cm-reports">
    <p><strong>Reports (${reports.length})</strong></p>
    <ul>
      ${reports.map(
        (r) =>
          html`<li class="${r.resolved_at ? 'muted' : ''}">
            ${reportLine(r)} · ${timeTag(r.created_at)}
            ${when(r.resolved_at, () => html` · resolved`)}
          </li>`,
      )}
    </ul>
  </div>`;
}

function queueItem(
  item: QueueRow,
  reports: ReportRow[],
  canModerate: boolean,
  now: Date,
): SafeHtml {
  const spans = parseJson<CivilitySpan[]>(item.guard_spans, []);
  const labels = parseJson<string[]>(item.guard_labels, []);
  return html`<li class="cm-item" id="item-${item.id}">
    ${when(
      canModerate,
      () =>
        html`<div class="cm-pick">
          <input type="checkbox" name="ids" value="${item.id}" id="cm-pick-${item.id}" />
          <label for="cm-pick-${item.id}"
            ><span class="cm-vh">Select the comment by ${item.author_name}</span></label
          >
        </div>`,
    )}
    <div class="cm-item-main">
      <p class="cm-item-meta">
        <strong>${item.author_name}</strong>
        <a href="${commenterPath(item.commenter_id)}">${item.commenter_email}</a>
        ${sanctionBadge(
          {
            banned_at: item.commenter_banned_at,
            suspended_until: item.commenter_suspended_until,
          },
          now,
        )}
        on <a href="${commentThreadPath(item.thread_id)}">${item.thread_title}</a> ·
        ${timeTag(item.created_at)} ${statusBadge(item.status)}
        ${when(item.edited_at, () => badge('edited'))}
      </p>
      <p class="civility-highlighted cm-item-text">${highlight(item.body, spans)}</p>
      <p class="cm-guard">
        Guard: ${item.guard_decision === 'review' ? 'review' : 'allow'}, score
        ${item.guard_score.toFixed(2)}${labels.length ? html`, labels: ${labels.join(', ')}` : ''}
      </p>
      ${when(item.guard_decision === 'review', () => civilityReasons(explainText(item.body)))}
      ${reportList(reports)}
      ${when(
        canModerate,
        () =>
          html`<p class="cm-item-actions">
            ${when(
              item.status !== 'approved' || reports.some((r) => !r.resolved_at),
              () =>
                html`<button type="submit" name="one" value="approve:${item.id}" class="secondary">
                  ${item.status === 'approved' ? 'Keep' : 'Approve'}<span class="cm-vh">
                    the comment by ${item.author_name}</span
                  >
                </button>`,
            )}
            ${when(
              item.status !== 'rejected',
              () =>
                html`<button type="submit" name="one" value="reject:${item.id}" class="danger">
                  Reject<span class="cm-vh"> the comment by ${item.author_name}</span>
                </button>`,
            )}
            <a href="${commenterPath(item.commenter_id)}">Suspend or ban the commenter</a>
            <a href="/admin/cases/new?source=comment&amp;ref=${item.id}">Open a conduct case</a>
          </p>`,
      )}
    </div>
  </li>`;
}

export function queuePage(opts: {
  tab: QueueTab;
  counts: Record<QueueTab, number>;
  items: QueueRow[];
  reports: ReportRow[];
  page: number;
  pageCount: number;
  canModerate: boolean;
  csrf: string;
  /** Whether a suspension still runs: the services' clock. */
  now: Date;
}): SafeHtml {
  const { tab } = opts;
  return html`${subnav()}
    <nav class="cm-tabs" aria-label="Moderation queue">
      <ul>
        ${QUEUE_TABS.map(
          (t) =>
            html`<li>
              <a href="/admin/moderation?tab=${t}" ${t === tab ? html`aria-current="page"` : ''}
                >${TAB_LABELS[t]} ${badge(opts.counts[t])}</a
              >
            </li>`,
        )}
      </ul>
    </nav>
    <h2>${TAB_LABELS[tab]}</h2>
    ${
      opts.items.length === 0
        ? html`<p class="empty">Nothing here.</p>`
        : html`<form method="post" action="/admin/moderation" class="cm-queue-form">
            <input type="hidden" name="_csrf" value="${opts.csrf}" />
            <input type="hidden" name="tab" value="${tab}" />
            ${when(
              opts.canModerate,
              () =>
                html`<div class="cm-bulk" role="group" aria-label="Bulk actions">
                  <button type="submit" name="action" value="approve">Approve ticked</button>
                  <button type="submit" name="action" value="reject" class="danger">
                    Reject ticked
                  </button>
                </div>`,
            )}
            <ol class="cm-queue">
              ${opts.items.map((item) =>
                queueItem(
                  item,
                  opts.reports.filter((r) => r.comment_id === item.id),
                  opts.canModerate,
                  opts.now,
                ),
              )}
            </ol>
          </form>`
    }
    ${pager(`/admin/moderation?tab=${tab}`, opts.page, opts.pageCount)}`;
}

export interface SanctionFormState {
  kind?: 'suspend' | 'ban';
  until?: string;
  reason?: string;
  removeComments?: boolean;
  errors?: Record<string, string>;
}

function sanctionForms(c: CommenterRow, csrf: string, state: SanctionFormState): SafeHtml {
  const errors = state.errors ?? {};
  /** Each form shows only its own errors (both take a reason). */
  const err = (kind: 'suspend' | 'ban', key: string) =>
    state.kind === kind ? errors[key] : undefined;
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return html`<div class="cm-sanctions">
    <form method="post" action="${commenterPath(c.id)}/suspend" class="stack">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <h2>Suspend</h2>
      ${textField({
        id: 'cm-until',
        name: 'until',
        label: 'Suspended until',
        type: 'date',
        min: tomorrow,
        required: true,
        value: state.kind === 'suspend' ? state.until : '',
        error: err('suspend', 'until'),
        alertError: true,
      })}
      ${textAreaField({
        id: 'cm-suspend-reason',
        name: 'reason',
        label: 'Reason (emailed to them)',
        rows: 3,
        maxLength: SANCTION_REASON_MAX_LENGTH,
        required: true,
        value: state.kind === 'suspend' ? state.reason : '',
        error: err('suspend', 'reason'),
        alertError: true,
      })}
      <button type="submit">Suspend and notify</button>
    </form>
    <form method="post" action="${commenterPath(c.id)}/ban" class="stack">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <h2>Ban</h2>
      ${textAreaField({
        id: 'cm-ban-reason',
        name: 'reason',
        label: 'Reason (emailed to them)',
        rows: 3,
        maxLength: SANCTION_REASON_MAX_LENGTH,
        required: true,
        value: state.kind === 'ban' ? state.reason : '',
        error: err('ban', 'reason'),
        alertError: true,
      })}
      ${checkboxField({
        name: 'removeComments',
        label: 'Also reject everything they have posted',
        checked: state.kind === 'ban' && Boolean(state.removeComments),
        className: 'cm-check',
      })}
      <button type="submit" class="danger">Ban and notify</button>
    </form>
  </div>`;
}

export function commenterPage(opts: {
  commenter: CommenterRow;
  comments: (CommentRow & { thread_title: string })[];
  log: LogRow[];
  canModerate: boolean;
  csrf: string;
  form?: SanctionFormState;
  /** Whether a suspension still runs: the services' clock. */
  now: Date;
}): SafeHtml {
  const c = opts.commenter;
  const now = opts.now.toISOString();
  const sanctioned = !!c.banned_at || (!!c.suspended_until && c.suspended_until > now);
  return html`${subnav()}
    <dl class="details">
      <dt>Name</dt>
      <dd>${c.display_name}</dd>
      <dt>Email</dt>
      <dd>${c.email}</dd>
      <dt>Email confirmed</dt>
      <dd>${c.confirmed_at ? timeTag(c.confirmed_at) : 'not yet'}</dd>
      <dt>Standing</dt>
      <dd>
        ${
          c.banned_at
            ? html`Banned since ${timeTag(c.banned_at)}`
            : sanctioned
              ? html`Suspended until ${timeTag(c.suspended_until as string)}`
              : 'May comment'
        }
        ${when(sanctioned && c.sanction_reason, () => html` — “${c.sanction_reason}”`)}
      </dd>
    </dl>
    ${when(
      opts.canModerate && sanctioned,
      () =>
        html`<form method="post" action="${commenterPath(c.id)}/reinstate">
          <input type="hidden" name="_csrf" value="${opts.csrf}" />
          <button type="submit" class="secondary">
            Lift the ${c.banned_at ? 'ban' : 'suspension'}
          </button>
        </form>`,
    )}
    ${when(opts.canModerate && !c.banned_at && !c.erased_at, () =>
      sanctionForms(c, opts.csrf, opts.form ?? {}),
    )}
    <h2>Comments (${opts.comments.length})</h2>
    ${dataTable({
      columns: [
        { label: 'When', cell: (x) => timeTag(x.created_at) },
        {
          label: 'Discussion',
          cell: (x) => html`<a href="${commentThreadPath(x.thread_id)}">${x.thread_title}</a>`,
        },
        { label: 'Comment', cell: (x) => excerpt(x.body, 160) },
        { label: 'Status', cell: (x) => statusBadge(x.status) },
      ],
      rows: opts.comments,
      empty: 'No comments.',
    })}
    <h2>Moderation history</h2>
    ${
      opts.log.length === 0
        ? html`<p class="empty">No moderation yet.</p>`
        : html`<ul>
            ${opts.log.map(
              (l) =>
                html`<li>
                  ${timeTag(l.created_at)} · ${l.actor_name} · ${l.action}: ${l.details}
                </li>`,
            )}
          </ul>`
    }`;
}

export function logPage(opts: {
  entries: (LogRow & { thread_title: string | null; commenter_name: string | null })[];
  page: number;
  pageCount: number;
}): SafeHtml {
  return html`${subnav()}
  ${dataTable({
    className: 'cm-log',
    columns: [
      { label: 'When', cell: (l) => timeTag(l.created_at) },
      { label: 'Who', cell: (l) => l.actor_name },
      { label: 'Action', cell: (l) => l.action },
      {
        label: 'About',
        cell: (l) =>
          html`${when(
            l.comment_id !== null,
            () =>
              html`comment
                <a href="${commentThreadPath(l.thread_id ?? 0)}#comment-${l.comment_id}"
                  >#${l.comment_id}</a
                > `,
          )}
          ${when(
            l.commenter_id !== null,
            () =>
              html`by
                <a href="${commenterPath(l.commenter_id as number)}"
                  >${l.commenter_name ?? 'commenter'}</a
                > `,
          )}
          ${when(
            l.thread_id !== null,
            () =>
              html`on
                <a href="${commentThreadPath(l.thread_id as number)}"
                  >${l.thread_title ?? 'a discussion'}</a
                >`,
          )}`,
      },
      { label: 'Details', cell: (l) => l.details },
    ],
    rows: opts.entries,
    empty: 'No moderation yet.',
  })}
  ${pager('/admin/moderation/log', opts.page, opts.pageCount)}`;
}

export function threadsPage(opts: {
  threads: {
    id: number;
    key: string;
    title: string;
    url: string;
    mode: string;
    open: number;
    visible: number;
    waiting: number;
  }[];
  canEdit: boolean;
  csrf: string;
}): SafeHtml {
  return html`${subnav()}
    <p class="hint">
      Post-moderation publishes comments the guard allows at once; pre-moderation holds every
      comment for a moderator. Closing a discussion keeps its comments readable.
      ${opts.canEdit ? '' : 'Organisers can change these settings.'}
    </p>
    ${dataTable({
      columns: [
        {
          label: 'Discussion',
          cell: (t) =>
            html`<a href="${commentThreadPath(t.id)}">${t.title}</a><br /><small
                >${t.key} · <a href="${t.url}">page</a></small
              >`,
        },
        { label: 'Visible', numeric: true, cell: (t) => t.visible },
        { label: 'Waiting', numeric: true, cell: (t) => t.waiting },
        {
          label: 'Settings',
          cell: (t) =>
            opts.canEdit
              ? html`<form
                  method="post"
                  action="/admin/moderation/threads/${t.id}"
                  class="cm-thread-settings"
                >
                  <input type="hidden" name="_csrf" value="${opts.csrf}" />
                  <label for="cm-mode-${t.id}">Moderation</label>
                  <select id="cm-mode-${t.id}" name="mode">
                    ${selectOptions(
                      [
                        { value: 'post', label: 'Post-moderation' },
                        { value: 'pre', label: 'Pre-moderation' },
                      ],
                      t.mode,
                    )}
                  </select>
                  ${checkboxField({
                    name: 'open',
                    label: 'Open for comments',
                    checked: t.open === 1,
                    className: 'cm-check',
                  })}
                  <button type="submit" class="secondary">
                    Save<span class="cm-vh"> ${t.title}</span>
                  </button>
                </form>`
              : html`${t.mode === 'pre' ? 'Pre-moderation' : 'Post-moderation'},
                ${t.open === 1 ? 'open' : 'comments closed'}`,
        },
      ],
      rows: opts.threads,
      empty: 'No discussions yet: they start when a page that takes comments is published.',
    })}`;
}
