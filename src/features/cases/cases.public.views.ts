import { type SafeHtml, csrfField, html, when } from '../../infra/html/html.js';
import { errorSummary, textAreaField } from '../../infra/html/form-controls.js';
import {
  CATEGORY_LABELS,
  REASONS_MAX_LENGTH,
  SUMMARY_MAX_LENGTH,
  TRANSPARENCY_MIN_GROUP,
} from './cases.rules.js';
import type { CaseRow } from './cases.repository.js';
import { type ComplaintFormValues, complaintFields } from './cases.views.js';
import type { Count, Quarter } from './transparency.service.js';

export function complaintPage(o: {
  csrf: string;
  form: ComplaintFormValues;
  errors: Record<string, string>;
  error?: string | undefined;
}): SafeHtml {
  return html`<h1>Make a complaint about someone’s conduct</h1>
    <p>
      Tell us about a supporter, volunteer or commenter who abused, harassed or bullied someone in
      our name. A caseworker with no connection to either of you handles it; the person complained
      about is told what is alleged and can reply before any decision. See how we handle complaints
      in the <a href="/transparency">transparency report</a>.
    </p>
    ${errorSummary(o.errors)}
    ${when(o.error, () => html`<p class="flash flash-error" role="alert">${o.error ?? ''}</p>`)}
    <form class="stack" method="post" action="/complaints" enctype="multipart/form-data">
      ${csrfField(o.csrf)} ${complaintFields(o.form, o.errors, 'public')}
      <button type="submit">Send the complaint</button>
    </form>`;
}

export function checkEmailPage(): SafeHtml {
  return html`<section class="notice">
    <h1>Check your email</h1>
    <p>We sent you a link. Your complaint counts once you press the button on the page it opens.</p>
  </section>`;
}

export function respondPage(o: {
  c: CaseRow;
  csrf: string;
  error?: string | undefined;
  done?: boolean;
}): SafeHtml {
  const { c } = o;
  const open = c.status === 'investigating';
  return html`<h1>A complaint about your conduct (case ${c.id})</h1>
    <p>
      Category: ${CATEGORY_LABELS[c.category]}.
      ${c.complainant_anonymous || !c.complainant_name ? 'The complainant asked not to be named to you.' : `Made by ${c.complainant_name}.`}
    </p>
    <h2>What is alleged</h2>
    <blockquote>${c.summary}</blockquote>
    ${when(o.done, () => html`<p class="flash flash-success" role="status">Thank you: your reply is part of the case.</p>`)}
    ${when(o.error, () => html`<p class="flash flash-error" role="alert">${o.error ?? ''}</p>`)}
    ${
      open
        ? html`<form class="stack" method="post" action="">
            ${csrfField(o.csrf)}
            ${c.reply_due_at ? html`<p>You can reply until ${c.reply_due_at.slice(0, 10)}.</p>` : ''}
            ${textAreaField({ id: 'reply', name: 'reply', label: 'Your reply', rows: 8, maxLength: SUMMARY_MAX_LENGTH, required: true })}
            <button type="submit">Send my reply</button>
          </form>`
        : html`<p>Replies are closed for this case.</p>`
    }`;
}

export function appealPage(o: {
  c: CaseRow;
  csrf: string;
  error?: string | undefined;
  done?: boolean;
}): SafeHtml {
  const { c } = o;
  return html`<h1>Appeal the decision on case ${c.id}</h1>
    <p>Reasons given: ${c.outcome_reasons ?? ''}</p>
    ${when(o.done, () => html`<p class="flash flash-success" role="status">Your appeal is recorded. Someone who took no part will review it.</p>`)}
    ${when(o.error, () => html`<p class="flash flash-error" role="alert">${o.error ?? ''}</p>`)}
    ${
      c.status === 'appeal_window'
        ? html`<form class="stack" method="post" action="">
            ${csrfField(o.csrf)}
            ${textAreaField({ id: 'grounds', name: 'grounds', label: 'Why the decision is wrong', rows: 6, maxLength: REASONS_MAX_LENGTH, required: true })}
            <button type="submit">Appeal</button>
          </form>`
        : html`<p>This case can no longer be appealed.</p>`
    }`;
}

const show = (n: Count) => (n === 'fewer' ? `fewer than ${TRANSPARENCY_MIN_GROUP}` : String(n));

export function transparencyPage(quarters: Quarter[]): SafeHtml {
  return html`<h1>How we handle complaints about conduct</h1>
    <p>
      Every complaint goes through the same steps: acknowledged, investigated by someone with no
      connection to it, the person complained about told and able to reply, a decision with reasons
      (above a warning, confirmed by a second person), and an appeal to someone who took no part.
      These figures are counts only; groups under ${TRANSPARENCY_MIN_GROUP} are merged so that no
      figure points at anyone. Each complaint is counted in the quarter it was received, and so are
      its decision and any appeal.
    </p>
    <p><a href="/complaints/new">Make a complaint</a></p>
    ${
      quarters.length === 0
        ? html`<p>No complaints have been received yet.</p>`
        : quarters.map(
            (q) =>
              html`<section class="quarter" data-quarter="${q.quarter}">
                <h2>${q.quarter}</h2>
                <dl class="details">
                  <dt>Complaints received</dt>
                  <dd data-figure="received">${show(q.received)}</dd>
                  <dt>Decisions made</dt>
                  <dd data-figure="decided">${show(q.decided)}</dd>
                  <dt>Median days to decision</dt>
                  <dd data-figure="median">
                    ${q.medianDaysToDecision ?? 'not shown (too few decisions)'}
                  </dd>
                  <dt>Appeals</dt>
                  <dd data-figure="appeals">${show(q.appeals)}</dd>
                </dl>
                <h3>By category</h3>
                <ul>
                  ${q.byCategory.map(([label, n]) => html`<li>${label}: ${show(n)}</li>`)}
                </ul>
                <h3>Outcomes</h3>
                ${
                  q.outcomes.length === 0
                    ? html`<p>No decisions yet.</p>`
                    : html`<ul>
                        ${q.outcomes.map(([label, n]) => html`<li>${label}: ${show(n)}</li>`)}
                      </ul>`
                }
              </section>`,
          )
    }`;
}
