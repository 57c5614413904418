import {
  errorNotice,
  errorSummary,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import type { CivilityAssessment } from '../civility/civility.service.js';
import { highlight } from '../civility/civility.views.js';
import type { RenderedRequest } from './outreach.request.js';
import type { Errors } from './outreach.rules.js';
import { personLabel } from './outreach.service.js';
import {
  CAMPAIGN_NAME_MAX_LENGTH,
  PLACEHOLDERS,
  type RequestTemplate,
  SUBJECT_MAX_LENGTH,
  TEMPLATE_BODY_MAX_LENGTH,
} from './outreach.template.js';
import { BASE, SERVICE_MESSAGE_NOTE, caseHref, formatWhen, subNav } from './outreach.views.js';

// ---- preview -----------------------------------------------------------------------------------

export function previewPage(opts: {
  caseId: number;
  request: RenderedRequest;
  csrf: string;
  error?: string | undefined;
}): SafeHtml {
  const { request } = opts;
  const passes = request.assessment.decision === 'allow';
  const consent =
    request.emailConsent === 'granted'
      ? 'has agreed to campaign emails'
      : request.emailConsent === 'withdrawn'
        ? 'has withdrawn consent to campaign emails'
        : 'has never given consent to campaign emails';
  return html`${errorNotice(opts.error)}
    <p><a href="${caseHref(opts.caseId)}">Back to case #${opts.caseId}</a></p>
    <dl class="details outreach-details">
      <dt>To</dt>
      <dd>${personLabel(request.person)} &lt;${request.to}&gt;</dd>
      <dt>Subject</dt>
      <dd>${request.subject}</dd>
    </dl>
    <pre class="outreach-email">${request.text}</pre>
    <p class="notice">${SERVICE_MESSAGE_NOTE} (For your information: this supporter ${consent}.)</p>
    ${
      passes
        ? html`<p role="status">
              The civility guard allows this email (score ${request.assessment.score.toFixed(2)}).
            </p>
            <form method="post" action="${caseHref(opts.caseId)}/send" class="stack">
              ${csrfField(opts.csrf)}
              <p><button type="submit">Send this request</button></p>
            </form>`
        : html`<div class="flash flash-error" role="alert">
              <p>
                This email does not pass the civility guard (${request.assessment.decision}, score
                ${request.assessment.score.toFixed(2)}), so it cannot be sent. Edit the
                <a href="${BASE}/template">request template</a>.
              </p>
            </div>
            <blockquote class="civility-highlighted">
              <pre>
${highlight(`${request.subject}\n\n${request.text}`, request.assessment.spans)}</pre>
            </blockquote>`
    }`;
}

// ---- template ----------------------------------------------------------------------------------

export function templatePage(opts: {
  template: RequestTemplate & { savedAt: string | null };
  canModerate: boolean;
  csrf: string;
  errors?: Errors;
  /** The sample the guard refused, to show which words it flagged. */
  checked?: { text: string; assessment: CivilityAssessment } | undefined;
}): SafeHtml {
  const t = opts.template;
  const e = opts.errors ?? {};
  const placeholderList = html`<ul class="outreach-placeholders">
    ${PLACEHOLDERS.map((p) => html`<li><code>{{${p}}}</code></li>`)}
  </ul>`;
  const intro = html`${subNav(`${BASE}/template`)}
    <p class="hint">
      The email a moderator sends, after previewing it, to one supporter about one post. It is never
      shown publicly. ${SERVICE_MESSAGE_NOTE}
    </p>
    <p>
      ${
        t.savedAt
          ? html`Last saved ${formatWhen(t.savedAt)}.`
          : 'This is the default wording: nobody has edited it yet.'
      }
    </p>`;
  if (!opts.canModerate)
    return html`${intro}
      <dl class="details outreach-details">
        <dt>Signed as</dt>
        <dd>${t.campaignName}</dd>
        <dt>Subject</dt>
        <dd>${t.subject}</dd>
      </dl>
      <pre class="outreach-email">${t.body}</pre>`;
  return html`${intro} ${errorSummary(e)}
    ${
      opts.checked
        ? html`<blockquote class="civility-highlighted">
            <pre>${highlight(opts.checked.text, opts.checked.assessment.spans)}</pre>
          </blockquote>`
        : ''
    }
    <form method="post" action="${BASE}/template" class="stack">
      ${csrfField(opts.csrf)}
      ${textField({
        id: 'ot-campaignName',
        name: 'campaignName',
        label: 'Campaign name',
        required: true,
        maxLength: CAMPAIGN_NAME_MAX_LENGTH,
        value: t.campaignName,
        error: e.campaignName,
      })}
      ${textField({
        id: 'ot-subject',
        name: 'subject',
        label: 'Subject',
        required: true,
        maxLength: SUBJECT_MAX_LENGTH,
        value: t.subject,
        error: e.subject,
      })}
      ${textAreaField({
        id: 'ot-body',
        name: 'body',
        label: 'Request',
        hint: 'Placeholders filled in for each case (the post excerpt has the words the guard flagged left out):',
        afterHint: placeholderList,
        rows: 18,
        required: true,
        maxLength: TEMPLATE_BODY_MAX_LENGTH,
        value: t.body,
        error: e.body ?? e.placeholders,
      })}
      <p><button type="submit">Save the template</button></p>
    </form>`;
}
