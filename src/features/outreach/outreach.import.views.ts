import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
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
  return html`${subNav('')}
    ${opts.error ? html`<div class="flash flash-error" role="alert">${opts.error}</div>` : ''}
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
                ? html`<div class="table-wrap">
                    <table>
                      <caption>
                        Rows not recorded
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col" class="num">Row</th>
                          <th scope="col">Problem</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${r.rejected.map(
                          (x) =>
                            html`<tr>
                              <td class="num">${x.row}</td>
                              <td>${x.messages.join(' ')}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
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
        ${csrfField(opts.csrf)}
        <div class="field">
          <label for="oc-file">CSV file</label>
          <input id="oc-file" name="file" type="file" accept=".csv,text/csv" required />
        </div>
        <p><button type="submit">Import</button></p>
      </form>
    </section>`;
}
