import { barChart } from '../../infra/html/bar-chart.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import { formatLondonTime } from '../../infra/clock/london-time.js';
import type { TimeCurve } from './storms.report.js';

function bucketEnd(curve: TimeCurve, start: string): string {
  return new Date(Date.parse(start) + curve.bucketMinutes * 60_000).toISOString();
}

function bucketLabel(curve: TimeCurve, start: string): string {
  const end = bucketEnd(curve, start);
  return curve.bucketMinutes === 1
    ? formatLondonTime(start)
    : `${formatLondonTime(start)}–${formatLondonTime(end)}`;
}

function per(curve: TimeCurve): string {
  const m = curve.bucketMinutes;
  if (m === 1) return 'minute';
  return m % 60 === 0 ? (m === 60 ? 'hour' : `${m / 60} hours`) : `${m} minutes`;
}

/**
 * The time curve as a server-rendered bar chart, with the same numbers in a table for screen
 * readers and for copying.
 */
export function timeCurveChart(curve: TimeCurve): SafeHtml {
  const { buckets } = curve;
  const busiest = buckets.reduce<(typeof buckets)[number] | undefined>(
    (a, b) => (!a || b.posts > a.posts ? b : a),
    undefined,
  );
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  return barChart({
    id: 'storm-curve',
    title: `Posts per ${per(curve)}`,
    description:
      busiest && busiest.posts > 0
        ? `The busiest ${per(curve)} was ${bucketLabel(curve, busiest.start)} with ${busiest.posts} posts.`
        : 'No posts yet.',
    series: [{ label: 'Posts', className: 'storm-bar' }],
    groups: buckets.map((b) => ({ label: bucketLabel(curve, b.start), values: [b.posts] })),
    width: 720,
    height: 240,
    padding: { top: 12, right: 8, bottom: 28, left: 44 },
    groupGap: 1,
    ticks: {
      start: first ? formatLondonTime(first.start) : '',
      end: last ? formatLondonTime(bucketEnd(curve, last.start)) : '',
    },
    barTitle: (bucket, _series, posts) => `${bucket.label}: ${posts} posts`,
    classes: {
      figure: 'storm-curve',
      svg: 'storm-curve-svg',
      axis: 'storm-axis',
      label: 'storm-axis-label',
      caption: 'hint',
    },
    caption: `Posts per ${per(curve)}, UK time.`,
    alternative: html`<details>
      <summary>The numbers as a table</summary>
      ${dataTable({
        columns: [
          { label: 'Time (UK)', cell: (b) => bucketLabel(curve, b.start) },
          { label: 'Posts', numeric: true, cell: (b) => b.posts },
        ],
        rows: buckets,
      })}
    </details>`,
  });
}
