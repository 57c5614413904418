import {
  errorNotice,
  postButton,
  selectField,
  textField,
} from '../../../infra/html/form-controls.js';
import { type BadgeTone, badge } from '../../../infra/html/format.js';
import { type SafeHtml, html, csrfField } from '../../../infra/html/html.js';
import { dataTable } from '../../../infra/html/tables.js';
import { COLUMN_TARGETS, type ColumnMapping, TARGET_LABELS } from './column-mapping.js';
import type { ImportCounts } from './import-runner.js';
import { MAX_UPLOAD_BYTES, PREVIEW_ROWS } from './import.limits.js';
import type { RejectRow } from './import.repository.js';
import type { PeopleImport } from './import.service.js';
import type { ImportStatus } from './import.tables.js';
import type { SheetRow } from './spreadsheet-reader.js';

export const IMPORT_BASE = '/admin/people/import';

/** Longest cell text shown in the preview table (the import itself uses the whole cell). */
const PREVIEW_CELL_CHARS = 80;

const STATUS_LABELS: Record<ImportStatus, string> = {
  uploaded: 'Not started',
  queued: 'Waiting to start',
  running: 'Importing',
  done: 'Done',
  failed: 'Failed',
};

const STATUS_TONES: Record<ImportStatus, BadgeTone> = {
  uploaded: 'plain',
  queued: 'warn',
  running: 'warn',
  done: 'ok',
  failed: 'bad',
};

function errorBlock(messages: readonly string[]): SafeHtml | '' {
  if (messages.length === 0) return '';
  return errorNotice(
    messages.length === 1
      ? messages[0]
      : html`<ul>
          ${messages.map((m) => html`<li>${m}</li>`)}
        </ul>`,
  );
}

function n(value: number): string {
  return value.toLocaleString('en-GB');
}

function short(text: string): string {
  return text.length > PREVIEW_CELL_CHARS ? `${text.slice(0, PREVIEW_CELL_CHARS)}…` : text;
}

export function uploadPage(opts: {
  csrf: string;
  imports: PeopleImport[];
  error?: string;
}): SafeHtml {
  return html`${errorBlock(opts.error ? [opts.error] : [])}
    <p>
      Add or update supporters from a spreadsheet. You will see the first rows, choose what each
      column holds and check a dry run before anything is saved. People are matched by email
      address; an empty cell never erases what is already stored.
    </p>
    <form class="stack" method="post" action="${IMPORT_BASE}" enctype="multipart/form-data">
      ${csrfField(opts.csrf)}
      ${textField({
        id: 'import-file',
        name: 'file',
        label: 'Spreadsheet',
        hint: `CSV (comma, semicolon or tab separated) or Excel .xlsx, at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. The first row must name the columns.`,
        type: 'file',
        accept:
          '.csv,.tsv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        required: true,
      })}
      <div><button type="submit">Upload and preview</button></div>
    </form>
    ${
      opts.imports.length > 0
        ? html`<h2>Recent imports</h2>
            ${dataTable({
              columns: [
                {
                  label: 'File',
                  cell: (imp) => html`<a href="${IMPORT_BASE}/${imp.id}">${imp.filename}</a>`,
                },
                { label: 'Uploaded', cell: (imp) => imp.createdAt.slice(0, 16).replace('T', ' ') },
                { label: 'Status', cell: (imp) => statusBadge(imp.status) },
                {
                  label: 'Rows',
                  numeric: true,
                  cell: (imp) => (imp.counts ? n(imp.counts.rows) : ''),
                },
              ],
              rows: opts.imports,
            })}`
        : ''
    }`;
}

function statusBadge(status: ImportStatus): SafeHtml {
  return badge(STATUS_LABELS[status], STATUS_TONES[status]);
}

export function mappingPage(opts: {
  imp: PeopleImport;
  preview: SheetRow[];
  mapping: ColumnMapping;
  csrf: string;
  problems?: string[];
}): SafeHtml {
  const { imp } = opts;
  return html`${errorBlock(opts.problems ?? [])}
    <p>
      <strong>${imp.filename}</strong>: ${imp.kind === 'xlsx' ? 'Excel workbook' : 'CSV file'} with
      ${imp.headers.length} column${imp.headers.length === 1 ? '' : 's'}. The first ${PREVIEW_ROWS}
      rows:
    </p>
    ${dataTable({
      wrapClass: 'import-preview',
      columns: [
        { label: 'Row', numeric: true, cell: (row) => row.number },
        ...imp.headers.map((header, i) => ({
          label: header,
          cell: (row: SheetRow) => short(row.cells[i] ?? ''),
        })),
      ],
      rows: opts.preview,
    })}
    <h2>What does each column hold?</h2>
    <p class="hint">
      Columns that are not email, name, postcode, phone, tags or consent can be kept as custom
      fields (named after the column) or ignored. Consent is recorded only from a column you choose
      here: yes, y, true, 1, x or "opted in" count as consent; no, n, false, 0 or an empty cell
      record nothing; any other answer rejects the row.
    </p>
    <form class="stack import-mapping" method="post" action="${IMPORT_BASE}/${imp.id}/dry-run">
      ${csrfField(opts.csrf)}
      ${imp.headers.map((header, i) =>
        selectField({
          id: `map-${i}`,
          name: `map_${i}`,
          label: header,
          options: COLUMN_TARGETS.map((t) => ({ value: t, label: TARGET_LABELS[t] })),
          value: opts.mapping[i],
        }),
      )}
      <div><button type="submit">Dry run</button></div>
    </form>
    <p><a href="${IMPORT_BASE}">Upload a different file</a></p>`;
}

function countsList(counts: ImportCounts, dryRun: boolean): SafeHtml {
  return html`<dl class="details import-counts">
    <dt>Rows read</dt>
    <dd data-count="rows">${n(counts.rows)}</dd>
    <dt>${dryRun ? 'New people' : 'Created'}</dt>
    <dd data-count="created">${n(counts.created)}</dd>
    <dt>${dryRun ? 'Would be updated' : 'Updated'}</dt>
    <dd data-count="updated">${n(counts.updated)}</dd>
    <dt>Unchanged</dt>
    <dd data-count="unchanged">${n(counts.unchanged)}</dd>
    <dt>Rejected</dt>
    <dd data-count="rejected">${n(counts.rejected)}</dd>
    <dt>${dryRun ? 'Consents to record' : 'Consents recorded'}</dt>
    <dd data-count="consents">${n(counts.consents)}</dd>
  </dl>`;
}

function rejectsTable(
  imp: PeopleImport,
  rejects: RejectRow[],
  total: number,
  phase: 'dry-run' | 'import',
): SafeHtml | '' {
  if (total === 0) return '';
  return html`<h2>Rejected rows</h2>
    <p>
      ${phase === 'dry-run' ? 'These rows would not be imported.' : 'These rows were not imported.'}
      <a href="${IMPORT_BASE}/${imp.id}/rejected.csv${phase === 'dry-run' ? '?phase=dry-run' : ''}"
        >Download rejected rows (CSV)</a
      >
      with their original columns and the reason, to correct and import again.
    </p>
    ${dataTable({
      className: 'import-rejects',
      columns: [
        { label: 'Row', numeric: true, cell: (r) => r.row_number },
        { label: 'Reason', cell: (r) => r.reason },
      ],
      rows: rejects,
    })}
    ${
      total > rejects.length
        ? html`<p class="hint">
            The first ${n(rejects.length)} of ${n(total)} are shown; the download has them all.
          </p>`
        : ''
    }`;
}

export function dryRunPage(opts: {
  imp: PeopleImport;
  counts: ImportCounts;
  rejects: RejectRow[];
  csrf: string;
}): SafeHtml {
  const { imp, counts } = opts;
  const importable = counts.created + counts.updated + counts.unchanged;
  return html`<p>
      Dry run of <strong>${imp.filename}</strong>: nothing has been saved yet. Each row's email is
      matched against the people already stored.
    </p>
    ${countsList(counts, true)}
    ${
      importable > 0
        ? postButton({
            action: `${IMPORT_BASE}/${imp.id}/start`,
            csrf: opts.csrf,
            label: `Import ${n(importable)} row${importable === 1 ? '' : 's'}`,
          })
        : errorNotice('No row can be imported as mapped.')
    }
    <a class="button secondary" href="${IMPORT_BASE}/${imp.id}">Change the column mapping</a>
    ${rejectsTable(imp, opts.rejects, counts.rejected, 'dry-run')}`;
}

export function progressPage(opts: { imp: PeopleImport; progress: number }): SafeHtml {
  const { imp } = opts;
  return html`<noscript><meta http-equiv="refresh" content="2" /></noscript>
    <p>
      Importing <strong>${imp.filename}</strong>. You can leave this page: the import carries on and
      its result stays here.
    </p>
    <p>
      <label for="import-progress">Progress</label>
      <progress
        id="import-progress"
        max="100"
        value="${opts.progress}"
        data-status-url="${IMPORT_BASE}/${imp.id}/status.json"
      >
        ${opts.progress}%
      </progress>
    </p>
    <p id="import-status" role="status" aria-live="polite">
      ${STATUS_LABELS[imp.status]}${imp.counts ? ` · ${n(imp.counts.rows)} rows read` : ''}
      ${imp.error ? ` · ${imp.error}` : ''}
    </p>
    <script src="/assets/js/import-progress.js" defer></script>`;
}

export function resultPage(opts: {
  imp: PeopleImport;
  counts: ImportCounts | null;
  rejects: RejectRow[];
}): SafeHtml {
  const { imp, counts } = opts;
  return html`${
      imp.status === 'failed'
        ? errorBlock([imp.error ?? 'The import failed.'])
        : html`<p class="flash flash-success" role="status">
            Imported <strong>${imp.filename}</strong>.
          </p>`
    }
    <p>
      <label for="import-progress">Progress</label>
      <progress id="import-progress" max="100" value="100">100%</progress>
    </p>
    ${counts ? countsList(counts, false) : ''}
    ${counts ? rejectsTable(imp, opts.rejects, counts.rejected, 'import') : ''}
    <p>
      <a href="/admin/people">See people</a> ·
      <a href="${IMPORT_BASE}">Import another file</a>
    </p>`;
}
