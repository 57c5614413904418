import { csvFileField, errorNotice } from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import { CSV_COLUMNS, CSV_MAX_BYTES, CSV_MAX_ROWS } from './outreach.csv.js';
import type { ImportReport } from './outreach.import.js';
import { BASE, caseHref, statusBadge, subNav } from './outreach.views.js';

// ---- import ------------------------------------------------------------------------------------

export function importPage(opts: {
  csrf: string;
  error?: string | undefined;
  report?: ImportReport | undefined;
}): SafeHtml {
  const r = opts.report;
  return html`${subNav('')} ${errorNotice(opts.error)}
    ${
      r
        ? html`<section aria-labelledby="import-result">
            <h2 id="import-result">Result of ${r.filename}</h2>
            <p role="status">
              ${`Read ${r.rows} row${r.rows === 1 ? '' : 's'}: recorded ${r.recorded.length}, rejected ${r.rejected.length}.`}
            </p>
            ${
              r.recorded.length
                ? html`<details>
                    <summary>Recorded cases</summary>
                    <ul>
                      ${r.recorded.map(
                        (c) =>
                          html`<li>
                            Row ${c.row}: <a href="${caseHref(c.caseId)}">case #${c.caseId}</a>
                            ${statusBadge(c.status)}
                          </li>`,
                      )}
                    </ul>
                  </details>`
                : ''
            }
            ${
              r.rejected.length
                ? dataTable({
                    caption: 'Rows not recorded',
                    columns: [
                      { label: 'Row', numeric: true, cell: (x) => x.row },
                      { label: 'Problem', cell: (x) => x.messages.join(' ') },
                    ],
                    rows: r.rejected,
                  })
                : ''
            }
          </section>`
        : ''
    }
    <section aria-labelledby="import-upload">
      <h2 id="import-upload">Upload a file</h2>
      <p>
        A CSV file whose first row names the columns
        <code>${CSV_COLUMNS.join(', ')}</code>. Only <code>post_url</code> and
        <code>post_text</code> are required. At most ${CSV_MAX_ROWS} posts and
        ${CSV_MAX_BYTES / 1024 / 1024} MB per file. Rows numbered as in a spreadsheet (the header is
        row 1); a post already recorded is skipped, so a corrected file can be uploaded again.
      </p>
      <p><a href="${BASE}/import/template.csv" download>Download the template</a></p>
      <form method="post" action="${BASE}/import" enctype="multipart/form-data" class="stack">
        ${csrfField(opts.csrf)} ${csvFileField('oc-file')}
        <p><button type="submit">Import</button></p>
      </form>
    </section>`;
}
