import { attributes } from './form-controls.js';
import { type SafeHtml, html } from './html.js';

/**
 * A bar chart drawn on the server as SVG: no script, no inline styles (colours come from the
 * classes given, styled in rally.css), scaled to its container. Screen readers get the title and
 * description; the figures themselves belong in a table alternative the caller renders with it.
 */

export interface BarSeries {
  label: string;
  /** Class of this series' bars (and legend swatch): its colour. */
  className: string;
}

export interface BarGroup {
  /** Names the group in each bar's tooltip. */
  label: string;
  /** One value per series, in the order of `series`. */
  values: readonly number[];
  /** Text under the group on the axis, when ticks are per group. */
  tick?: string;
}

export interface BarChartOptions {
  /** Prefix of the ids of the chart's title and description. */
  id: string;
  title: string;
  description?: string | undefined;
  series: readonly BarSeries[];
  groups: readonly BarGroup[];
  /** Geometry in SVG user units. */
  width: number;
  height: number;
  padding: { top: number; right: number; bottom: number; left: number };
  /** Space between groups (left out when groups get too narrow for it). */
  groupGap: number;
  /** Labels under the axis: each group's tick, or the start and end of the range. */
  ticks: 'groups' | { start: string; end: string };
  /** A bar's tooltip. */
  barTitle: (group: BarGroup, series: BarSeries, value: number) => string;
  classes: {
    figure: string;
    svg?: string;
    axis: string;
    label: string;
    /** With it, a legend of the series opens the caption. */
    legend?: string;
    caption?: string;
  };
  caption?: string | SafeHtml | undefined;
  /** Inside the figure after the caption: typically the table alternative. */
  alternative?: SafeHtml | undefined;
}

/** One decimal place is plenty for SVG coordinates and keeps the markup short. */
function r(n: number): number {
  return Math.round(n * 10) / 10;
}

function legend(series: readonly BarSeries[], className: string): SafeHtml {
  return html`<ul class="${className}">
    ${series.map(
      (s) =>
        html`<li>
          <svg viewBox="0 0 10 10" aria-hidden="true" focusable="false">
            <rect class="${s.className}" width="10" height="10" />
          </svg>
          ${s.label}
        </li>`,
    )}
  </ul>`;
}

export function barChart(o: BarChartOptions): SafeHtml {
  const { width, height, padding, groups, series } = o;
  const left = padding.left;
  const right = width - padding.right;
  const top = padding.top;
  const bottom = height - padding.bottom;
  const max = Math.max(1, ...groups.flatMap((g) => g.values));
  const slot = (right - left) / Math.max(1, groups.length);
  const gap = slot > 4 ? o.groupGap : 0;
  const barWidth = Math.max(0.5, (slot - gap) / Math.max(1, series.length));
  const barHeight = (value: number) => (value / max) * (bottom - top);
  const bars = groups.flatMap((g, i) =>
    series.map((s, j) => {
      const value = g.values[j] ?? 0;
      return html`<rect
        class="${s.className}"
        x="${r(left + i * slot + gap / 2 + j * barWidth)}"
        y="${r(bottom - barHeight(value))}"
        width="${r(barWidth)}"
        height="${r(barHeight(value))}"
      >
        <title>${o.barTitle(g, s, value)}</title>
      </rect>`;
    }),
  );
  const tickY = bottom + 18;
  const ticks =
    o.ticks === 'groups'
      ? groups.map(
          (g, i) =>
            html`<text
              class="${o.classes.label}"
              x="${r(left + i * slot + slot / 2)}"
              y="${tickY}"
              text-anchor="middle"
            >
              ${g.tick ?? ''}
            </text>`,
        )
      : groups.length
        ? html`<text class="${o.classes.label}" x="${left}" y="${tickY}">${o.ticks.start}</text>
            <text class="${o.classes.label}" x="${right}" y="${tickY}" text-anchor="end">
              ${o.ticks.end}
            </text>`
        : '';
  const labelledBy = o.description ? `${o.id}-title ${o.id}-desc` : `${o.id}-title`;
  const caption =
    o.classes.legend || o.caption !== undefined
      ? html`<figcaption${attributes({ class: o.classes.caption })}>
          ${o.classes.legend ? legend(series, o.classes.legend) : ''} ${o.caption ?? ''}
        </figcaption>`
      : '';
  return html`<figure class="${o.classes.figure}">
    <svg${attributes({
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': labelledBy,
      focusable: 'false',
      class: o.classes.svg,
    })}>
      <title id="${o.id}-title">${o.title}</title>
      ${o.description ? html`<desc id="${o.id}-desc">${o.description}</desc>` : ''}
      <line class="${o.classes.axis}" x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" />
      <text class="${o.classes.label}" x="${left - 6}" y="${top + 4}" text-anchor="end">
        ${max}
      </text>
      <text class="${o.classes.label}" x="${left - 6}" y="${bottom}" text-anchor="end">0</text>
      ${bars} ${ticks}
    </svg>
    ${caption} ${o.alternative ?? ''}
  </figure>`;
}
