import { barChart } from '../../infra/html/bar-chart.js';
import { percent } from '../../infra/html/format.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import type { MonthCounts } from './outreach.repository.js';
import { STATUS_LABELS } from './outreach.rules.js';
import type { Dashboard } from './outreach.dashboard.js';
import { CASE_STATUSES } from './outreach.tables.js';
import { BASE, subNav } from './outreach.views.js';

const MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** "2025-03" → "Mar 2025". */
export function monthLabel(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(0, 4)}`;
}

export { percent };

const SERIES = [
  { key: 'opened', label: 'Cases opened', className: 'outreach-bar-opened' },
  { key: 'sent', label: 'Requests sent', className: 'outreach-bar-sent' },
  { key: 'removed', label: 'Posts removed', className: 'outreach-bar-removed' },
] as const;

/**
 * A grouped bar chart of the monthly table (the table below it has the figures for screen
 * readers). Narrow on purpose: on a phone the labels stay readable once the SVG is scaled down.
 */
export function monthlyChart(months: MonthCounts[]): SafeHtml {
  return barChart({
    id: 'outreach-chart',
    title:
      'Cases opened, requests sent and posts removed per month (the table below has the figures)',
    series: SERIES,
    groups: months.map((m) => ({
      label: monthLabel(m.month),
      tick: monthLabel(m.month).slice(0, 3),
      values: SERIES.map((s) => m[s.key]),
    })),
    width: 480,
    height: 210,
    padding: { top: 14, right: 0, bottom: 30, left: 30 },
    groupGap: 8,
    ticks: 'groups',
    barTitle: (month, s, value) => `${month.label}: ${s.label.toLowerCase()} ${value}`,
    classes: {
      figure: 'outreach-chart',
      axis: 'outreach-chart-axis',
      label: 'outreach-chart-label',
      legend: 'outreach-legend',
    },
  });
}

export function dashboardPage(d: Dashboard): SafeHtml {
  return html`${subNav(`${BASE}/dashboard`)}
    <ul class="cards">
      <li class="card"><strong class="outreach-figure">${d.total}</strong> cases recorded</li>
      <li class="card"><strong class="outreach-figure">${d.sent}</strong> requests sent</li>
      <li class="card">
        <strong class="outreach-figure">${d.removed}</strong> posts removed after a request
      </li>
      <li class="card">
        <strong class="outreach-figure" id="outreach-removal-rate"
          >${d.removalRate === null ? '—' : percent(d.removed, d.sent)}</strong
        >
        removal rate (removed ÷ sent)
      </li>
      <li class="card">
        <strong class="outreach-figure">${d.repeats}</strong> repeat cases (a supporter's second or
        later)
      </li>
    </ul>
    <section aria-labelledby="outreach-by-status">
      <h2 id="outreach-by-status">Cases by status</h2>
      ${dataTable({
        columns: [
          {
            label: 'Status',
            rowHeader: true,
            cell: (s) => html`<a href="${BASE}?status=${s}">${STATUS_LABELS[s]}</a>`,
          },
          {
            label: 'Cases',
            numeric: true,
            cell: (s) => d.byStatus[s],
            cellAttributes: (s) => ({ 'data-status': s }),
          },
        ],
        rows: CASE_STATUSES,
      })}
    </section>
    <section aria-labelledby="outreach-by-month">
      <h2 id="outreach-by-month">Month by month</h2>
      ${monthlyChart(d.months)}
      ${dataTable({
        caption:
          'Per month (UTC). "Removed" counts the requests sent that month whose post is now confirmed removed, so the rate is of that month\'s requests.',
        columns: [
          { label: 'Month', rowHeader: true, cell: (m) => monthLabel(m.month) },
          { label: 'Cases opened', numeric: true, cell: (m) => m.opened },
          { label: 'Requests sent', numeric: true, cell: (m) => m.sent },
          { label: 'Removed', numeric: true, cell: (m) => m.removed },
          { label: 'Removal rate', numeric: true, cell: (m) => percent(m.removed, m.sent) },
        ],
        rows: [...d.months].reverse(),
        rowAttributes: (m) => ({ 'data-month': m.month }),
      })}
    </section>`;
}
