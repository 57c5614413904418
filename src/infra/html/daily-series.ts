import { barChart } from './bar-chart.js';
import { type SafeHtml, html } from './html.js';
import { dataTable } from './tables.js';

/** One UTC day of a report's series: the first column is charted, all are tabled. */
export interface SeriesDay {
  day: string;
  values: readonly number[];
}

/** Every day from the first to the last of `rows` (YYYY-MM-DD), missing ones as zeros. */
export function fillDays(rows: readonly SeriesDay[], width: number): SeriesDay[] {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return [];
  const byDay = new Map(rows.map((r) => [r.day, r.values]));
  const out: SeriesDay[] = [];
  const end = Date.parse(`${last.day}T00:00:00Z`);
  for (let t = Date.parse(`${first.day}T00:00:00Z`); t <= end; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, values: byDay.get(day) ?? new Array<number>(width).fill(0) });
  }
  return out;
}

/**
 * A report's curve: bars per day for the first column (server-side SVG), a link to the same
 * series as CSV, and the figures in a table. `labels` name the columns after the day.
 */
export function dailySeriesSection(opts: {
  id: string;
  title: string;
  labels: readonly string[];
  days: readonly SeriesDay[];
  csvHref: string;
  empty: string;
}): SafeHtml {
  const { days, labels } = opts;
  if (days.length === 0) return html`<p class="empty">${opts.empty}</p>`;
  const total = days.reduce((sum, d) => sum + (d.values[0] ?? 0), 0);
  return html`${barChart({
      id: opts.id,
      title: opts.title,
      description: `${total} over ${days.length} days.`,
      series: [{ label: labels[0] ?? '', className: 'storm-bar' }],
      groups: days.map((d) => ({ label: d.day, values: [d.values[0] ?? 0] })),
      width: 720,
      height: 220,
      padding: { top: 12, right: 8, bottom: 28, left: 44 },
      groupGap: 1,
      ticks: { start: days[0]?.day ?? '', end: days.at(-1)?.day ?? '' },
      barTitle: (g, _s, n) => `${g.label}: ${n}`,
      classes: {
        figure: 'storm-curve',
        svg: 'storm-curve-svg',
        axis: 'storm-axis',
        label: 'storm-axis-label',
        caption: 'hint',
      },
      caption: `${opts.title} (UTC days).`,
    })}
    <p><a href="${opts.csvHref}" download>Download the series (CSV)</a></p>
    ${dataTable({
      caption: 'By day',
      columns: [
        { label: 'Day', rowHeader: true, cell: (d: SeriesDay) => d.day },
        ...labels.map((label, i) => ({
          label,
          numeric: true,
          cell: (d: SeriesDay) => d.values[i] ?? 0,
        })),
      ],
      rows: days,
    })}`;
}
