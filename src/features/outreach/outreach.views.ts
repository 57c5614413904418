import {
  errorSummary,
  postButton,
  selectField,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { type BadgeTone, badge, utcTime } from '../../infra/html/format.js';
import { type SafeHtml, csrfField, html, when } from '../../infra/html/html.js';
import { pagination } from '../../infra/html/pagination.js';
import { dataTable } from '../../infra/html/tables.js';
import { highlight } from '../civility/civility.views.js';
import type { Person } from '../people/people.service.js';
import type { CaseSummary } from './outreach.repository.js';
import {
  type CaseForm,
  CLOSING_ACTIONS,
  type Errors,
  HANDLE_INPUT_MAX_LENGTH,
  MATCHABLE,
  PLATFORM_LABELS,
  POST_TEXT_MAX_LENGTH,
  POST_URL_MAX_LENGTH,
  SENDABLE,
  STATUS_LABELS,
} from './outreach.rules.js';
import { type CaseView, parseLabels, parseSpans, personLabel } from './outreach.service.js';
import { CASE_STATUSES, type CaseStatus, PLATFORMS } from './outreach.tables.js';

export const BASE = '/admin/outreach';

/** Why the request may go to anyone matched, consent or not (shown wherever it is sent). */
export const SERVICE_MESSAGE_NOTE =
  'This is a one-off service message to one supporter about their own public post, not marketing: it is sent whatever their email consent, adds them to no list, and is never published.';

export function caseHref(id: number): string {
  return `${BASE}/${id}`;
}

/** Minute precision, UTC. */
export const formatWhen = utcTime;

const STATUS_TONES: Record<CaseStatus, BadgeTone> = {
  unmatched: 'warn',
  new: 'plain',
  repeat: 'bad',
  sent: 'plain',
  removed: 'ok',
  no_response: 'warn',
};

export function statusBadge(status: CaseStatus): SafeHtml {
  return badge(STATUS_LABELS[status], STATUS_TONES[status]);
}

export { errorSummary };

export function subNav(current: string): SafeHtml {
  const links: [string, string][] = [
    [BASE, 'Cases'],
    [`${BASE}/dashboard`, 'Dashboard'],
    [`${BASE}/template`, 'Request template'],
  ];
  return html`<nav aria-label="Not in our name" class="outreach-subnav">
    <ul>
      ${links.map(
        ([href, label]) =>
          html`<li>
            <a href="${href}" ${href === current ? html`aria-current="page"` : ''}>${label}</a>
          </li>`,
      )}
    </ul>
  </nav>`;
}

// ---- list --------------------------------------------------------------------------------------

export function listPage(opts: {
  items: CaseSummary[];
  people: Map<number, Person>;
  total: number;
  status: CaseStatus | undefined;
  page: number;
  pageCount: number;
  canModerate: boolean;
}): SafeHtml {
  const href = (page: number) => {
    const params = new URLSearchParams();
    if (opts.status) params.set('status', opts.status);
    if (page > 1) params.set('page', String(page));
    const q = params.toString();
    return `${BASE}${q ? `?${q}` : ''}`;
  };
  return html`${subNav(BASE)}
    <p class="hint">
      Abusive public posts by supporters, recorded one by one, and the private requests we send
      asking them to delete them. Nothing here is ever published.
    </p>
    ${when(
      opts.canModerate,
      () =>
        html`<p class="outreach-actions">
          <a class="button" href="${BASE}/new">Record a post</a>
          <a class="button secondary" href="${BASE}/import">Import from CSV</a>
        </p>`,
    )}
    <form method="get" action="${BASE}" class="filters">
      <div>
        <label for="outreach-status">Status</label>
        <select id="outreach-status" name="status">
          <option value="">All</option>
          ${CASE_STATUSES.map(
            (s) =>
              html`<option value="${s}" ${s === opts.status ? 'selected' : ''}>
                ${STATUS_LABELS[s]}
              </option>`,
          )}
        </select>
      </div>
      <button type="submit" class="secondary">Show</button>
    </form>
    <p class="results-summary">${opts.total} case${opts.total === 1 ? '' : 's'}</p>
    ${dataTable({
      columns: [
        { label: 'Case', cell: (c) => html`<a href="${caseHref(c.id)}">#${c.id}</a>` },
        {
          label: 'Status',
          cell: (c) =>
            html`${statusBadge(c.status)}
            ${c.repeat_of !== null && c.status !== 'repeat' ? html` ${badge('Repeat', 'bad')}` : ''}`,
        },
        {
          label: 'Platform',
          cell: (c) =>
            html`${PLATFORM_LABELS[c.platform]}${c.handle_key ? html` <span class="hint">@${c.handle_key}</span>` : ''}`,
        },
        {
          label: 'Supporter',
          cell: (c) => {
            const person = c.person_id === null ? undefined : opts.people.get(c.person_id);
            return person ? personLabel(person) : html`<span class="muted">Not matched</span>`;
          },
        },
        { label: 'Guard score', numeric: true, cell: (c) => c.score.toFixed(2) },
        { label: 'Recorded', cell: (c) => formatWhen(c.created_at) },
      ],
      rows: opts.items,
      empty: `No cases${opts.status ? ' with this status' : ' yet'}.`,
    })}
    ${pagination({ page: opts.page, pageCount: opts.pageCount, href })}`;
}

// ---- new case ----------------------------------------------------------------------------------

export function emptyCaseForm(): CaseForm {
  return { postUrl: '', platform: '', handle: '', email: '', postText: '', postedOn: '' };
}

export function caseFormPage(opts: {
  form: CaseForm;
  errors: Errors;
  csrf: string;
  duplicateOf?: number | undefined;
}): SafeHtml {
  const f = opts.form;
  const e = opts.errors;
  return html`${errorSummary(e)}
    ${
      opts.duplicateOf
        ? html`<p><a href="${caseHref(opts.duplicateOf)}">Open case #${opts.duplicateOf}</a></p>`
        : ''
    }
    <p class="hint">
      Record one public post. Rally scores its text with the civility guard and looks for the
      supporter by email address, then by handle. To record many, use the
      <a href="${BASE}/import">CSV import</a>.
    </p>
    <form method="post" action="${BASE}" class="stack">
      ${csrfField(opts.csrf)}
      ${textField({
        id: 'oc-postUrl',
        name: 'postUrl',
        label: 'Address of the post',
        hint: 'https://… — the link to the post itself.',
        type: 'url',
        required: true,
        maxLength: POST_URL_MAX_LENGTH,
        value: f.postUrl,
        error: e.postUrl,
      })}
      ${selectField({
        id: 'oc-platform',
        name: 'platform',
        label: 'Platform',
        emptyOption: 'Work it out from the address',
        options: PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABELS[p] })),
        value: f.platform,
        error: e.platform,
      })}
      ${textField({
        id: 'oc-handle',
        name: 'handle',
        label: 'Handle (optional)',
        hint: '@name, name@instance for Mastodon, or a profile address. Left empty, it is read from the post address when the address has one.',
        maxLength: HANDLE_INPUT_MAX_LENGTH,
        value: f.handle,
        error: e.handle,
      })}
      ${textField({
        id: 'oc-email',
        name: 'email',
        label: 'Email address (optional)',
        type: 'email',
        maxLength: 254,
        autocomplete: 'off',
        value: f.email,
        error: e.email,
      })}
      ${textAreaField({
        id: 'oc-postText',
        name: 'postText',
        label: 'Text of the post',
        rows: 6,
        required: true,
        maxLength: POST_TEXT_MAX_LENGTH,
        value: f.postText,
        error: e.postText,
      })}
      ${textField({
        id: 'oc-postedOn',
        name: 'postedOn',
        label: 'Date posted (optional)',
        type: 'date',
        value: f.postedOn,
        error: e.postedOn,
      })}
      <p><button type="submit">Record the post</button></p>
    </form>`;
}

// ---- one case ----------------------------------------------------------------------------------

const EVENT_LABELS: Record<string, string> = {
  recorded: 'Recorded',
  matched: 'Matched',
  sent: 'Request sent',
  removed: 'Marked removed',
  no_response: 'Marked no response',
};

function guardBlock(row: CaseView['row']): SafeHtml {
  const labels = parseLabels(row);
  return html`<dl class="details outreach-details">
      <dt>Guard score</dt>
      <dd>
        ${row.score.toFixed(2)}
        <span class="${row.decision === 'allow' ? '' : `civility-${row.decision}`}"
          >(${row.decision})</span
        >
      </dd>
      <dt>Labels</dt>
      <dd>${labels.length ? labels.join(', ') : 'none'}</dd>
    </dl>
    <blockquote class="civility-highlighted outreach-post">
      <span class="outreach-post-text">${highlight(row.post_text, parseSpans(row))}</span>
    </blockquote>`;
}

function supporterBlock(view: CaseView, canModerate: boolean, csrf: string, matchError?: string) {
  const { row, person } = view;
  const canMatch = canModerate && MATCHABLE.includes(row.status);
  return html`<section aria-labelledby="case-person">
    <h2 id="case-person">Supporter</h2>
    ${
      person
        ? html`<p>
            <a href="/admin/people/${person.id}">${personLabel(person)}</a>
            ${person.erasedAt ? '' : html`<span class="hint">${person.email}</span>`}
          </p>`
        : html`<p>Not matched to a supporter yet.</p>`
    }
    <p><a href="/admin/cases/new?source=outreach&amp;ref=${row.id}">Open a conduct case</a></p>
    ${
      canMatch
        ? html`<form method="post" action="${caseHref(row.id)}/match" class="filters">
            ${csrfField(csrf)}
            ${textField({
              id: 'oc-match-email',
              name: 'email',
              label: person ? 'Wrong person? Choose by email' : 'Choose the supporter by email',
              type: 'email',
              required: true,
              maxLength: 254,
              error: matchError,
              alertError: true,
            })}
            <button type="submit" class="secondary">Match</button>
          </form>`
        : ''
    }
  </section>`;
}

function requestBlock(view: CaseView, canModerate: boolean, csrf: string): SafeHtml {
  const { row, person } = view;
  const closing = (Object.keys(CLOSING_ACTIONS) as (keyof typeof CLOSING_ACTIONS)[]).filter((a) =>
    (CLOSING_ACTIONS[a].from as readonly CaseStatus[]).includes(row.status),
  );
  return html`<section aria-labelledby="case-request">
    <h2 id="case-request">Request to delete</h2>
    ${
      row.sent_at
        ? html`<p>Sent ${formatWhen(row.sent_at)}.</p>
            ${
              row.request_subject
                ? html`<details>
                    <summary>The email as sent</summary>
                    <p><strong>${row.request_subject}</strong></p>
                    <pre>${row.request_body ?? ''}</pre>
                  </details>`
                : ''
            }`
        : SENDABLE.includes(row.status) && person && !person.erasedAt
          ? html`<p>Not sent yet.</p>
              ${
                canModerate
                  ? html`<p>
                      <a class="button" href="${caseHref(row.id)}/preview"
                        >Preview and send the request</a
                      >
                    </p>`
                  : ''
              }`
          : html`<p>Not sent. A request can be sent once the case is matched to a supporter.</p>`
    }
    ${
      row.closed_at
        ? html`<p>${STATUS_LABELS[row.status]} since ${formatWhen(row.closed_at)}.</p>`
        : ''
    }
    ${
      canModerate && closing.length
        ? html`<div class="outreach-actions">
            ${closing.map((action) =>
              postButton({
                action: `${caseHref(row.id)}/status`,
                csrf,
                fields: { action },
                label: action === 'removed' ? 'Post removed (checked)' : 'No response',
                buttonClass: 'secondary',
              }),
            )}
          </div>`
        : ''
    }
  </section>`;
}

export function casePage(opts: {
  view: CaseView;
  canModerate: boolean;
  csrf: string;
  matchError?: string | undefined;
}): SafeHtml {
  const { row, person, history, events } = opts.view;
  return html`${subNav('')}
    <p>
      ${statusBadge(row.status)}
      ${
        row.repeat_of !== null
          ? html`${row.status === 'repeat' ? '' : badge('Repeat', 'bad')} — an earlier case:
              <a href="${caseHref(row.repeat_of)}">#${row.repeat_of}</a>`
          : ''
      }
    </p>
    <dl class="details outreach-details">
      <dt>Post</dt>
      <dd>
        ${
          /^https?:\/\//.test(row.post_url)
            ? html`<a href="${row.post_url}" rel="noopener noreferrer nofollow" class="outreach-url"
                >${row.post_url}</a
              >`
            : row.post_url
        }
      </dd>
      <dt>Platform</dt>
      <dd>${PLATFORM_LABELS[row.platform]}</dd>
      <dt>Handle</dt>
      <dd>
        ${row.handle ?? (row.handle_key ? html`${row.handle_key} <span class="hint">(from the address)</span>` : '—')}
      </dd>
      <dt>Email given</dt>
      <dd>${row.email ?? '—'}</dd>
      <dt>Posted</dt>
      <dd>${row.posted_on ?? 'not known'}</dd>
      <dt>Recorded</dt>
      <dd>${formatWhen(row.created_at)} (${row.source === 'csv' ? 'CSV import' : 'form'})</dd>
    </dl>
    <section aria-labelledby="case-post">
      <h2 id="case-post">The post, as the civility guard sees it</h2>
      ${guardBlock(row)}
    </section>
    ${supporterBlock(opts.view, opts.canModerate, opts.csrf, opts.matchError)}
    ${requestBlock(opts.view, opts.canModerate, opts.csrf)}
    ${
      person
        ? html`<section aria-labelledby="case-history">
            <h2 id="case-history">This supporter's cases</h2>
            ${dataTable({
              columns: [
                {
                  label: 'Case',
                  cell: (c) =>
                    c.id === row.id
                      ? html`<span aria-current="page">#${c.id} (this case)</span>`
                      : html`<a href="${caseHref(c.id)}">#${c.id}</a>`,
                },
                { label: 'Status', cell: (c) => statusBadge(c.status) },
                { label: 'Platform', cell: (c) => PLATFORM_LABELS[c.platform] },
                { label: 'Recorded', cell: (c) => formatWhen(c.created_at) },
                { label: 'Request sent', cell: (c) => formatWhen(c.sent_at) },
              ],
              rows: history,
            })}
          </section>`
        : ''
    }
    <section aria-labelledby="case-events">
      <h2 id="case-events">What happened</h2>
      <ol class="outreach-events">
        ${events.map(
          (e) =>
            html`<li>
              ${formatWhen(e.created_at)} — <strong>${EVENT_LABELS[e.kind] ?? e.kind}</strong>${
                e.note ? html`: ${e.note}` : ''
              }
            </li>`,
        )}
      </ol>
    </section>`;
}
