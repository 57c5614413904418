import { errorMessage, textAreaField, textField } from '../../infra/html/form-controls.js';
import { type SafeHtml, html, when } from '../../infra/html/html.js';
import type { CivilityThresholds } from './civility.config.js';
import type { CalibrationView } from './civility-learning.service.js';
import type { CivilityAssessment, CivilityReason, CivilitySpan } from './civility.service.js';

/**
 * Why the guard held or blocked a text, one line per rule: shown to the writer on a block and to
 * the moderator on a hold. Empty when there is nothing to explain.
 */
export function civilityReasons(reasons: readonly CivilityReason[] | undefined): SafeHtml {
  if (!reasons || reasons.length === 0) return html``;
  return html`<ul class="civility-reasons">
    ${reasons.map(
      (r) =>
        html`<li>
          <strong>${r.label}</strong>:
          ${r.rule}${when(
            r.target && !r.rule.includes(r.target),
            () => html`, aimed at ${r.target}`,
          )}
          (<q>${r.words}</q>)
        </li>`,
    )}
  </ul>`;
}

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
  learning: { counts: { approve: number; reject: number }; calibration?: CalibrationView };
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
          ${civilityReasons(result!.reasons)}
        </section>`,
    )}
    ${learningSection(opts)}`;
}

/** Learning from the campaign's moderators: what there is to learn from, what is in force. */
function learningSection(opts: {
  csrfToken: string;
  canEditThresholds: boolean;
  learning: { counts: { approve: number; reject: number }; calibration?: CalibrationView };
}): SafeHtml {
  const { counts, calibration } = opts.learning;
  const total = counts.approve + counts.reject;
  return html`<section id="learning" class="civility-learning" aria-labelledby="learning-title">
    <h2 id="learning-title">Learn from our decisions</h2>
    ${
      total === 0
        ? html`<p class="civility-examples-empty">
            No moderator decisions yet. Each time a moderator approves or rejects a held or reported
            comment, it is kept here as an example.
          </p>`
        : html`<p class="civility-examples">
            ${total} moderator decisions kept: ${counts.approve} approved, ${counts.reject}
            rejected.
          </p>`
    }
    ${
      calibration
        ? html`<p class="civility-calibration">
              In force since ${calibration.createdAt.slice(0, 10)}: a calibration learnt from
              ${calibration.examples} decisions (slope ${calibration.slope}, intercept
              ${calibration.intercept}).
            </p>
            <table class="civility-figures">
              <thead>
                <tr>
                  <th scope="col">Measured on</th>
                  <th scope="col">Before</th>
                  <th scope="col">After</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Our decisions (${calibration.figures.decisions.examples})</th>
                  <td>${calibration.figures.decisions.agreedBefore} agreed</td>
                  <td>${calibration.figures.decisions.agreedAfter} agreed</td>
                </tr>
                <tr>
                  <th scope="row">Functional suite (${calibration.figures.suite.cases} cases)</th>
                  <td>${calibration.figures.suite.rightBefore} right</td>
                  <td>${calibration.figures.suite.rightAfter} right</td>
                </tr>
              </tbody>
            </table>`
        : html`<p class="civility-calibration-none">No learnt calibration is in force.</p>`
    }
    ${when(
      opts.canEditThresholds,
      () =>
        html`<form method="post" action="/admin/civility/learn" class="civility-learn">
            <input type="hidden" name="_csrf" value="${opts.csrfToken}" />
            <button type="submit">Learn from our decisions</button>
          </form>
          ${when(
            calibration,
            () =>
              html`<form method="post" action="/admin/civility/rollback" class="civility-rollback">
                <input type="hidden" name="_csrf" value="${opts.csrfToken}" />
                <button type="submit">Roll back the learnt calibration</button>
              </form>`,
          )}`,
    )}
  </section>`;
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
