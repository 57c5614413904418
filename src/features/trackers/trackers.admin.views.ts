import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import type { TargetListSummary } from '../targets/targets.service.js';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './trackers.csv.js';
import {
  COUNT_NOUN_MAX_LENGTH,
  DEFAULT_COUNTING_STATUSES,
  DEFAULT_COUNT_NOUN,
  DEFAULT_INITIAL_STATUS,
  DEFAULT_STATUSES,
  DESCRIPTION_MAX_LENGTH,
  EVIDENCE_URL_MAX_LENGTH,
  type Errors,
  MAX_STATUSES,
  NOTE_MAX_LENGTH,
  SLUG_MAX_LENGTH,
  STATUS_MAX_LENGTH,
  THRESHOLD_MAX,
  TITLE_MAX_LENGTH,
  type TrackerForm,
} from './trackers.rules.js';
import type {
  Board,
  BoardEntry,
  BoardFilters,
  HistoryEntry,
  HistoryPage,
  ImportReport,
  Tracker,
} from './trackers.service.js';
import {
  boardPath,
  describeTarget,
  filterForm,
  formatDate,
  handlesOf,
} from './trackers.public.views.js';

export function adminBase(tracker: Pick<Tracker, 'id'>): string {
  return `/admin/trackers/${tracker.id}`;
}

function errorSummary(errors: Errors): SafeHtml | '' {
  const messages = Object.values(errors);
  if (!messages.length) return '';
  return html`<div class="flash flash-error" role="alert">
    <p>Please correct the following:</p>
    <ul>
      ${messages.map((m) => html`<li>${m}</li>`)}
    </ul>
  </div>`;
}

function fieldError(errors: Errors, name: string): SafeHtml | '' {
  return errors[name] ? html`<p class="error-message">${errors[name]}</p>` : '';
}

function fieldClass(errors: Errors, name: string): string {
  return errors[name] ? 'field field-error' : 'field';
}

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

function when(iso: string): SafeHtml {
  return html`<time datetime="${iso}">${DATE_TIME.format(new Date(iso))} UTC</time>`;
}

function evidenceLink(url: string | null): SafeHtml | string {
  return url ? html`<a href="${url}" rel="noopener noreferrer nofollow">Evidence</a>` : '';
}

function statusBadge(status: string, counts: boolean): SafeHtml {
  return html`<span class="${counts ? 'badge badge-ok' : 'badge'}">${status}</span>`;
}

/** Links between a tracker's admin pages. */
function trackerNav(tracker: Tracker, current: string, canEdit: boolean): SafeHtml {
  const items: Array<[string, string]> = [
    ['Board', adminBase(tracker)],
    ['History', `${adminBase(tracker)}/history`],
    ...(canEdit
      ? ([
          ['Import CSV', `${adminBase(tracker)}/import`],
          ['Settings', `${adminBase(tracker)}/edit`],
        ] as Array<[string, string]>)
      : []),
  ];
  return html`<nav aria-label="Tracker" class="tk-tabs">
    <ul>
      ${items.map(
        ([label, href]) =>
          html`<li>
            <a href="${href}" ${label === current ? html`aria-current="page"` : ''}>${label}</a>
          </li>`,
      )}
      <li>
        ${
          tracker.published
            ? html`<a href="${boardPath(tracker)}">Public board</a>`
            : html`<span class="badge">Not published</span>`
        }
      </li>
    </ul>
  </nav>`;
}

export function listPage(opts: { boards: Board[]; canEdit: boolean }): SafeHtml {
  return html`${
    opts.canEdit ? html`<p><a class="button" href="/admin/trackers/new">New tracker</a></p>` : ''
  }
  ${
    opts.boards.length
      ? html`<div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Tracker</th>
                <th scope="col" class="num">Count</th>
                <th scope="col" class="num">Threshold</th>
                <th scope="col" class="num">Targets</th>
                <th scope="col">Public</th>
              </tr>
            </thead>
            <tbody>
              ${opts.boards.map(
                (b) =>
                  html`<tr>
                    <td>
                      <a href="${adminBase(b.tracker)}">${b.tracker.title}</a>
                      <span class="hint">${boardPath(b.tracker)}</span>
                    </td>
                    <td class="num">${b.count}</td>
                    <td class="num">${b.tracker.threshold}</td>
                    <td class="num">${b.entries.length}</td>
                    <td>${b.tracker.published ? 'Yes' : 'No'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : html`<p class="empty">
          No trackers yet.${opts.canEdit ? ' Start one with the button above.' : ''}
        </p>`
  }`;
}

export function emptyForm(): TrackerForm {
  return {
    title: '',
    slug: '',
    description: '',
    targetListId: '',
    parties: [],
    statuses: DEFAULT_STATUSES.join('\n'),
    countingStatuses: DEFAULT_COUNTING_STATUSES.join(', '),
    initialStatus: DEFAULT_INITIAL_STATUS,
    countNoun: DEFAULT_COUNT_NOUN,
    threshold: '',
    letterSlug: '',
    stormSlug: '',
    published: true,
  };
}

export function formOf(t: Tracker): TrackerForm {
  return {
    title: t.title,
    slug: t.slug,
    description: t.description,
    targetListId: String(t.targetListId),
    parties: t.parties,
    statuses: t.statuses.join('\n'),
    countingStatuses: t.countingStatuses.join(', '),
    initialStatus: t.initialStatus,
    countNoun: t.countNoun,
    threshold: String(t.threshold),
    letterSlug: t.letterSlug ?? '',
    stormSlug: t.stormSlug ?? '',
    published: t.published,
  };
}

function textInput(
  name: keyof TrackerForm,
  label: string,
  value: string,
  errors: Errors,
  attrs: { max?: number; type?: string; hint?: string; required?: boolean } = {},
): SafeHtml {
  const id = `tf-${name}`;
  return html`<div class="${fieldClass(errors, name)}">
    <label for="${id}">${label}</label>
    ${attrs.hint ? html`<span class="hint" id="${id}-hint">${attrs.hint}</span>` : ''}
    <input
      id="${id}"
      name="${name}"
      type="${attrs.type ?? 'text'}"
      value="${value}"
      ${attrs.max ? html`maxlength="${attrs.max}"` : ''}
      ${attrs.required ? html`required` : ''}
      ${attrs.hint ? html`aria-describedby="${id}-hint"` : ''}
    />
    ${fieldError(errors, name)}
  </div>`;
}

/** Create (with list and parties) or edit (list, parties and slug fixed) a tracker. */
export function trackerForm(opts: {
  action: string;
  form: TrackerForm;
  errors: Errors;
  csrf: string;
  lists: TargetListSummary[];
  /** Parties per list id, for the party choice when creating. */
  parties: Map<number, string[]>;
  editing?: Tracker;
  submitLabel: string;
}): SafeHtml {
  const { form, errors, editing } = opts;
  const chosenList = opts.lists.find((l) => String(l.id) === form.targetListId);
  const allParties = [...new Set([...opts.parties.values()].flat())].sort((a, b) =>
    a.localeCompare(b, 'en-GB'),
  );
  return html`${errorSummary(errors)}
    <form method="post" action="${opts.action}" class="stack tk-form" novalidate>
      ${csrfField(opts.csrf)}
      ${textInput('title', 'Title', form.title, errors, { max: TITLE_MAX_LENGTH, required: true })}
      ${
        editing
          ? html`<p><strong>Web address:</strong> ${boardPath(editing)}</p>`
          : textInput('slug', 'Web address (slug)', form.slug, errors, {
              max: SLUG_MAX_LENGTH,
              hint: 'The public board is at /trackers/<slug>. Leave blank to make one from the title.',
            })
      }
      <div class="${fieldClass(errors, 'description')}">
        <label for="tf-description">Description</label>
        <span class="hint" id="tf-description-hint"
          >Shown above the board. Plain text; links work; a blank line starts a paragraph.</span
        >
        <textarea
          id="tf-description"
          name="description"
          rows="5"
          maxlength="${DESCRIPTION_MAX_LENGTH}"
          aria-describedby="tf-description-hint"
        >
${form.description}</textarea>
        ${fieldError(errors, 'description')}
      </div>
      ${
        editing
          ? html`<p>
              <strong>Targets:</strong> ${chosenList?.name ?? 'a target list'}${
                editing.parties.length ? `, ${editing.parties.join(', ')} only` : ''
              }.
              <span class="hint"
                >Saving also adds targets that have joined the list (or party) since.</span
              >
            </p>`
          : html`<div class="${fieldClass(errors, 'targetListId')}">
                <label for="tf-targetListId">Target list</label>
                <select id="tf-targetListId" name="targetListId" required>
                  <option value="">Choose a list</option>
                  ${opts.lists.map(
                    (l) =>
                      html`<option
                        value="${l.id}"
                        ${String(l.id) === form.targetListId ? html`selected` : ''}
                      >
                        ${l.name} (${l.targetCount})
                      </option>`,
                  )}
                </select>
                ${fieldError(errors, 'targetListId')}
              </div>
              ${
                allParties.length
                  ? html`<fieldset class="${fieldClass(errors, 'parties')}">
                      <legend>Only targets of these parties</legend>
                      <span class="hint">Tick none to cover the whole list.</span>
                      <div class="tk-checks">
                        ${allParties.map(
                          (p, i) =>
                            html`<label class="tk-check" for="tf-party-${i}"
                              ><input
                                type="checkbox"
                                id="tf-party-${i}"
                                name="parties"
                                value="${p}"
                                ${form.parties.includes(p) ? html`checked` : ''}
                              />
                              ${p}</label
                            >`,
                        )}
                      </div>
                      ${fieldError(errors, 'parties')}
                    </fieldset>`
                  : ''
              }`
      }
      <div class="${fieldClass(errors, 'statuses')}">
        <label for="tf-statuses">Statuses</label>
        <span class="hint" id="tf-statuses-hint"
          >One per line, in the order the board shows them (2 to ${MAX_STATUSES}, each up to
          ${STATUS_MAX_LENGTH} characters).</span
        >
        <textarea id="tf-statuses" name="statuses" rows="6" aria-describedby="tf-statuses-hint">
${form.statuses}</textarea>
        ${fieldError(errors, 'statuses')}
      </div>
      ${textInput('countingStatuses', 'Statuses that count', form.countingStatuses, errors, {
        hint: 'Comma-separated, e.g. "nominated" or "nominated, pledged".',
      })}
      ${textInput('initialStatus', 'Starting status', form.initialStatus, errors, {
        hint: 'Every target starts with this status, e.g. "no reply".',
      })}
      ${textInput('threshold', 'Threshold', form.threshold, errors, {
        type: 'number',
        hint: `How many are needed, e.g. 35 (1 to ${THRESHOLD_MAX.toLocaleString('en-GB')}).`,
        required: true,
      })}
      ${textInput('countNoun', 'What the count counts', form.countNoun, errors, {
        max: COUNT_NOUN_MAX_LENGTH,
        hint: 'Reads "12 nominations of the 35 needed".',
      })}
      ${textInput('letterSlug', 'Letter campaign to contact them (slug)', form.letterSlug, errors, {
        max: SLUG_MAX_LENGTH,
        hint: 'Optional. "Contact them" then leads to /letters/<slug>?target=<target>: a campaign that writes to this same target list.',
      })}
      ${textInput('stormSlug', 'Storm to join (slug)', form.stormSlug, errors, {
        max: SLUG_MAX_LENGTH,
        hint: 'Optional. Adds a link to /storms/<slug>.',
      })}
      <label class="tk-check" for="tf-published"
        ><input
          type="checkbox"
          id="tf-published"
          name="published"
          value="1"
          ${form.published ? html`checked` : ''}
        />
        Show the board on the public site</label
      >
      <p><button type="submit">${opts.submitLabel}</button></p>
    </form>`;
}

function inlineChange(tracker: Tracker, e: BoardEntry, csrf: string, back: string): SafeHtml {
  const id = `tk-${e.targetId}`;
  return html`<form
    method="post"
    action="${adminBase(tracker)}/targets/${e.targetId}/status"
    class="tk-inline"
  >
    ${csrfField(csrf)}
    <input type="hidden" name="back" value="${back}" />
    <label class="tk-sr" for="${id}-status">New status for ${e.name}</label>
    <select id="${id}-status" name="status">
      ${tracker.statuses.map(
        (s) => html`<option value="${s}" ${s === e.status ? html`selected` : ''}>${s}</option>`,
      )}
    </select>
    <label class="tk-sr" for="${id}-evidence">Evidence link for ${e.name}</label>
    <input
      id="${id}-evidence"
      name="evidenceUrl"
      type="url"
      placeholder="https://… evidence"
      maxlength="${EVIDENCE_URL_MAX_LENGTH}"
      value="${e.evidenceUrl ?? ''}"
    />
    <button type="submit">Save<span class="tk-sr"> ${e.name}</span></button>
  </form>`;
}

export function boardAdminPage(opts: {
  board: Board;
  entries: BoardEntry[];
  filters: BoardFilters;
  canEdit: boolean;
  csrf: string;
  back: string;
}): SafeHtml {
  const { board, entries, canEdit } = opts;
  const { tracker } = board;
  return html`${trackerNav(tracker, 'Board', canEdit)}
    <p class="tk-count">
      <strong>${board.count}</strong> ${tracker.countNoun} of the ${tracker.threshold} needed
      (counting: ${tracker.countingStatuses.join(', ')}).
    </p>
    <progress
      max="${tracker.threshold}"
      value="${Math.min(board.count, tracker.threshold)}"
      aria-label="${board.count} of ${tracker.threshold}"
    >
      ${board.count} of ${tracker.threshold}
    </progress>
    <p>${board.statusCounts.map((s) => html`${statusBadge(s.status, s.counts)} ${s.targets} `)}</p>
    ${filterForm(board, opts.filters, adminBase(tracker))}
    <p role="status">Showing ${entries.length} of ${board.entries.length} targets.</p>
    ${
      entries.length
        ? html`<div class="table-wrap">
            <table class="tk-admin-board">
              <thead>
                <tr>
                  <th scope="col">Target</th>
                  <th scope="col">Status</th>
                  <th scope="col">Since</th>
                  <th scope="col">Evidence</th>
                  ${canEdit ? html`<th scope="col">Change</th>` : ''}
                </tr>
              </thead>
              <tbody>
                ${entries.map(
                  (e) =>
                    html`<tr>
                      <td>
                        <a href="${adminBase(tracker)}/targets/${e.targetId}">${e.name}</a>
                        <span class="hint">${describeTarget(e)}</span>
                      </td>
                      <td>${statusBadge(e.status, e.counts)}</td>
                      <td>${e.changedAt ? formatDate(e.changedAt) : ''}</td>
                      <td>${evidenceLink(e.evidenceUrl)}</td>
                      ${canEdit ? html`<td>${inlineChange(tracker, e, opts.csrf, opts.back)}</td>` : ''}
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p class="empty">No targets match these filters.</p>`
    }`;
}

function historyTable(entries: HistoryEntry[], tracker: Tracker, withTarget: boolean): SafeHtml {
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th scope="col">When</th>
          ${withTarget ? html`<th scope="col">Target</th>` : ''}
          <th scope="col">Status</th>
          <th scope="col">Evidence</th>
          <th scope="col">Note</th>
          <th scope="col">By</th>
        </tr>
      </thead>
      <tbody>
        ${entries.map(
          (h) =>
            html`<tr>
              <td>
                ${when(h.changedAt)}
                ${
                  h.recordedAt.slice(0, 16) !== h.changedAt.slice(0, 16)
                    ? html`<span class="hint">recorded ${when(h.recordedAt)}</span>`
                    : ''
                }
              </td>
              ${
                withTarget
                  ? html`<td>
                      <a href="${adminBase(tracker)}/targets/${h.targetId}">${h.targetName}</a>
                    </td>`
                  : ''
              }
              <td>${h.status}</td>
              <td>${evidenceLink(h.evidenceUrl)}</td>
              <td>${h.note ?? ''}</td>
              <td>
                ${h.changedBy ?? (h.source === 'demo' ? 'Demo data' : '—')}
                ${h.source === 'csv' ? html`<span class="hint">CSV import</span>` : ''}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function historyAdminPage(opts: {
  tracker: Tracker;
  page: HistoryPage;
  canEdit: boolean;
}): SafeHtml {
  const { tracker, page } = opts;
  const link = (n: number) => `${adminBase(tracker)}/history?page=${n}`;
  return html`${trackerNav(tracker, 'History', opts.canEdit)}
    <p>${page.total} status changes, newest first.</p>
    ${
      page.entries.length
        ? historyTable(page.entries, tracker, true)
        : html`<p class="empty">No status has changed yet.</p>`
    }
    ${
      page.pages > 1
        ? html`<nav class="pagination" aria-label="History pages">
            ${page.page > 1 ? html`<a href="${link(page.page - 1)}">Newer</a>` : ''}
            <span>Page ${page.page} of ${page.pages}</span>
            ${page.page < page.pages ? html`<a href="${link(page.page + 1)}">Older</a>` : ''}
          </nav>`
        : ''
    }`;
}

export interface ChangeValues {
  status: string;
  evidenceUrl: string;
  note: string;
  changedAt: string;
}

export function targetAdminPage(opts: {
  tracker: Tracker;
  entry: BoardEntry;
  history: HistoryEntry[];
  canEdit: boolean;
  csrf: string;
  values?: ChangeValues;
  errors?: Errors;
}): SafeHtml {
  const { tracker, entry: e } = opts;
  const errors = opts.errors ?? {};
  const values = opts.values ?? {
    status: e.status,
    evidenceUrl: '',
    note: '',
    changedAt: '',
  };
  const handles = handlesOf(e);
  return html`${trackerNav(tracker, '', opts.canEdit)}
    <dl class="details">
      <dt>Now</dt>
      <dd>
        ${statusBadge(e.status, e.counts)}
        ${e.changedAt ? html`since ${when(e.changedAt)}` : '(starting status)'}
        ${evidenceLink(e.evidenceUrl)}
      </dd>
      ${
        e.note
          ? html`<dt>Note</dt>
              <dd>${e.note}</dd>`
          : ''
      }
      <dt>Details</dt>
      <dd>${[e.role, describeTarget(e)].filter(Boolean).join(' · ')}</dd>
      ${
        handles.length
          ? html`<dt>Online</dt>
              <dd>${handles.map((h) => html`<a href="${h.url}">${h.service} ${h.label}</a> `)}</dd>`
          : ''
      }
    </dl>
    ${
      opts.canEdit
        ? html`<section>
            <h2>Change the status</h2>
            ${errorSummary(errors)}
            <form
              method="post"
              action="${adminBase(tracker)}/targets/${e.targetId}/status"
              class="stack"
              novalidate
            >
              ${csrfField(opts.csrf)}
              <div class="${fieldClass(errors, 'status')}">
                <label for="tc-status">Status</label>
                <select id="tc-status" name="status">
                  ${tracker.statuses.map(
                    (s) =>
                      html`<option value="${s}" ${s === values.status ? html`selected` : ''}>
                        ${s}
                      </option>`,
                  )}
                </select>
                ${fieldError(errors, 'status')}
              </div>
              <div class="${fieldClass(errors, 'evidenceUrl')}">
                <label for="tc-evidence">Evidence link</label>
                <span class="hint" id="tc-evidence-hint"
                  >Where the public can check it: a post, a statement, a list. Shown on the
                  board.</span
                >
                <input
                  id="tc-evidence"
                  name="evidenceUrl"
                  type="url"
                  maxlength="${EVIDENCE_URL_MAX_LENGTH}"
                  value="${values.evidenceUrl}"
                  aria-describedby="tc-evidence-hint"
                />
                ${fieldError(errors, 'evidenceUrl')}
              </div>
              <div class="${fieldClass(errors, 'note')}">
                <label for="tc-note">Note</label>
                <span class="hint" id="tc-note-hint">For organisers; not shown publicly.</span>
                <textarea
                  id="tc-note"
                  name="note"
                  rows="3"
                  maxlength="${NOTE_MAX_LENGTH}"
                  aria-describedby="tc-note-hint"
                >
${values.note}</textarea>
                ${fieldError(errors, 'note')}
              </div>
              <div class="${fieldClass(errors, 'changedAt')}">
                <label for="tc-changedAt">When it happened</label>
                <span class="hint" id="tc-changedAt-hint"
                  >Leave blank for now, or write a date like 2025-03-01 or 2025-03-01 14:30
                  (UTC).</span
                >
                <input
                  id="tc-changedAt"
                  name="changedAt"
                  type="text"
                  value="${values.changedAt}"
                  aria-describedby="tc-changedAt-hint"
                />
                ${fieldError(errors, 'changedAt')}
              </div>
              <p><button type="submit">Save the change</button></p>
            </form>
          </section>`
        : ''
    }
    <section>
      <h2>History</h2>
      ${
        opts.history.length
          ? historyTable(opts.history, tracker, false)
          : html`<p class="empty">
              No change yet: ${e.name} has had the starting status throughout.
            </p>`
      }
    </section>`;
}

export function importPage(opts: { tracker: Tracker; csrf: string; error?: string }): SafeHtml {
  const { tracker } = opts;
  return html`${trackerNav(tracker, 'Import CSV', true)}
    ${opts.error ? html`<div class="flash flash-error" role="alert">${opts.error}</div>` : ''}
    <p>Upload a CSV file of status changes, one per row. The first line names the columns:</p>
    <ul>
      <li>
        <strong>a target column</strong>: <code>target_id</code>, <code>constituency_code</code>,
        <code>constituency</code>, <code>name</code>, or <code>target</code> (any of those);
      </li>
      <li>
        <strong>status</strong>: one of
        ${tracker.statuses.map((s, i) => html`${i ? ', ' : ''}<code>${s}</code>`)};
      </li>
      <li>
        optional <strong>evidence_url</strong>, <strong>note</strong> and
        <strong>changed_at</strong> (e.g. 2025-03-01 14:30, UTC).
      </li>
    </ul>
    <p class="hint">
      At most ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} rows and ${MAX_IMPORT_BYTES / 1024 / 1024}
      MB. Bad rows are listed and skipped; the rest are recorded. Rows that repeat a target's
      current status change nothing.
    </p>
    <form
      method="post"
      action="${adminBase(tracker)}/import"
      enctype="multipart/form-data"
      class="stack"
    >
      ${csrfField(opts.csrf)}
      <div class="field">
        <label for="ti-file">CSV file</label>
        <input id="ti-file" name="file" type="file" accept=".csv,text/csv" required />
      </div>
      <label class="tk-check" for="ti-dry"
        ><input type="checkbox" id="ti-dry" name="dryRun" value="1" checked /> Dry run: show what
        would change, save nothing</label
      >
      <p><button type="submit">Upload</button></p>
    </form>`;
}

export function importResultPage(opts: {
  tracker: Tracker;
  filename: string;
  report: ImportReport;
  columns: string[];
  ignoredColumns: string[];
}): SafeHtml {
  const { tracker, report } = opts;
  const verb = report.dryRun ? 'would be' : 'were';
  return html`${trackerNav(tracker, 'Import CSV', true)}
    <div
      class="${report.rejected.length ? 'flash flash-error' : 'flash flash-success'}"
      role="${report.rejected.length ? 'alert' : 'status'}"
    >
      <p>
        ${report.dryRun ? 'Dry run of' : 'Imported'} ${opts.filename}: ${report.rows} rows.
        ${report.applied} ${verb} applied, ${report.past} ${verb} added to the history only (the
        target has a later change), ${report.unchanged} changed nothing, ${report.rejected.length}
        ${report.dryRun ? 'would be' : 'were'} rejected.
      </p>
      ${report.dryRun ? html`<p>Nothing has been saved.</p>` : ''}
    </div>
    <p class="hint">
      Columns read:
      ${opts.columns.join(', ')}.${
        opts.ignoredColumns.length ? ` Ignored: ${opts.ignoredColumns.join(', ')}.` : ''
      }
    </p>
    ${
      report.rejected.length
        ? html`<h2>Rejected rows</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col" class="num">Line</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  ${report.rejected.map(
                    (r) =>
                      html`<tr>
                        <td class="num">${r.line}</td>
                        <td>${r.reasons.join(' ')}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
        : ''
    }
    ${
      report.changes.length
        ? html`<h2>Changes ${report.dryRun ? 'to make' : 'made'}</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col" class="num">Line</th>
                    <th scope="col">Target</th>
                    <th scope="col">From</th>
                    <th scope="col">To</th>
                  </tr>
                </thead>
                <tbody>
                  ${report.changes.map(
                    (c) =>
                      html`<tr>
                        <td class="num">${c.line}</td>
                        <td>${c.name}</td>
                        <td>${c.from}</td>
                        <td>${c.to}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
        : ''
    }
    <p>
      ${
        report.dryRun
          ? html`<a class="button" href="${adminBase(tracker)}/import">Upload again to apply</a>`
          : html`<a class="button" href="${adminBase(tracker)}">Back to the board</a>`
      }
    </p>`;
}
