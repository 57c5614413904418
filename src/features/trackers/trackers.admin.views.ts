import {
  checkboxField,
  csvFileField,
  errorMessage,
  errorNotice,
  errorSummary,
  formFields,
  selectField,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { badge } from '../../infra/html/format.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { pagination } from '../../infra/html/pagination.js';
import { dataTable, rejectedRowsTable } from '../../infra/html/tables.js';
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
  return badge(status, counts ? 'ok' : 'plain');
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
            : badge('Not published')
        }
      </li>
    </ul>
  </nav>`;
}

export function listPage(opts: { boards: Board[]; canEdit: boolean }): SafeHtml {
  return html`${
    opts.canEdit ? html`<p><a class="button" href="/admin/trackers/new">New tracker</a></p>` : ''
  }
  ${dataTable({
    columns: [
      {
        label: 'Tracker',
        cell: (b) =>
          html`<a href="${adminBase(b.tracker)}">${b.tracker.title}</a>
            <span class="hint">${boardPath(b.tracker)}</span>`,
      },
      { label: 'Count', numeric: true, cell: (b) => b.count },
      { label: 'Threshold', numeric: true, cell: (b) => b.tracker.threshold },
      { label: 'Targets', numeric: true, cell: (b) => b.entries.length },
      { label: 'Public', cell: (b) => (b.tracker.published ? 'Yes' : 'No') },
    ],
    rows: opts.boards,
    empty: `No trackers yet.${opts.canEdit ? ' Start one with the button above.' : ''}`,
  })}`;
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
  const field = formFields('tf', form, errors);
  const allParties = [...new Set([...opts.parties.values()].flat())].sort((a, b) =>
    a.localeCompare(b, 'en-GB'),
  );
  return html`${errorSummary(errors)}
    <form method="post" action="${opts.action}" class="stack tk-form" novalidate>
      ${csrfField(opts.csrf)}
      ${field.text('title', 'Title', { maxLength: TITLE_MAX_LENGTH, required: true })}
      ${
        editing
          ? html`<p><strong>Web address:</strong> ${boardPath(editing)}</p>`
          : field.text('slug', 'Web address (slug)', {
              maxLength: SLUG_MAX_LENGTH,
              hint: 'The public board is at /trackers/<slug>. Leave blank to make one from the title.',
            })
      }
      ${field.textArea('description', 'Description', {
        hint: 'Shown above the board. Plain text; links work; a blank line starts a paragraph.',
        rows: 5,
        maxLength: DESCRIPTION_MAX_LENGTH,
      })}
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
          : html`${selectField({
              id: 'tf-targetListId',
              name: 'targetListId',
              label: 'Target list',
              required: true,
              emptyOption: 'Choose a list',
              options: opts.lists.map((l) => ({
                value: l.id,
                label: `${l.name} (${l.targetCount})`,
              })),
              value: form.targetListId,
              error: errors.targetListId,
            })}
            ${
              allParties.length
                ? html`<fieldset class="${errors.parties ? 'field field-error' : 'field'}">
                    <legend>Only targets of these parties</legend>
                    <span class="hint">Tick none to cover the whole list.</span>
                    <div class="tk-checks">
                      ${allParties.map((p, i) =>
                        checkboxField({
                          id: `tf-party-${i}`,
                          name: 'parties',
                          value: p,
                          label: p,
                          checked: form.parties.includes(p),
                          className: 'tk-check',
                        }),
                      )}
                    </div>
                    ${errorMessage('tf-parties', errors.parties)}
                  </fieldset>`
                : ''
            }`
      }
      ${field.textArea('statuses', 'Statuses', {
        hint: `One per line, in the order the board shows them (2 to ${MAX_STATUSES}, each up to ${STATUS_MAX_LENGTH} characters).`,
        rows: 6,
      })}
      ${field.text('countingStatuses', 'Statuses that count', {
        hint: 'Comma-separated, e.g. "nominated" or "nominated, pledged".',
      })}
      ${field.text('initialStatus', 'Starting status', {
        hint: 'Every target starts with this status, e.g. "no reply".',
      })}
      ${field.text('threshold', 'Threshold', {
        type: 'number',
        hint: `How many are needed, e.g. 35 (1 to ${THRESHOLD_MAX.toLocaleString('en-GB')}).`,
        required: true,
      })}
      ${field.text('countNoun', 'What the count counts', {
        maxLength: COUNT_NOUN_MAX_LENGTH,
        hint: 'Reads "12 nominations of the 35 needed".',
      })}
      ${field.text('letterSlug', 'Letter campaign to contact them (slug)', {
        maxLength: SLUG_MAX_LENGTH,
        hint: 'Optional. "Contact them" then leads to /letters/<slug>?target=<target>: a campaign that writes to this same target list.',
      })}
      ${field.text('stormSlug', 'Storm to join (slug)', {
        maxLength: SLUG_MAX_LENGTH,
        hint: 'Optional. Adds a link to /storms/<slug>.',
      })}
      ${checkboxField({
        id: 'tf-published',
        name: 'published',
        label: 'Show the board on the public site',
        checked: form.published,
        className: 'tk-check',
      })}
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
    ${dataTable({
      className: 'tk-admin-board',
      columns: [
        {
          label: 'Target',
          cell: (e) =>
            html`<a href="${adminBase(tracker)}/targets/${e.targetId}">${e.name}</a>
              <span class="hint">${describeTarget(e)}</span>`,
        },
        { label: 'Status', cell: (e) => statusBadge(e.status, e.counts) },
        { label: 'Since', cell: (e) => (e.changedAt ? formatDate(e.changedAt) : '') },
        { label: 'Evidence', cell: (e) => evidenceLink(e.evidenceUrl) },
        canEdit && {
          label: 'Change',
          cell: (e) => inlineChange(tracker, e, opts.csrf, opts.back),
        },
      ],
      rows: entries,
      empty: 'No targets match these filters.',
    })}`;
}

function historyTable(entries: HistoryEntry[], tracker: Tracker, withTarget: boolean): SafeHtml {
  return dataTable({
    columns: [
      {
        label: 'When',
        cell: (h) =>
          html`${when(h.changedAt)}
          ${
            h.recordedAt.slice(0, 16) !== h.changedAt.slice(0, 16)
              ? html`<span class="hint">recorded ${when(h.recordedAt)}</span>`
              : ''
          }`,
      },
      withTarget && {
        label: 'Target',
        cell: (h) =>
          html`<a href="${adminBase(tracker)}/targets/${h.targetId}">${h.targetName}</a>`,
      },
      { label: 'Status', cell: (h) => h.status },
      { label: 'Evidence', cell: (h) => evidenceLink(h.evidenceUrl) },
      { label: 'Note', cell: (h) => h.note ?? '' },
      {
        label: 'By',
        cell: (h) =>
          html`${h.changedBy ?? (h.source === 'demo' ? 'Demo data' : '—')}
          ${h.source === 'csv' ? html`<span class="hint">CSV import</span>` : ''}`,
      },
    ],
    rows: entries,
  });
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
    ${pagination({
      page: page.page,
      pageCount: page.pages,
      href: link,
      label: 'History pages',
      previous: 'Newer',
      next: 'Older',
    })}`;
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
              ${selectField({
                id: 'tc-status',
                name: 'status',
                label: 'Status',
                options: tracker.statuses.map((s) => ({ value: s, label: s })),
                value: values.status,
                error: errors.status,
              })}
              ${textField({
                id: 'tc-evidence',
                name: 'evidenceUrl',
                label: 'Evidence link',
                hint: 'Where the public can check it: a post, a statement, a list. Shown on the board.',
                type: 'url',
                maxLength: EVIDENCE_URL_MAX_LENGTH,
                value: values.evidenceUrl,
                error: errors.evidenceUrl,
              })}
              ${textAreaField({
                id: 'tc-note',
                name: 'note',
                label: 'Note',
                hint: 'For organisers; not shown publicly.',
                rows: 3,
                maxLength: NOTE_MAX_LENGTH,
                value: values.note,
                error: errors.note,
              })}
              ${textField({
                id: 'tc-changedAt',
                name: 'changedAt',
                label: 'When it happened',
                hint: 'Leave blank for now, or write a date like 2025-03-01 or 2025-03-01 14:30 (UTC).',
                value: values.changedAt,
                error: errors.changedAt,
              })}
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
  return html`${trackerNav(tracker, 'Import CSV', true)} ${errorNotice(opts.error)}
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
      ${csrfField(opts.csrf)} ${csvFileField('ti-file')}
      ${checkboxField({
        id: 'ti-dry',
        name: 'dryRun',
        label: 'Dry run: show what would change, save nothing',
        checked: true,
        className: 'tk-check',
      })}
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
            ${rejectedRowsTable(report.rejected)}`
        : ''
    }
    ${
      report.changes.length
        ? html`<h2>Changes ${report.dryRun ? 'to make' : 'made'}</h2>
            ${dataTable({
              columns: [
                { label: 'Line', numeric: true, cell: (c) => c.line },
                { label: 'Target', cell: (c) => c.name },
                { label: 'From', cell: (c) => c.from },
                { label: 'To', cell: (c) => c.to },
              ],
              rows: report.changes,
            })}`
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
