import { barChart } from '../../infra/html/bar-chart.js';
import { percent, utcTime } from '../../infra/html/format.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import type { NavItem } from '../../infra/html/layout.js';
import { dataTable } from '../../infra/html/tables.js';
import type { ActivityEntry } from '../people/people-stats.service.js';
import { type Dashboard, PERIODS } from './dashboard.service.js';

/** Where an activity's subject lives in the admin, by the ref type features record. */
const REF_LINKS = new Map<string, (id: string) => string>([
  ['petition', (id) => `/admin/petitions/${id}`],
  ['storm', (id) => `/admin/storms/${id}`],
  ['comment', () => '/admin/moderation'],
]);

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** "Sam Ng signed the petition "Keep our libraries open"", with the person and the thing linked. */
export function activitySentence(a: ActivityEntry): SafeHtml {
  const who = a.erased
    ? html`Someone (erased)`
    : html`<a href="/admin/people/${a.personId}">${a.personName ?? ''}</a>`;
  const link = a.refType && a.refId ? REF_LINKS.get(a.refType)?.(a.refId) : undefined;
  const what = lowerFirst(a.summary);
  return html`${who} ${link ? html`<a href="${link}">${what}</a>` : what}`;
}

function figure(label: string, value: string | number, hint?: string): SafeHtml {
  return html`<li class="card stat">
    <span class="stat-label">${label}</span>
    <strong class="stat-value" data-stat="${label}">${value}</strong>
    ${hint ? html`<span class="hint">${hint}</span>` : ''}
  </li>`;
}

function growthChart(d: Dashboard): SafeHtml {
  const busiest = d.series.reduce(
    (a, b) => (b.newPeople > a.newPeople ? b : a),
    d.series[0] ?? { day: '', newPeople: 0, actions: 0 },
  );
  return barChart({
    id: 'growth',
    title: `New supporters per day, last ${d.days} days`,
    description:
      busiest.newPeople > 0
        ? `The busiest day was ${busiest.day} with ${busiest.newPeople} new supporters.`
        : 'No new supporters in this period.',
    series: [{ label: 'New supporters', className: 'storm-bar' }],
    groups: d.series.map((r) => ({ label: r.day, values: [r.newPeople] })),
    width: 720,
    height: 220,
    padding: { top: 12, right: 8, bottom: 28, left: 44 },
    groupGap: 1,
    ticks: { start: d.series[0]?.day ?? '', end: d.series.at(-1)?.day ?? '' },
    barTitle: (g, _s, n) => `${g.label}: ${n} new supporters`,
    classes: {
      figure: 'storm-curve dashboard-chart',
      svg: 'storm-curve-svg',
      axis: 'storm-axis',
      label: 'storm-axis-label',
      caption: 'hint',
    },
    caption: 'New supporters per day (UTC).',
  });
}

function seriesTable(d: Dashboard): SafeHtml {
  return dataTable({
    caption: 'By day',
    className: 'dashboard-series',
    columns: [
      { label: 'Day', rowHeader: true, cell: (r) => r.day },
      { label: 'New supporters', numeric: true, cell: (r) => r.newPeople },
      { label: 'Actions', numeric: true, cell: (r) => r.actions },
    ],
    rows: [...d.series].reverse(),
  });
}

export function dashboardBody(opts: {
  name: string;
  sections: NavItem[];
  dashboard: Dashboard;
  activity: ActivityEntry[];
  olderBefore: number | null;
  newerLink: boolean;
}): SafeHtml {
  const d = opts.dashboard;
  const periodLinks = PERIODS.map((p) =>
    p === d.days
      ? html`<strong aria-current="true">${p} days</strong>`
      : html`<a href="/admin?period=${p}">${p} days</a>`,
  );
  const cards = opts.sections.map(
    (s) =>
      html`<li class="card">
        <h2><a href="${s.href}">${s.label}</a></h2>
      </li>`,
  );
  return html`<p>Welcome, ${opts.name}.</p>
    <nav class="period-choice" aria-label="Period">Showing the last ${periodLinks}</nav>
    <ul class="cards stats" aria-label="This period">
      ${figure('New supporters', d.newPeople)}
      ${figure('Net growth', d.netGrowth > 0 ? `+${d.netGrowth}` : d.netGrowth, `after ${d.unsubscribed} unsubscribed and ${d.erased} erased`)}
      ${figure(
        'Confirmation rate',
        d.funnel.signed ? percent(d.funnel.confirmed, d.funnel.signed) : '—',
        `${d.funnel.confirmed} of ${d.funnel.signed} signatures confirmed`,
      )}
    </ul>
    <div class="dashboard-growth">${growthChart(d)} ${seriesTable(d)}</div>
    <div class="dashboard-columns">
      <section>
        <h2>Actions</h2>
        ${dataTable({
          columns: [
            { label: 'Action', rowHeader: true, cell: (a) => a.label },
            { label: 'Number', numeric: true, cell: (a) => a.n },
          ],
          rows: d.actions,
        })}
      </section>
      <section>
        <h2>Top sources</h2>
        ${dataTable({
          columns: [
            { label: 'Source', rowHeader: true, cell: (s) => html`<code>${s.source}</code>` },
            { label: 'New supporters', numeric: true, cell: (s) => s.n },
          ],
          rows: d.topSources,
          empty: 'No new supporters in this period.',
        })}
        ${dataTable({
          columns: [
            { label: 'Source', rowHeader: true, cell: (s) => html`<code>${s.source}</code>` },
            { label: 'Actions', numeric: true, cell: (s) => s.n },
          ],
          rows: d.topActionSources,
          empty: 'No actions came with a source or from another site in this period.',
          caption: 'Where actions came from (source links and referring sites)',
        })}
      </section>
      <section>
        <h2>Top constituencies</h2>
        ${dataTable({
          columns: [
            {
              label: 'Constituency',
              rowHeader: true,
              cell: (c) => html`<a href="/admin/people?constituency=${c.code}">${c.name}</a>`,
            },
            { label: 'New supporters', numeric: true, cell: (c) => c.n },
          ],
          rows: d.topConstituencies,
          empty: 'No new supporters with a known constituency in this period.',
        })}
      </section>
    </div>
    <h2 id="activity">Activity</h2>
    ${
      opts.activity.length === 0
        ? html`<p class="empty">Nothing has happened yet.</p>`
        : html`<ol class="activity-list">
            ${opts.activity.map(
              (a) =>
                html`<li>
                  ${activitySentence(a)} <span class="hint">${utcTime(a.createdAt)}</span>
                </li>`,
            )}
          </ol>`
    }
    <nav class="pager" aria-label="Activity pages">
      ${opts.newerLink ? html`<a href="/admin?period=${d.days}#activity">Newest</a>` : ''}
      ${
        opts.olderBefore !== null
          ? html`<a
              href="/admin?period=${d.days}&amp;before=${opts.olderBefore}#activity"
              rel="next"
              >Older</a
            >`
          : ''
      }
    </nav>
    ${
      opts.sections.length
        ? html`<h2>Sections</h2>
            <ul class="cards" aria-label="Sections">
              ${cards}
            </ul>`
        : ''
    }`;
}
