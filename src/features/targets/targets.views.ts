import {
  csvFileField,
  errorNotice,
  errorSummary,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { type SafeHtml, html, csrfField } from '../../infra/html/html.js';
import { pagination } from '../../infra/html/pagination.js';
import { dataTable, rejectedRowsTable } from '../../infra/html/tables.js';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './targets.csv.js';
import type { Target, TargetList, TargetListSummary, TargetPage } from './targets.service.js';
import {
  CONTACT_FIELDS,
  type FieldErrors,
  type ListErrors,
  MAX_DESCRIPTION_LENGTH,
  MAX_EMAIL_LENGTH,
  MAX_EXTERNAL_ID_LENGTH,
  MAX_LIST_NAME_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PHONE_LENGTH,
  MAX_SLUG_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_URL_LENGTH,
  TARGET_FIELDS,
  type TargetField,
  type TargetListInput,
  fieldLabel,
} from './targets.rules.js';
import type { ImportReport } from './targets.service.js';

export function notFound(message: string): SafeHtml {
  return html`<p>${message}</p>
    <p><a href="/admin/targets">All target lists</a></p>`;
}

function listBase(list: { slug: string }): string {
  return `/admin/targets/${encodeURIComponent(list.slug)}`;
}

export function listsPage(opts: {
  lists: TargetListSummary[];
  canEdit: boolean;
  csrf: string;
  form?: TargetListInput;
  errors?: ListErrors;
}): SafeHtml {
  const form = opts.form ?? {};
  const errors = opts.errors ?? {};
  const table = dataTable({
    columns: [
      {
        label: 'List',
        cell: (l) =>
          html`<a href="${listBase(l)}">${l.name}</a>
            ${l.description ? html`<span class="hint">${l.description}</span>` : ''}`,
      },
      { label: 'Slug', cell: (l) => html`<code>${l.slug}</code>` },
      { label: 'Targets', numeric: true, cell: (l) => l.targetCount.toLocaleString('en-GB') },
      { label: 'Last changed', cell: (l) => l.updatedAt.slice(0, 10) },
    ],
    rows: opts.lists,
    empty: html`No target lists yet. Create one below, or load the UK MPs with
      <code>rally targets load uk-commons</code>.`,
  });
  const createForm = opts.canEdit
    ? html`<h2 id="new-list">Create a list</h2>
        ${errorSummary(errors)}
        <form class="stack" method="post" action="/admin/targets">
          ${csrfField(opts.csrf)}
          ${textField({
            id: 'list-name',
            name: 'name',
            label: 'Name',
            value: form.name,
            error: errors.name,
            maxLength: MAX_LIST_NAME_LENGTH,
            required: true,
            hint: 'For example "Leeds City Council" or "Scottish Parliament".',
          })}
          ${textField({
            id: 'list-slug',
            name: 'slug',
            label: 'Slug',
            value: form.slug,
            error: errors.slug,
            maxLength: MAX_SLUG_LENGTH,
            hint: 'Used in addresses and the command line. Left blank, it is made from the name.',
          })}
          ${textAreaField({
            id: 'list-description',
            name: 'description',
            label: 'Description',
            value: form.description,
            error: errors.description,
            maxLength: MAX_DESCRIPTION_LENGTH,
          })}
          <div><button type="submit">Create list</button></div>
        </form>`
    : '';
  return html`${table} ${createForm}`;
}

export interface ListFilters {
  q: string;
  party: string;
  division: string;
}

function pageHref(list: TargetList, filters: ListFilters, page: number): string {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.party) params.set('party', filters.party);
  if (filters.division) params.set('division', filters.division);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return `${listBase(list)}${query ? `?${query}` : ''}`;
}

export function listPage(opts: {
  list: TargetList;
  page: TargetPage;
  filters: ListFilters;
  parties: string[];
  canEdit: boolean;
}): SafeHtml {
  const { list, page, filters } = opts;
  const base = listBase(list);
  const filtered = Boolean(filters.q || filters.party || filters.division);
  const countSentence = `${page.total.toLocaleString('en-GB')} target${page.total === 1 ? '' : 's'}${filtered ? ' match' : ''}.`;
  return html`${list.description ? html`<p>${list.description}</p>` : ''}
    ${
      opts.canEdit
        ? html`<p>
            <a class="button" href="${base}/new">Add a target</a>
            <a class="button secondary" href="${base}/import">Import or update from CSV</a>
          </p>`
        : ''
    }
    <form class="filters" method="get" action="${base}" role="search">
      <div>
        <label for="filter-q">Search</label>
        <input id="filter-q" name="q" type="search" value="${filters.q}" />
      </div>
      <div>
        <label for="filter-party">Party</label>
        <select id="filter-party" name="party">
          <option value="">Any party</option>
          ${opts.parties.map(
            (p) =>
              html`<option value="${p}" ${p === filters.party ? html`selected` : ''}>${p}</option>`,
          )}
        </select>
      </div>
      <div>
        <label for="filter-division">Division (name or code)</label>
        <input id="filter-division" name="division" type="text" value="${filters.division}" />
      </div>
      <button type="submit">Filter</button>
      ${filtered ? html`<a class="button secondary" href="${base}">Clear</a>` : ''}
    </form>
    <p>${countSentence}</p>
    ${dataTable({
      columns: [
        { label: 'Name', cell: (t) => html`<a href="${base}/${t.id}">${t.name}</a>` },
        { label: 'Role', cell: (t) => t.role ?? '' },
        { label: 'Party', cell: (t) => t.party ?? '' },
        {
          label: 'Division',
          cell: (t) =>
            html`${t.division_name ?? ''}
            ${t.division_code ? html`<span class="hint">${t.division_code}</span>` : ''}`,
        },
        { label: 'Email', cell: (t) => t.email ?? '' },
        { label: 'Twitter/X', cell: (t) => (t.twitter ? `@${t.twitter}` : '') },
      ],
      rows: page.targets,
      empty: `No targets${filtered ? ' match these filters' : ' yet'}.`,
    })}
    ${pagination({
      page: page.page,
      pageCount: page.pages,
      href: (n) => pageHref(list, filters, n),
    })}
    <p><a href="/admin/targets">All target lists</a></p>`;
}

const FIELD_INPUT: Record<TargetField, { type: string; maxLength: number; hint?: string }> = {
  name: { type: 'text', maxLength: MAX_NAME_LENGTH },
  role: { type: 'text', maxLength: MAX_TEXT_LENGTH, hint: 'For example MP, Councillor, Minister.' },
  party: { type: 'text', maxLength: MAX_TEXT_LENGTH },
  organisation: { type: 'text', maxLength: MAX_TEXT_LENGTH },
  division_name: {
    type: 'text',
    maxLength: MAX_TEXT_LENGTH,
    hint: 'The constituency, ward or area they represent.',
  },
  division_code: {
    type: 'text',
    maxLength: MAX_TEXT_LENGTH,
    hint: 'For UK constituencies and wards, the ONS code (e.g. E14000886).',
  },
  division_type: {
    type: 'text',
    maxLength: MAX_TEXT_LENGTH,
    hint: 'For example constituency or ward.',
  },
  email: { type: 'email', maxLength: MAX_EMAIL_LENGTH },
  twitter: { type: 'text', maxLength: MAX_URL_LENGTH, hint: 'A handle or an x.com profile link.' },
  bluesky: { type: 'text', maxLength: MAX_URL_LENGTH, hint: 'Like name.bsky.social.' },
  mastodon: { type: 'text', maxLength: MAX_URL_LENGTH, hint: 'Like @name@mastodon.social.' },
  facebook: { type: 'text', maxLength: MAX_URL_LENGTH, hint: 'A page name or facebook.com link.' },
  phone: { type: 'tel', maxLength: MAX_PHONE_LENGTH },
  external_id: {
    type: 'text',
    maxLength: MAX_EXTERNAL_ID_LENGTH,
    hint: "The source's own id (for MPs, the Parliament member id); imports match on it.",
  },
};

/** Form order: who they are, what they represent, how to reach them, then the source id. */
const FORM_ORDER: TargetField[] = [
  'name',
  'role',
  'party',
  'organisation',
  'division_name',
  'division_code',
  'division_type',
  ...CONTACT_FIELDS,
  'external_id',
];

export type TargetFormValues = Partial<Record<TargetField, string | null>>;

function targetForm(opts: {
  action: string;
  csrf: string;
  values: TargetFormValues;
  errors: FieldErrors;
  submit: string;
}): SafeHtml {
  return html`${errorSummary(opts.errors)}
    <form class="stack" method="post" action="${opts.action}" novalidate>
      ${csrfField(opts.csrf)}
      ${FORM_ORDER.map((field) =>
        textField({
          id: `target-${field}`,
          name: field,
          label: fieldLabel(field),
          value: opts.values[field],
          error: opts.errors[field],
          required: field === 'name',
          ...FIELD_INPUT[field],
        }),
      )}
      <div><button type="submit">${opts.submit}</button></div>
    </form>`;
}

function targetDetails(target: Target): SafeHtml {
  return html`<dl class="details">
    ${FORM_ORDER.filter((f) => target[f]).map(
      (f) =>
        html`<dt>${fieldLabel(f)}</dt>
          <dd>${target[f]}</dd>`,
    )}
  </dl>`;
}

export function targetPage(opts: {
  list: TargetList;
  target: Target;
  canEdit: boolean;
  csrf: string;
  values?: TargetFormValues;
  errors?: FieldErrors;
}): SafeHtml {
  const base = listBase(opts.list);
  const back = html`<p><a href="${base}">Back to ${opts.list.name}</a></p>`;
  if (!opts.canEdit) return html`${targetDetails(opts.target)} ${back}`;
  const values = opts.values ?? Object.fromEntries(TARGET_FIELDS.map((f) => [f, opts.target[f]]));
  return html`${targetForm({
      action: `${base}/${opts.target.id}`,
      csrf: opts.csrf,
      values,
      errors: opts.errors ?? {},
      submit: 'Save changes',
    })}
    <h2>Delete</h2>
    <p><a href="${base}/${opts.target.id}/delete">Delete this target…</a></p>
    ${back}`;
}

export function newTargetPage(opts: {
  list: TargetList;
  csrf: string;
  values?: TargetFormValues;
  errors?: FieldErrors;
}): SafeHtml {
  const base = listBase(opts.list);
  return html`${targetForm({
      action: `${base}/new`,
      csrf: opts.csrf,
      values: opts.values ?? {},
      errors: opts.errors ?? {},
      submit: 'Add target',
    })}
    <p><a href="${base}">Back to ${opts.list.name}</a></p>`;
}

export function deleteConfirmPage(opts: {
  list: TargetList;
  target: Target;
  csrf: string;
}): SafeHtml {
  const base = listBase(opts.list);
  return html`<p>
      Delete <strong>${opts.target.name}</strong> from ${opts.list.name}? This cannot be undone. If
      they come back in a later import, they are added again as a new target.
    </p>
    <form method="post" action="${base}/${opts.target.id}/delete">
      ${csrfField(opts.csrf)}
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit" class="danger">Yes, delete ${opts.target.name}</button>
      <a class="button secondary" href="${base}/${opts.target.id}">Cancel</a>
    </form>`;
}

export function importPage(opts: { list: TargetList; csrf: string; error?: string }): SafeHtml {
  const base = listBase(opts.list);
  return html`${errorNotice(opts.error)}
    <p>
      Upload a CSV file whose first line names the columns. Recognised columns (in any order, any
      case): <strong>name</strong> (or first name + surname), <strong>role</strong>,
      <strong>party</strong>, <strong>organisation</strong>, <strong>constituency</strong> /
      <strong>ward</strong> / <strong>division</strong>, <strong>division code</strong> (or ONS
      code), <strong>email</strong>, <strong>twitter</strong> / <strong>x</strong>,
      <strong>bluesky</strong>, <strong>mastodon</strong>, <strong>facebook</strong>,
      <strong>phone</strong>, <strong>id</strong> (the source's own id).
    </p>
    <p>
      Each row updates the target with the same id, or else the one with the same division code and
      name; other rows are added. Empty cells never erase what is stored, so a file with only
      <code>id,email</code> adds emails to existing targets.
    </p>
    <p class="hint">
      At most ${MAX_IMPORT_BYTES / 1024 / 1024} MB and ${MAX_IMPORT_ROWS.toLocaleString('en-GB')}
      rows per file.
    </p>
    <form class="stack" method="post" action="${base}/import" enctype="multipart/form-data">
      ${csrfField(opts.csrf)} ${csvFileField('import-file')}
      <div><button type="submit">Import</button></div>
    </form>
    <p><a href="${base}">Back to ${opts.list.name}</a></p>`;
}

export function importResultPage(opts: {
  list: TargetList;
  filename: string;
  report: ImportReport;
  columns: Partial<Record<TargetField, string>>;
  ignoredColumns: string[];
}): SafeHtml {
  const { report } = opts;
  const base = listBase(opts.list);
  return html`<p>
      Read ${report.rows.toLocaleString('en-GB')} row${report.rows === 1 ? '' : 's'} from
      <strong>${opts.filename}</strong>.
    </p>
    <dl class="details import-summary">
      <dt>Created</dt>
      <dd data-count="created">${report.created}</dd>
      <dt>Updated</dt>
      <dd data-count="updated">${report.updated}</dd>
      <dt>Unchanged</dt>
      <dd data-count="unchanged">${report.unchanged}</dd>
      <dt>Rejected</dt>
      <dd data-count="rejected">${report.rejected.length}</dd>
    </dl>
    <h2>Columns used</h2>
    <ul>
      ${Object.entries(opts.columns).map(
        ([field, header]) => html`<li>${header} → ${fieldLabel(field as TargetField)}</li>`,
      )}
    </ul>
    ${
      opts.ignoredColumns.length
        ? html`<p>Ignored columns (not recognised): ${opts.ignoredColumns.join(', ')}.</p>`
        : ''
    }
    ${
      report.rejected.length
        ? html`<h2>Rejected rows</h2>
            <p>Nothing from these rows was saved. Correct them and import the file again.</p>
            ${rejectedRowsTable(report.rejected)}`
        : ''
    }
    <p><a href="${base}">Back to ${opts.list.name}</a></p>`;
}
