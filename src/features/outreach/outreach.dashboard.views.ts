import { type SafeHtml, html } from '../../infra/html/html.js';
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

/** A share as a whole percentage, or a dash when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '—';
}

const SERIES = [
  { key: 'opened', label: 'Cases opened', className: 'outreach-bar-opened' },
  { key: 'sent', label: 'Requests sent', className: 'outreach-bar-sent' },
  { key: 'removed', label: 'Posts removed', className: 'outreach-bar-removed' },
] as const;

// Chart geometry, in SVG user units (the SVG scales to its container).
// Narrow on purpose: on a phone the labels stay readable once the SVG is scaled to the screen.
const WIDTH = 480;
const HEIGHT = 210;
const PLOT_TOP = 14;
const PLOT_BOTTOM = 180;
const PLOT_LEFT = 30;

/**
 * A grouped bar chart of the monthly table, drawn here as SVG (no script, no inline styles: the
 * colours come from classes in rally.css). Screen readers get the table below it instead.
 */
export function monthlyChart(months: MonthCounts[]): SafeHtml {
  const max = Math.max(1, ...months.flatMap((m) => [m.opened, m.sent, m.removed]));
  const slot = (WIDTH - PLOT_LEFT) / Math.max(1, months.length);
  const barWidth = Math.max(2, (slot - 8) / SERIES.length);
  const plotHeight = PLOT_BOTTOM - PLOT_TOP;
  const y = (value: number) => PLOT_BOTTOM - (value / max) * plotHeight;
  const bars = months.flatMap((m, i) =>
    SERIES.map((s, j) => {
      const value = m[s.key];
      const x = PLOT_LEFT + i * slot + 4 + j * barWidth;
      return html`<rect
        class="${s.className}"
        x="${x.toFixed(1)}"
        y="${y(value).toFixed(1)}"
        width="${barWidth.toFixed(1)}"
        height="${(PLOT_BOTTOM - y(value)).toFixed(1)}"
      >
        <title>${monthLabel(m.month)}: ${s.label.toLowerCase()} ${value}</title>
      </rect>`;
    }),
  );
  const labels = months.map(
    (m, i) =>
      html`<text
        class="outreach-chart-label"
        x="${(PLOT_LEFT + i * slot + slot / 2).toFixed(1)}"
        y="${PLOT_BOTTOM + 18}"
        text-anchor="middle"
      >
        ${monthLabel(m.month).slice(0, 3)}
      </text>`,
  );
  return html`<figure class="outreach-chart">
    <svg
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      role="img"
      aria-labelledby="outreach-chart-title"
      focusable="false"
    >
      <title id="outreach-chart-title">
        Cases opened, requests sent and posts removed per month (the table below has the figures)
      </title>
      <line
        class="outreach-chart-axis"
        x1="${PLOT_LEFT}"
        y1="${PLOT_BOTTOM}"
        x2="${WIDTH}"
        y2="${PLOT_BOTTOM}"
      />
      <text class="outreach-chart-label" x="${PLOT_LEFT - 6}" y="${PLOT_TOP + 4}" text-anchor="end">
        ${max}
      </text>
      <text class="outreach-chart-label" x="${PLOT_LEFT - 6}" y="${PLOT_BOTTOM}" text-anchor="end">
        0
      </text>
      ${bars} ${labels}
    </svg>
    <figcaption>
      <ul class="outreach-legend">
        ${SERIES.map(
          (s) =>
            html`<li>
              <svg viewBox="0 0 10 10" aria-hidden="true" focusable="false">
                <rect class="${s.className}" width="10" height="10" />
              </svg>
              ${s.label}
            </li>`,
        )}
      </ul>
    </figcaption>
  </figure>`;
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
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col" class="num">Cases</th>
            </tr>
          </thead>
          <tbody>
            ${CASE_STATUSES.map(
              (s) =>
                html`<tr>
                  <th scope="row"><a href="${BASE}?status=${s}">${STATUS_LABELS[s]}</a></th>
                  <td class="num" data-status="${s}">${d.byStatus[s]}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>
    <section aria-labelledby="outreach-by-month">
      <h2 id="outreach-by-month">Month by month</h2>
      ${monthlyChart(d.months)}
      <div class="table-wrap">
        <table>
          <caption>
            Per month (UTC). "Removed" counts the requests sent that month whose post is now
            confirmed removed, so the rate is of that month's requests.
          </caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" class="num">Cases opened</th>
              <th scope="col" class="num">Requests sent</th>
              <th scope="col" class="num">Removed</th>
              <th scope="col" class="num">Removal rate</th>
            </tr>
          </thead>
          <tbody>
            ${[...d.months].reverse().map(
              (m) =>
                html`<tr data-month="${m.month}">
                  <th scope="row">${monthLabel(m.month)}</th>
                  <td class="num">${m.opened}</td>
                  <td class="num">${m.sent}</td>
                  <td class="num">${m.removed}</td>
                  <td class="num">${percent(m.removed, m.sent)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
}
