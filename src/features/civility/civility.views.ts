import { errorMessage, textAreaField, textField } from '../../infra/html/form-controls.js';
import { type SafeHtml, html, when } from '../../infra/html/html.js';
import type { CivilityThresholds } from './civility.config.js';
import type { CivilityAssessment, CivilitySpan } from './civility.service.js';

/** The text with every span (overlaps merged) wrapped in <mark>; all text escaped. */
export function highlight(text: string, spans: CivilitySpan[]): SafeHtml {
  const ranges: { start: number; end: number; labels: Set<string> }[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const last = ranges[ranges.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      last.labels.add(s.label);
    } else ranges.push({ start: s.start, end: s.end, labels: new Set([s.label]) });
  }
  const parts: SafeHtml[] = [];
  let at = 0;
  for (const r of ranges) {
    parts.push(html`${text.slice(at, r.start)}`);
    parts.push(
      html`<mark title="${[...r.labels].join(', ')}">${text.slice(r.start, r.end)}</mark>`,
    );
    at = r.end;
  }
  parts.push(html`${text.slice(at)}`);
  return html`${parts}`;
}

export function civilityPage(opts: {
  csrfToken: string;
  thresholds: CivilityThresholds;
  maxChars: number;
  canEditThresholds: boolean;
  thresholdsError?: string;
  thresholdsInput?: { review: string; block: string };
  text?: string;
  error?: string;
  result?: CivilityAssessment;
}): SafeHtml {
  const { result, text = '' } = opts;
  return html`<p>
      The civility guard scores text from 0 (civil) to 1 (abusive). Thresholds in force: held for
      review at <strong class="civility-threshold-review">${opts.thresholds.review}</strong>,
      blocked at <strong class="civility-threshold-block">${opts.thresholds.block}</strong>.
    </p>
    ${when(opts.canEditThresholds, () => thresholdsForm(opts))}
    <form method="post" action="/admin/civility" class="civility-try">
      <input type="hidden" name="_csrf" value="${opts.csrfToken}" />
      ${textAreaField({
        id: 'civility-text',
        name: 'text',
        label: 'Try the guard',
        rows: 5,
        maxLength: opts.maxChars,
        required: true,
        value: text,
        error: opts.error,
        alertError: true,
      })}
      <button type="submit">Assess</button>
    </form>
    ${when(
      result,
      () =>
        html`<section class="civility-result" aria-label="Result">
          <dl>
            <dt>Decision</dt>
            <dd class="civility-decision civility-${result!.decision}">${result!.decision}</dd>
            <dt>Score</dt>
            <dd class="civility-score">${result!.score.toFixed(3)}</dd>
            <dt>Labels</dt>
            <dd class="civility-labels">${result!.labels.join(', ') || 'none'}</dd>
          </dl>
          <p class="civility-highlighted">${highlight(text, result!.spans)}</p>
        </section>`,
    )}`;
}

/** The campaign's own thresholds: the one place they are changed (organisers only). */
function thresholdsForm(opts: {
  csrfToken: string;
  thresholds: CivilityThresholds;
  thresholdsError?: string;
  thresholdsInput?: { review: string; block: string };
}): SafeHtml {
  const value = opts.thresholdsInput ?? {
    review: String(opts.thresholds.review),
    block: String(opts.thresholds.block),
  };
  // Both thresholds are scores between 0 and 1; their error is about the pair.
  const threshold = {
    type: 'number',
    min: 0,
    max: 1,
    step: '0.01',
    required: true,
    invalid: Boolean(opts.thresholdsError),
    describedBy: opts.thresholdsError ? 'civility-thresholds-error' : undefined,
  };
  return html`<form method="post" action="/admin/civility/thresholds" class="civility-thresholds">
    <input type="hidden" name="_csrf" value="${opts.csrfToken}" />
    <fieldset>
      <legend>This campaign's thresholds</legend>
      <p class="hint">
        Lower numbers are stricter. Comments, letters, storm posts and outreach emails all use
        these.
      </p>
      ${textField({ ...threshold, id: 'civility-review', name: 'review', label: 'Hold for review at', value: value.review })}
      ${textField({ ...threshold, id: 'civility-block', name: 'block', label: 'Block at', value: value.block })}
      ${errorMessage('civility-thresholds', opts.thresholdsError, { alert: true })}
      <button type="submit">Save thresholds</button>
    </fieldset>
  </form>`;
}
