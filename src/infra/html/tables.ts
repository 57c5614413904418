import { attributes } from './form-controls.js';
import { type SafeHtml, html } from './html.js';

type Cell = SafeHtml | string | number | null | undefined;

export interface Column<Row> {
  label: string | SafeHtml;
  /** Figures: right-aligned (class "num") in the header and in every cell. */
  numeric?: boolean;
  /** The row's own header (`<th scope="row">`) rather than a data cell. */
  rowHeader?: boolean;
  cell: (row: Row) => Cell;
  /** Extra attributes of each cell, such as a data- hook for tests and scripts. */
  cellAttributes?: (row: Row) => Record<string, string | number | undefined>;
}

export interface DataTableOptions<Row> {
  /** `false` leaves a column out (for columns only some viewers see). */
  columns: readonly (Column<Row> | false)[];
  rows: readonly Row[];
  /** Shown as `p.empty` instead of the table when there are no rows; without it, the table shows. */
  empty?: string | SafeHtml | undefined;
  caption?: string | SafeHtml | undefined;
  /** The table's class. */
  className?: string | undefined;
  /** A class added to the scrolling `div.table-wrap` around the table. */
  wrapClass?: string | undefined;
  rowAttributes?: (row: Row) => Record<string, string | number | undefined>;
}

/**
 * A data table inside its horizontally scrolling wrapper (phones), with column headers scoped for
 * screen readers, or a short `p.empty` sentence when there is nothing to list.
 */
export function dataTable<Row>(opts: DataTableOptions<Row>): SafeHtml {
  if (opts.rows.length === 0 && opts.empty !== undefined)
    return html`<p class="empty">${opts.empty}</p>`;
  const columns = opts.columns.filter((c): c is Column<Row> => c !== false);
  const num = (c: Column<Row>) => (c.numeric ? 'num' : undefined);
  return html`<div class="${opts.wrapClass ? `table-wrap ${opts.wrapClass}` : 'table-wrap'}">
    <table${attributes({ class: opts.className })}>
      ${
        opts.caption === undefined
          ? ''
          : html`<caption>
              ${opts.caption}
            </caption>`
      }
      <thead>
        <tr>
          ${columns.map((c) => html`<th${attributes({ scope: 'col', class: num(c) })}>${c.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${opts.rows.map(
          (row) =>
            html`<tr${attributes(opts.rowAttributes?.(row) ?? {})}>
              ${columns.map((c) => {
                const attrs = { class: num(c), ...c.cellAttributes?.(row) };
                return c.rowHeader
                  ? html`<th${attributes({ scope: 'row', ...attrs })}>${c.cell(row)}</th>`
                  : html`<td${attributes(attrs)}>${c.cell(row)}</td>`;
              })}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The lines of an uploaded file that were refused, and why (nothing from them was saved). */
export function rejectedRowsTable(
  rows: readonly { line: number; reasons: readonly string[] }[],
): SafeHtml {
  return dataTable({
    columns: [
      { label: 'Line', numeric: true, cell: (r) => r.line },
      { label: 'Why', cell: (r) => r.reasons.join(' ') },
    ],
    rows,
  });
}
