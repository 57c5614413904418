import { type SafeHtml, html } from '../../infra/html/html.js';
import { formatLondonTime } from './london-time.js';
import type { TimeCurve } from './storms.report.js';

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 44, right: 8, top: 12, bottom: 28 };

function bucketLabel(curve: TimeCurve, start: string): string {
  const end = new Date(Date.parse(start) + curve.bucketMinutes * 60_000).toISOString();
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
 * The time curve as a server-rendered bar chart (SVG, no script), with the same numbers in a
 * table for screen readers and for copying.
 */
export function timeCurveChart(curve: TimeCurve): SafeHtml {
  const { buckets } = curve;
  const max = Math.max(1, ...buckets.map((b) => b.posts));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, buckets.length);
  const gap = slot > 4 ? 1 : 0;
  const busiest = buckets.reduce<(typeof buckets)[number] | undefined>(
    (a, b) => (!a || b.posts > a.posts ? b : a),
    undefined,
  );
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  const r = (n: number) => Math.round(n * 10) / 10;
  return html`<figure class="storm-curve">
    <svg
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      role="img"
      aria-labelledby="storm-curve-title storm-curve-desc"
      class="storm-curve-svg"
    >
      <title id="storm-curve-title">Posts per ${per(curve)}</title>
      <desc id="storm-curve-desc">
        ${
          busiest && busiest.posts > 0
            ? `The busiest ${per(curve)} was ${bucketLabel(curve, busiest.start)} with ${busiest.posts} posts.`
            : 'No posts yet.'
        }
      </desc>
      <line
        class="storm-axis"
        x1="${PAD.left}"
        y1="${PAD.top + plotH}"
        x2="${WIDTH - PAD.right}"
        y2="${PAD.top + plotH}"
      />
      <text class="storm-axis-label" x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">
        ${max}
      </text>
      <text class="storm-axis-label" x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">
        0
      </text>
      ${buckets.map((b, i) => {
        const h = (b.posts / max) * plotH;
        return html`<rect
          class="storm-bar"
          x="${r(PAD.left + i * slot + gap / 2)}"
          y="${r(PAD.top + plotH - h)}"
          width="${r(Math.max(slot - gap, 0.5))}"
          height="${r(h)}"
        >
          <title>${bucketLabel(curve, b.start)}: ${b.posts} posts</title>
        </rect>`;
      })}
      ${
        first && last
          ? html`<text class="storm-axis-label" x="${PAD.left}" y="${HEIGHT - 8}">
                ${formatLondonTime(first.start)}
              </text>
              <text
                class="storm-axis-label"
                x="${WIDTH - PAD.right}"
                y="${HEIGHT - 8}"
                text-anchor="end"
              >
                ${formatLondonTime(new Date(Date.parse(last.start) + curve.bucketMinutes * 60_000).toISOString())}
              </text>`
          : ''
      }
    </svg>
    <figcaption class="hint">Posts per ${per(curve)}, UK time.</figcaption>
    <details>
      <summary>The numbers as a table</summary>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Time (UK)</th>
              <th scope="col" class="num">Posts</th>
            </tr>
          </thead>
          <tbody>
            ${buckets.map(
              (b) =>
                html`<tr>
                  <td>${bucketLabel(curve, b.start)}</td>
                  <td class="num">${b.posts}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </figure>`;
}
