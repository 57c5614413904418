import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barChart } from './bar-chart.js';
import { html } from './html.js';

const base = {
  id: 'test-chart',
  title: 'Posts <per> day',
  width: 100,
  height: 60,
  padding: { top: 10, right: 0, bottom: 20, left: 20 },
  groupGap: 4,
  barTitle: (g: { label: string }, s: { label: string }, v: number) =>
    `${g.label}: ${s.label} ${v}`,
  classes: { figure: 'chart', axis: 'axis', label: 'label' },
};

describe('bar chart', () => {
  it('draws one bar per group and series, scaled to the largest value', () => {
    const svg = barChart({
      ...base,
      series: [
        { label: 'a', className: 'bar-a' },
        { label: 'b', className: 'bar-b' },
      ],
      groups: [
        { label: 'Mon', tick: 'M', values: [10, 5] },
        { label: 'Tue', tick: 'T', values: [0, 2] },
      ],
      ticks: 'groups',
    }).toString();
    assert.equal(svg.match(/<rect\s+class="bar-[ab]"/g)?.length, 4);
    // The tallest bar fills the plot: from y=10 down to the axis at y=40.
    assert.match(svg, /class="bar-a"\s+x="22"\s+y="10"\s+width="18"\s+height="30"/);
    assert.match(svg, /<title>Mon: a 10<\/title>/);
    assert.match(svg, />\s*T\s*<\/text>/);
    assert.match(svg, /role="img" aria-labelledby="test-chart-title" focusable="false"/);
    assert.match(svg, /<title id="test-chart-title">Posts &lt;per&gt; day<\/title>/);
    assert.doesNotMatch(svg, /style=|<figcaption/);
  });

  it('describes itself, labels the ends and carries its legend, caption and table', () => {
    const svg = barChart({
      ...base,
      description: 'The busiest day was Monday.',
      series: [{ label: 'Posts', className: 'bar' }],
      groups: [{ label: 'Mon', values: [0] }],
      ticks: { start: '10:00', end: '11:00' },
      classes: { ...base.classes, svg: 'chart-svg', legend: 'legend', caption: 'hint' },
      caption: 'Per day, UK time.',
      alternative: html`<table></table>`,
    }).toString();
    assert.match(
      svg,
      /aria-labelledby="test-chart-title test-chart-desc" focusable="false" class="chart-svg"/,
    );
    assert.match(svg, /<desc id="test-chart-desc">The busiest day was Monday.<\/desc>/);
    assert.match(svg, />10:00<\/text>[\s\S]*text-anchor="end">\s*11:00/);
    assert.match(
      svg,
      /<figcaption class="hint">\s*<ul class="legend">[\s\S]*Per day, UK time.\s*<\/figcaption>\s*<table>/,
    );
    // A chart of zeros still draws (no division by zero) with flat bars.
    assert.match(svg, /height="0"/);
  });
});
