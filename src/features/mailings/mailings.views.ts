import {
  checkboxField,
  errorSummary,
  formFields,
  postButton,
  selectField,
  textField,
} from '../../infra/html/form-controls.js';
import { badge } from '../../infra/html/format.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import type { AudienceBreakdown } from './audience.js';
import type { DeliveryAudit, AuditGroup } from './delivery-audit.service.js';
import { formatLondon } from '../../infra/clock/london-time.js';
import type { RenderedMessage } from './mail-render.js';
import type { MailingSettings } from './mailing-settings.js';
import { MERGE_FIELDS } from './merge-fields.js';
import type { FieldErrors, Mailing, MailingActions, MailingForm } from './mailings.service.js';
import type { VariantResult } from './subject-test.js';
import type { RecipientStatus } from './mailings.tables.js';
import { ACTION_LINKS, type ActionLink, type LinkChoice } from './action-links.js';

export const adminBase = (m: { id: number }) => `/admin/mailings/${m.id}`;

export function emptyForm(): MailingForm {
  return {
    subject: '',
    preheader: '',
    fromName: '',
    replyTo: '',
    body: '',
    segmentIds: [],
    excludeSegmentIds: [],
    clickTracking: false,
    petitionId: '',
    letterCampaignId: '',
    eventId: '',
    subjectVariants: [],
    testPercent: '',
    testWaitHours: '',
  };
}

const STATUS_TONE = {
  draft: 'plain',
  scheduled: 'warn',
  sending: 'warn',
  sent: 'ok',
  cancelled: 'bad',
  failed: 'bad',
} as const;

export function mailingForm(o: {
  action: string;
  form: MailingForm;
  errors: FieldErrors;
  csrf: string;
  segments: { id: number; name: string; count: number }[];
  /** What each `*_url` merge field can link to, by the form field that holds the choice. */
  actionChoices: Partial<Record<ActionLink['key'], LinkChoice[]>>;
  submitLabel: string;
}): SafeHtml {
  const f = formFields('mailing', o.form, o.errors);
  const options = o.segments.map((s) => ({ value: String(s.id), label: `${s.name} (${s.count})` }));
  return html`${errorSummary(o.errors)}
    <form method="post" action="${o.action}" class="mailing-form">
      ${csrfField(o.csrf)} ${f.text('subject', 'Subject', { required: true, maxLength: 200 })}
      <fieldset class="subject-test">
        <legend>Subject test (optional)</legend>
        <p class="hint">
          Up to two more subject lines go at random to a test slice; after the wait, the one whose
          readers took the most actions goes to everyone else.
        </p>
        ${[0, 1].map((i) =>
          textField({
            id: `mailing-subjectVariants-${i}`,
            name: 'subjectVariants',
            label: `Subject line ${String.fromCharCode(66 + i)}`,
            value: o.form.subjectVariants[i] ?? '',
            maxLength: 200,
            error: i === 0 ? o.errors.subjectVariants : undefined,
          }),
        )}
        ${f.text('testPercent', 'Test slice (% of the audience)', {
          type: 'number',
          hint: 'From 1 to 50, e.g. 10: split at random across the subject lines.',
        })}
        ${f.text('testWaitHours', 'Wait before choosing (hours)', {
          type: 'number',
          hint: 'From 1 to 72; 4 when left empty.',
        })}
      </fieldset>
      ${f.text('preheader', 'Preheader', {
        hint: 'The line inboxes show after the subject.',
        maxLength: 200,
      })}
      ${f.text('fromName', 'From name', {
        hint: 'e.g. "Ada at Save Our Libraries". The address stays the campaign\u2019s own.',
        required: true,
        maxLength: 80,
      })}
      ${f.text('replyTo', 'Reply-To address', { type: 'email', hint: 'Optional.' })}
      ${f.textArea('body', 'Message (Markdown)', {
        rows: 14,
        hint: html`Merge fields:
          ${Object.keys(MERGE_FIELDS).map((k, i) => html`${i ? ', ' : ''}<code>{{${k}}}</code>`)};
          give a fallback with <code>{{first_name|friend}}</code>.`,
      })}
      ${ACTION_LINKS.map((link) =>
        selectField({
          id: `mailing-${link.key}`,
          name: link.key,
          label: `${link.noun[0]!.toUpperCase()}${link.noun.slice(1)} for {{${link.field}}}`,
          options: (o.actionChoices[link.key] ?? []).map((c) => ({
            value: String(c.id),
            label: c.label,
          })),
          value: o.form[link.key],
          emptyOption: 'None',
          error: o.errors[link.key],
          hint: 'The link carries this mailing’s source, so actions from it are counted here.',
        }),
      )}
      ${selectField({
        id: 'mailing-segmentIds',
        name: 'segmentIds',
        label: 'Send to these segments',
        options,
        value: o.form.segmentIds,
        multiple: true,
        size: Math.min(8, Math.max(3, options.length)),
        error: o.errors.segmentIds,
        hint: options.length
          ? 'Hold Ctrl (or ⌘) to choose several.'
          : 'Save a segment on the People page first.',
      })}
      ${selectField({
        id: 'mailing-excludeSegmentIds',
        name: 'excludeSegmentIds',
        label: 'Leave out these segments',
        options,
        value: o.form.excludeSegmentIds,
        multiple: true,
        size: Math.min(8, Math.max(3, options.length)),
        error: o.errors.excludeSegmentIds,
      })}
      ${checkboxField({
        name: 'clickTracking',
        id: 'mailing-clickTracking',
        label: 'Count clicks (links go through a signed redirect)',
        checked: o.form.clickTracking,
        hint: 'Off by default. Opens are never tracked.',
      })}
      <button type="submit">${o.submitLabel}</button>
    </form>`;
}

export function listPage(o: {
  mailings: Mailing[];
  canEdit: boolean;
  suppressed: Record<string, number>;
}): SafeHtml {
  return html`<p>
      ${o.canEdit ? html`<a class="button" href="/admin/mailings/new">New mailing</a>` : ''}
      <a href="/admin/mailings/settings">Sending settings</a> ·
      <a href="/admin/mailings/bounces">Suppression list and bounce upload</a>
    </p>
    <p>
      Never mailed: ${o.suppressed.unsubscribed ?? 0} unsubscribed, ${o.suppressed.bounced ?? 0}
      bounced, ${o.suppressed.complained ?? 0} complained.
    </p>
    ${dataTable({
      rows: o.mailings,
      empty: 'No mailings yet. Write the first one to the supporters you gathered.',
      columns: [
        {
          label: 'Subject',
          rowHeader: true,
          cell: (m) => html`<a href="${adminBase(m)}">${m.subject}</a>`,
        },
        { label: 'Status', cell: (m) => badge(m.status, STATUS_TONE[m.status]) },
        {
          label: 'When',
          cell: (m) =>
            m.finishedAt
              ? formatLondon(m.finishedAt)
              : m.scheduledAt
                ? formatLondon(m.scheduledAt)
                : '',
        },
      ],
    })}`;
}

export function breakdownTable(b: AudienceBreakdown): SafeHtml {
  const rows: [string, number][] = [
    ['In the chosen segments', b.inSegments],
    ['Left out by exclusion segments', -b.excluded],
    ['No current email consent', -b.noConsent],
    ['Suppressed (unsubscribed, bounced, complained)', -b.suppressed],
    ['Mailed too often recently (frequency cap)', -b.capped],
    ['Malformed address (skipped, listed below)', -b.malformed],
  ];
  return html`<table class="audience-breakdown">
      <tbody>
        ${rows.map(
          ([label, n]) =>
            html`<tr>
              <th scope="row">${label}</th>
              <td class="num">${n < 0 ? `− ${-n}` : n}</td>
            </tr>`,
        )}
        <tr class="total">
          <th scope="row">Will receive it</th>
          <td class="num" data-recipients>${b.recipients}</td>
        </tr>
      </tbody>
    </table>
    ${
      b.malformedAddresses.length
        ? html`<details>
            <summary>Malformed addresses (${b.malformed})</summary>
            <ul>
              ${b.malformedAddresses.map((a) => html`<li><code>${a}</code></li>`)}
            </ul>
          </details>`
        : ''
    }`;
}

const REPORT_ORDER: RecipientStatus[] = [
  'held',
  'queued',
  'sending',
  'handed_off',
  'sent',
  'failed',
  'bounced',
  'complained',
  'unsubscribed',
  'skipped',
  'cancelled',
];

/**
 * The preview frame inherits the admin pages' CSP (no inline styles), so the few the message
 * carries for mail clients (the hidden preheader, the footer's grey) are left out of the preview.
 */
function withoutInlineStyles(markup: string): string {
  return markup.replace(/ style="[^"]*"/g, '');
}

export function detailPage(o: {
  mailing: Mailing;
  csrf: string;
  canEdit: boolean;
  breakdown: AudienceBreakdown | null;
  breakdownError: string | null;
  counts: Partial<Record<RecipientStatus, number>>;
  clicks: number;
  actions: MailingActions[];
  subjectTest: VariantResult[];
  preview: { as: string; message: RenderedMessage } | { as: string; error: string } | null;
  failures: { email: string; status: string; response: string | null }[];
}): SafeHtml {
  const m = o.mailing;
  const base = adminBase(m);
  const draft = m.status === 'draft';
  return html`<p>
      ${badge(m.status, STATUS_TONE[m.status])}
      ${m.scheduledAt && m.status === 'scheduled' ? html` for ${formatLondon(m.scheduledAt)} (UK time)` : ''}
      ${m.error ? html`<span class="error">${m.error}</span>` : ''}
    </p>
    <dl>
      <dt>Subject</dt>
      <dd data-subject>${m.subject}</dd>
      <dt>From</dt>
      <dd>${m.fromName}</dd>
      ${
        m.replyTo
          ? html`<dt>Reply-To</dt>
              <dd>${m.replyTo}</dd>`
          : ''
      }
      <dt>Click tracking</dt>
      <dd>
        ${m.clickTracking ? 'On: links go through signed redirects that count clicks.' : 'Off (opens are never tracked).'}
      </dd>
    </dl>
    ${o.canEdit && draft ? html`<p><a class="button secondary" href="${base}/edit">Edit</a></p>` : ''}

    <h2>Audience</h2>
    ${o.breakdownError ? html`<p class="error" role="alert">${o.breakdownError}</p>` : ''}
    ${o.breakdown ? breakdownTable(o.breakdown) : ''}

    <h2>Preview</h2>
    <form method="get" action="${base}" class="inline-form">
      ${textField({ id: 'preview-as', name: 'as', label: 'Preview as (email of a supporter)', value: o.preview?.as ?? '', type: 'email' })}
      <button type="submit" class="secondary">Preview</button>
    </form>
    ${
      o.preview && 'message' in o.preview
        ? html`<section class="mail-preview" data-preview>
            <p>
              <strong>Subject:</strong>
              <span data-preview-subject>${o.preview.message.subject}</span>
            </p>
            <iframe
              title="HTML part"
              sandbox=""
              srcdoc="${withoutInlineStyles(o.preview.message.html)}"
              class="mail-preview-html"
            ></iframe>
            <details>
              <summary>Plain-text part</summary>
              <pre>${o.preview.message.text}</pre>
            </details>
          </section>`
        : o.preview
          ? html`<p class="error" role="alert">${o.preview.error}</p>`
          : ''
    }
    ${
      o.canEdit && draft
        ? html`<h2>Test send</h2>
            <form method="post" action="${base}/test" class="inline-form">
              ${csrfField(o.csrf)}
              ${textField({ id: 'test-to', name: 'to', label: 'Staff addresses (comma-separated)', hint: 'Only staff accounts can receive test sends.' })}
              <button type="submit" class="secondary">Send test</button>
            </form>
            <h2>Send</h2>
            <form method="post" action="${base}/schedule">
              ${csrfField(o.csrf)}
              ${textField({ id: 'schedule-when', name: 'when', type: 'datetime-local', label: 'Send at (UK time)', hint: 'Leave empty to send now.' })}
              <button type="submit">Schedule or send now</button>
            </form>`
        : ''
    }
    ${
      o.canEdit && (m.status === 'scheduled' || m.status === 'sending')
        ? postButton({
            action: `${base}/cancel`,
            csrf: o.csrf,
            label: 'Cancel the rest',
            buttonClass: 'danger',
          })
        : ''
    }
    ${
      draft
        ? ''
        : html`<h2>Report</h2>
            <table class="mailing-report">
              <tbody>
                ${REPORT_ORDER.filter((s) => o.counts[s]).map(
                  (s) =>
                    html`<tr>
                      <th scope="row">${s}</th>
                      <td class="num" data-count="${s}">${o.counts[s] ?? 0}</td>
                    </tr>`,
                )}
                ${
                  m.clickTracking
                    ? html`<tr>
                        <th scope="row">clicked</th>
                        <td class="num">${o.clicks}</td>
                      </tr>`
                    : ''
                }
              </tbody>
            </table>
            <p>
              ${m.clickTracking ? 'Clicks are counted through signed redirect links.' : 'Click tracking is off for this mailing; opens are never tracked.'}
              Links to this site carry <code>source=mailing-${m.id}</code>.
            </p>
            ${subjectTestReport(m, o.subjectTest)}
            <h3>Actions taken from this mailing</h3>
            ${
              o.actions.length === 0
                ? html`<p>No feature records actions with a source.</p>`
                : html`<table class="mailing-actions">
                    <tbody>
                      ${o.actions.map(
                        (a) =>
                          html`<tr>
                            <th scope="row">${a.label}</th>
                            <td class="num" data-actions="${a.kind}">${a.n}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`
            }
            <p>
              <a href="${base}/audit">Delivery audit</a>
              ${m.auditPublic ? html` · public at <a href="/mailings/${m.id}/audit">/mailings/${m.id}/audit</a>` : ''}
            </p>
            ${
              o.canEdit
                ? postButton({
                    action: `${base}/audit-visibility`,
                    csrf: o.csrf,
                    label: m.auditPublic
                      ? 'Unpublish the public audit'
                      : 'Publish a count-only audit',
                    fields: { public: m.auditPublic ? '0' : '1' },
                    buttonClass: 'secondary',
                  })
                : ''
            }
            ${
              o.failures.length
                ? html`<h3>Not delivered</h3>
                    ${dataTable({
                      rows: o.failures,
                      columns: [
                        { label: 'Address', cell: (r) => r.email },
                        { label: 'Status', cell: (r) => r.status },
                        { label: 'Server said', cell: (r) => r.response ?? '' },
                      ],
                    })}`
                : ''
            }`
    }`;
}

function groupTable(
  caption: string,
  groups: AuditGroup[],
  total: number,
  withNote = false,
): SafeHtml {
  return dataTable({
    caption,
    rows: groups,
    empty: `${caption}: nobody yet.`,
    columns: [
      { label: 'Group', rowHeader: true, cell: (g) => g.label },
      {
        label: 'Recipients',
        numeric: true,
        cell: (g) => (g.note === 'fewer than 10' ? 'fewer than 10' : g.count),
      },
      {
        label: 'Share',
        numeric: true,
        cell: (g) => (total && g.count ? `${Math.round((g.count / total) * 100)}%` : ''),
      },
      withNote && {
        label: 'Seat',
        cell: (g) => (g.note === 'fewer than 10' ? '' : (g.note ?? '')),
      },
    ],
  });
}

export function auditBody(a: DeliveryAudit, opts: { isPublic: boolean }): SafeHtml {
  return html`${a.warnings.map((w) => html`<p class="warning" role="alert" data-audit-warning>${w}</p>`)}
    <p>
      Computed from who actually received the mailing, not from the segment it was meant for.
      ${opts.isPublic ? 'Counts only; groups smaller than 10 are merged into "Other".' : ''}
    </p>
    <p>
      <strong data-delivered>${a.delivered}</strong> recipients ·
      <span data-insider-share>${Math.round(a.insiderShare * 100)}%</span> tagged staff, officer or
      donor ·
      ${a.targetSeatShare === null ? 'no constituency data' : html`<span data-target-share>${Math.round(a.targetSeatShare * 100)}%</span> in target (marginal) seats`}
    </p>
    ${groupTable('By tag', a.byTag, a.delivered)}
    ${groupTable('By region', a.byRegion, a.delivered)}
    ${groupTable('By constituency', a.byConstituency, a.delivered, true)}
    ${groupTable('By when they joined', a.byJoinAge, a.delivered)}`;
}

export function settingsForm(o: {
  settings: MailingSettings;
  csrf: string;
  error?: string;
}): SafeHtml {
  const s = o.settings;
  return html`${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
    <form method="post" action="/admin/mailings/settings">
      ${csrfField(o.csrf)}
      ${textField({ id: 's-capCount', name: 'capCount', type: 'number', label: 'Frequency cap: at most this many mailings per person', value: s.capCount, hint: '0 turns the cap off.' })}
      ${textField({ id: 's-capDays', name: 'capDays', type: 'number', label: '… within this many days', value: s.capDays })}
      ${textField({ id: 's-perMinute', name: 'perMinute', type: 'number', label: 'Throttle: messages per minute', value: s.perMinute })}
      ${textField({ id: 's-softBounceLimit', name: 'softBounceLimit', type: 'number', label: 'Suppress an address after this many soft bounces', value: s.softBounceLimit })}
      <button type="submit">Save settings</button>
    </form>`;
}

export function refusal(message: string, back: string): SafeHtml {
  return html`<p class="error" role="alert">${message}</p>
    <p><a href="${back}">Back to the mailing</a></p>`;
}

/** A subject test's lines: sent, actions, and the winner once chosen (or when it will be). */
function subjectTestReport(m: Mailing, results: VariantResult[]): SafeHtml | '' {
  if (results.length === 0) return '';
  return html`<h3>Subject test</h3>
    <p data-subject-test>
      ${m.testPercent}% of the audience got one of ${results.length} subject lines at random.
      ${
        m.testWinner
          ? html`Winner:
              <strong data-winner="${m.testWinner}">subject ${m.testWinner.toUpperCase()}</strong>
              (most actions taken; a tie goes to the line sent to more people), sent to the rest.`
          : m.testDecideAt
            ? html`The line with the most actions goes to the rest at
              ${formatLondon(m.testDecideAt)} (UK time).`
            : html`The test starts when the mailing is sent.`
      }
    </p>
    <table class="mailing-subject-test">
      <thead>
        <tr>
          <th scope="col">Subject</th>
          <th scope="col">Line</th>
          <th scope="col" class="num">Sent</th>
          <th scope="col" class="num">Actions</th>
        </tr>
      </thead>
      <tbody>
        ${results.map(
          (r) =>
            html`<tr data-variant="${r.variant}">
              <th scope="row">
                ${r.variant.toUpperCase()}${m.testWinner === r.variant ? ' (winner)' : ''}
              </th>
              <td>${r.subject}</td>
              <td class="num" data-variant-sent>${r.sent}</td>
              <td class="num" data-variant-actions>${r.actions}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
