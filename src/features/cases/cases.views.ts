import { type SafeHtml, csrfField, html, when } from '../../infra/html/html.js';
import {
  checkboxField,
  errorSummary,
  postButton,
  selectField,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { badge, utcTime } from '../../infra/html/format.js';
import { pagination } from '../../infra/html/pagination.js';
import { dataTable } from '../../infra/html/tables.js';
import type { CaseView } from './case-view.service.js';
import type { CaseRow } from './cases.repository.js';
import {
  CATEGORY_LABELS,
  EVIDENCE_MAX_BYTES,
  LINKS_MAX,
  OUTCOME_LABELS,
  STATUS_LABELS,
  SUMMARY_MAX_LENGTH,
  needsSecondPerson,
} from './cases.rules.js';
import type { CaseSettings } from './cases.settings.js';
import { CASE_STATUSES, CATEGORIES, OUTCOMES, type CaseStatus } from './cases.tables.js';

export const BASE = '/admin/cases';
export const caseHref = (id: number) => `${BASE}/${id}`;
const ACCEPT = 'image/jpeg,image/png,image/gif,image/webp,application/pdf';

export interface ComplaintFormValues {
  name: string;
  email: string;
  category: string;
  respondentName: string;
  respondentEmail: string;
  summary: string;
  quoted: string;
  links: string;
  anonymous: boolean;
}

export const emptyComplaint = (): ComplaintFormValues => ({
  name: '',
  email: '',
  category: '',
  respondentName: '',
  respondentEmail: '',
  summary: '',
  quoted: '',
  links: '',
  anonymous: false,
});

/** The complaint's fields, shared by the public form and the staff "open a case" form. */
export function complaintFields(
  form: ComplaintFormValues,
  errors: Record<string, string>,
  who: 'public' | 'staff',
): SafeHtml {
  return html`${textField({
    id: 'c-name',
    name: 'name',
    label: who === 'public' ? 'Your name (optional)' : 'Complainant’s name (optional)',
    value: form.name,
    error: errors.name,
  })}
  ${textField({
    id: 'c-email',
    name: 'email',
    type: 'email',
    label: who === 'public' ? 'Your email address' : 'Complainant’s email (optional)',
    hint:
      who === 'public'
        ? 'We email you a link: the complaint counts once you press the button it opens.'
        : undefined,
    required: who === 'public',
    value: form.email,
    error: errors.email,
  })}
  ${selectField({
    id: 'c-category',
    name: 'category',
    label: 'What is it about?',
    options: CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] })),
    emptyOption: 'Choose…',
    value: form.category,
    required: true,
    error: errors.category,
  })}
  ${textField({
    id: 'c-respondent',
    name: 'respondentName',
    label: 'Who is the complaint about?',
    required: true,
    value: form.respondentName,
    error: errors.respondentName,
  })}
  ${textField({
    id: 'c-respondent-email',
    name: 'respondentEmail',
    type: 'email',
    label: 'Their email address, if you know it (optional)',
    hint: 'They will be told what is alleged and can reply before any decision.',
    value: form.respondentEmail,
    error: errors.respondentEmail,
  })}
  ${textAreaField({
    id: 'c-summary',
    name: 'summary',
    label: 'What happened?',
    rows: 6,
    maxLength: SUMMARY_MAX_LENGTH,
    required: true,
    value: form.summary,
    error: errors.summary,
  })}
  ${textAreaField({
    id: 'c-quoted',
    name: 'quoted',
    label: 'Words they used, quoted exactly (optional)',
    rows: 3,
    maxLength: SUMMARY_MAX_LENGTH,
    value: form.quoted,
    error: errors.quoted,
  })}
  ${textAreaField({
    id: 'c-links',
    name: 'links',
    label: `Links to posts or pages (optional, one per line, at most ${LINKS_MAX})`,
    rows: 3,
    value: form.links,
    error: errors.links,
  })}
  ${textField({
    id: 'c-file',
    name: 'file',
    type: 'file',
    accept: ACCEPT,
    label: `A screenshot or PDF (optional, at most ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB)`,
    error: errors.file,
  })}
  ${checkboxField({
    name: 'anonymous',
    id: 'c-anonymous',
    label: 'Do not tell the person complained about who complained',
    checked: form.anonymous,
  })}`;
}

export function newCasePage(o: {
  csrf: string;
  form: ComplaintFormValues;
  errors: Record<string, string>;
  source: string;
  sourceRef: string;
  respondentPersonId?: number | undefined;
  error?: string | undefined;
}): SafeHtml {
  return html`${errorSummary(o.errors)}
    ${when(o.error, () => html`<p class="flash flash-error" role="alert">${o.error ?? ''}</p>`)}
    <form class="stack" method="post" action="${BASE}" enctype="multipart/form-data">
      ${csrfField(o.csrf)}
      <input type="hidden" name="source" value="${o.source}" />
      <input type="hidden" name="sourceRef" value="${o.sourceRef}" />
      ${when(
        o.respondentPersonId,
        () =>
          html`<input
            type="hidden"
            name="respondentPersonId"
            value="${o.respondentPersonId ?? ''}"
          />`,
      )}
      ${when(o.sourceRef, () => html`<p>Opened from ${o.source} ${o.sourceRef}.</p>`)}
      ${complaintFields(o.form, o.errors, 'staff')}
      <button type="submit">Open the case</button>
    </form>`;
}

function statusBadge(c: Pick<CaseRow, 'status' | 'next_due_at'>, now: string): SafeHtml {
  const late = c.status !== 'closed' && c.next_due_at !== null && c.next_due_at < now;
  return html`${badge(STATUS_LABELS[c.status], c.status === 'closed' ? 'ok' : 'plain')}
  ${late ? badge('late', 'bad') : ''}`;
}

export function listPage(o: {
  items: CaseRow[];
  total: number;
  page: number;
  pageCount: number;
  status: CaseStatus | undefined;
  late: boolean;
  now: string;
  isOwner: boolean;
}): SafeHtml {
  const filters = [
    html`<a href="${BASE}" ${!o.status && !o.late ? html`aria-current="page"` : ''}>All</a>`,
    html`<a href="${BASE}?late=1" ${o.late ? html`aria-current="page"` : ''}>Late</a>`,
    ...CASE_STATUSES.filter((s) => s !== 'unconfirmed').map(
      (s) =>
        html`<a href="${BASE}?status=${s}" ${o.status === s ? html`aria-current="page"` : ''}
          >${STATUS_LABELS[s]}</a
        >`,
    ),
  ];
  return html`<p>
      <a class="button" href="${BASE}/new">Open a case</a>
      ${when(o.isOwner, () => html`<a class="button secondary" href="${BASE}/settings">Settings and retention</a>`)}
      <a class="button secondary" href="/transparency">Public transparency report</a>
    </p>
    <nav class="filters" aria-label="Filter cases">${filters}</nav>
    ${dataTable({
      caption: o.late ? 'Late cases: a deadline we owe has passed' : undefined,
      columns: [
        {
          label: 'Case',
          rowHeader: true,
          cell: (c) => html`<a href="${caseHref(c.id)}">#${c.id}</a>`,
        },
        { label: 'Category', cell: (c) => CATEGORY_LABELS[c.category] },
        { label: 'About', cell: (c) => c.respondent_name },
        { label: 'Status', cell: (c) => statusBadge(c, o.now) },
        {
          label: 'Next deadline',
          cell: (c) =>
            c.next_due_at ? html`${c.next_due_what ?? ''} by ${utcTime(c.next_due_at)}` : '',
        },
        { label: 'Received', cell: (c) => (c.received_at ? utcTime(c.received_at) : '') },
      ],
      rows: o.items,
      empty: o.late
        ? 'No case is late.'
        : 'No cases yet. Complaints arrive through /complaints/new.',
    })}
    ${pagination({ page: o.page, pageCount: o.pageCount, href: (p) => `${BASE}?page=${p}${o.status ? `&status=${o.status}` : ''}${o.late ? '&late=1' : ''}` })}`;
}

const name = (v: CaseView, id: number | null) =>
  id === null ? 'the public' : (v.names.get(id) ?? `Staff member ${id}`);

/** Steps without a staff member were taken by a party through their emailed link. */
function stepBy(v: CaseView, e: { actor_id: number | null; kind: string }): string {
  if (e.actor_id !== null) return name(v, e.actor_id);
  if (e.kind === 'received') return 'the complainant';
  if (e.kind === 'respondent-replied' || e.kind === 'appealed') return 'the respondent';
  return 'Rally';
}

function guardLabels(json: string | null): string {
  const labels = JSON.parse(json ?? '[]') as string[];
  return labels.length ? `(${labels.join(', ')})` : '';
}

function evidenceList(v: CaseView): SafeHtml {
  if (v.evidence.length === 0) return html`<p>No evidence yet.</p>`;
  return html`<ol class="evidence">
    ${v.evidence.map(
      (e) =>
        html`<li>
          ${badge(e.kind === 'reply' ? 'respondent’s reply' : e.kind)}
          ${
            e.kind === 'file'
              ? html`<a href="${caseHref(v.c.id)}/evidence/${e.id}">${e.file_name ?? 'file'}</a>
                  (${e.mime_type ?? ''}, ${Math.ceil((e.byte_size ?? 0) / 1024)} KB)`
              : e.kind === 'link'
                ? html`<a href="${e.body}" rel="noopener noreferrer">${e.body}</a>`
                : html`<blockquote>${e.body}</blockquote>`
          }
          ${when(
            e.guard_decision,
            () =>
              html`<p class="muted">
                Civility guard: ${e.guard_decision ?? ''}, score ${(e.guard_score ?? 0).toFixed(2)}
                ${guardLabels(e.guard_labels)}
              </p>`,
          )}
          <small
            >Added by
            ${e.added_by_party === 'staff' ? name(v, e.added_by) : `the ${e.added_by_party}`},
            ${utcTime(e.created_at)}</small
          >
        </li>`,
    )}
  </ol>`;
}

function actions(v: CaseView, csrf: string, now: string): SafeHtml {
  const { c, me } = v;
  if (v.myConflict)
    return html`<p class="flash flash-info">
      ${v.myConflict} You can read the case but not act on it.
    </p>`;
  const id = c.id;
  const isHandler = c.handler_id === me.id;
  const parts: SafeHtml[] = [];
  if (c.status !== 'closed' && !isHandler && c.proposed_by === null)
    parts.push(postButton({ action: `${caseHref(id)}/take`, csrf, label: 'Handle this case' }));
  if (isHandler && c.status === 'received')
    parts.push(postButton({ action: `${caseHref(id)}/acknowledge`, csrf, label: 'Acknowledge' }));
  if (isHandler && c.status === 'acknowledged')
    parts.push(
      postButton({ action: `${caseHref(id)}/investigate`, csrf, label: 'Start investigating' }),
    );
  if (isHandler && c.status === 'investigating' && c.respondent_email && !c.respondent_notified_at)
    parts.push(
      postButton({
        action: `${caseHref(id)}/notify`,
        csrf,
        label: 'Tell the respondent what is alleged',
      }),
    );
  if (isHandler && c.status === 'investigating')
    parts.push(
      html`<form class="stack" method="post" action="${caseHref(id)}/propose">
        <h3>Decision</h3>
        ${csrfField(csrf)}
        ${selectField({
          id: 'd-outcome',
          name: 'outcome',
          label: 'Outcome',
          options: OUTCOMES.map((o) => ({
            value: o,
            label: `${OUTCOME_LABELS[o]}${needsSecondPerson(o) ? ' (needs a second caseworker)' : ''}`,
          })),
          emptyOption: 'Choose…',
          required: true,
        })}
        ${textField({ id: 'd-until', name: 'until', type: 'date', label: 'Suspension ends (for a suspension)' })}
        ${textAreaField({ id: 'd-reasons', name: 'reasons', label: 'Reasons (sent to the respondent)', rows: 4, required: true })}
        <button type="submit">Propose the decision</button>
      </form>`,
    );
  if (c.status === 'decision' && c.proposed_by !== me.id)
    parts.push(
      postButton({ action: `${caseHref(id)}/confirm`, csrf, label: 'Confirm the decision' }),
    );
  if (c.status === 'appeal_window') {
    parts.push(
      html`<form class="stack" method="post" action="${caseHref(id)}/appeal">
        ${csrfField(csrf)}
        ${textAreaField({ id: 'a-grounds', name: 'grounds', label: 'Record an appeal received another way: grounds', rows: 3 })}
        <button type="submit" class="secondary">Record the appeal</button>
      </form>`,
    );
    if (c.appeal_due_at && c.appeal_due_at <= now)
      parts.push(postButton({ action: `${caseHref(id)}/close`, csrf, label: 'Close the case' }));
  }
  if (c.status === 'appealed' && !v.participants.has(me.id))
    parts.push(
      html`<form class="stack" method="post" action="${caseHref(id)}/rule">
        <h3>Appeal ruling</h3>
        ${csrfField(csrf)}
        ${selectField({
          id: 'r-result',
          name: 'result',
          label: 'The decision is',
          options: [
            { value: 'upheld', label: 'Upheld' },
            { value: 'overturned', label: 'Overturned' },
          ],
          emptyOption: 'Choose…',
          required: true,
        })}
        ${textAreaField({ id: 'r-reasons', name: 'reasons', label: 'Reasons', rows: 4, required: true })}
        <button type="submit">Rule on the appeal</button>
      </form>`,
    );
  if (c.status !== 'closed')
    parts.push(
      html`<form
          class="stack"
          method="post"
          action="${caseHref(id)}/evidence"
          enctype="multipart/form-data"
        >
          <h3>Add evidence</h3>
          ${csrfField(csrf)}
          ${textAreaField({ id: 'e-text', name: 'text', label: 'Text (quoted words are read by the civility guard)', rows: 3 })}
          ${textField({ id: 'e-link', name: 'link', type: 'url', label: 'Link' })}
          ${textField({ id: 'e-file', name: 'file', type: 'file', accept: ACCEPT, label: 'Image or PDF' })}
          <button type="submit" class="secondary">Add evidence</button>
        </form>
        <form class="stack" method="post" action="${caseHref(id)}/conflict">
          ${csrfField(csrf)}
          ${textField({ id: 'x-note', name: 'note', label: 'Declare a conflict of interest: why' })}
          <button type="submit" class="secondary">Declare a conflict</button>
        </form>`,
    );
  return html`${parts}`;
}

export function casePage(v: CaseView, csrf: string, now: string): SafeHtml {
  const { c } = v;
  const row = (label: string, value: SafeHtml | string | null | undefined) =>
    value
      ? html`<dt>${label}</dt>
          <dd>${value}</dd>`
      : '';
  return html`<p>${statusBadge(c, now)} ${when(c.minimised_at, () => badge('minimised'))}</p>
    <dl class="details">
      ${row('Category', CATEGORY_LABELS[c.category])} ${row('About', c.respondent_name)}
      ${row('Their email', c.respondent_email)}
      ${row('Complainant', [c.complainant_name, c.complainant_email].filter(Boolean).join(', ') || 'not named')}
      ${row('Anonymous to the respondent', c.complainant_anonymous ? 'yes' : 'no')}
      ${row('Source', `${c.source}${c.source_ref ? ` ${c.source_ref}` : ''}`)}
      ${row('Handler', c.handler_id === null ? 'nobody yet' : name(v, c.handler_id))}
      ${row('Received', c.received_at ? utcTime(c.received_at) : null)}
      ${row('Next deadline', c.next_due_at ? html`${c.next_due_what ?? ''} by ${utcTime(c.next_due_at)}` : null)}
      ${row('Respondent told', c.respondent_notified_at ? utcTime(c.respondent_notified_at) : null)}
      ${row('Reply due', c.reply_due_at ? utcTime(c.reply_due_at) : null)}
      ${row('Replied', c.replied_at ? utcTime(c.replied_at) : null)}
      ${row('Outcome', c.outcome ? html`${OUTCOME_LABELS[c.outcome]}${c.outcome_until ? ` until ${c.outcome_until}` : ''}` : null)}
      ${row('Reasons', c.outcome_reasons)}
      ${row('Proposed by', c.proposed_by ? name(v, c.proposed_by) : null)}
      ${row('Confirmed by', c.confirmed_by ? name(v, c.confirmed_by) : null)}
      ${row('Applied', c.outcome_applied)}
      ${row('Appeal until', c.appeal_due_at ? utcTime(c.appeal_due_at) : null)}
      ${row('Appeal grounds', c.appeal_grounds)}
      ${row('Appeal ruling', c.appeal_result ? `${c.appeal_result} by ${name(v, c.appeal_reviewer_id)}: ${c.appeal_reasons ?? ''}` : null)}
    </dl>
    <h2>What is alleged</h2>
    <blockquote>${c.summary}</blockquote>
    <h2>Evidence</h2>
    ${evidenceList(v)}
    <h2>Actions</h2>
    ${actions(v, csrf, now)}
    <h2>History</h2>
    <ol>
      ${v.events.map((e) => html`<li>${utcTime(e.created_at)} ${badge(e.kind)} ${stepBy(v, e)}${e.note ? html`: ${e.note}` : ''}</li>`)}
    </ol>
    ${when(
      v.conflicts.length > 0,
      () =>
        html`<h2>Declared conflicts</h2>
          <ul>
            ${v.conflicts.map((x) => html`<li>${name(v, x.staff_id)}: ${x.note}</li>`)}
          </ul>`,
    )}
    <h2>Who looked at this case</h2>
    <ol class="views-log">
      ${v.views.map((x) => html`<li>${utcTime(x.created_at)} ${name(v, x.staff_id)} (${x.what})</li>`)}
    </ol>
    <p><a href="${BASE}">All cases</a></p>`;
}

export function settingsPage(o: {
  csrf: string;
  settings: CaseSettings;
  error?: string | undefined;
  minimised?: number | undefined;
}): SafeHtml {
  const f = (key: keyof CaseSettings, label: string) =>
    textField({
      id: `s-${key}`,
      name: key,
      type: 'number',
      min: 1,
      label,
      value: o.settings[key],
      required: true,
    });
  return html`${when(o.error, () => html`<p class="flash flash-error" role="alert">${o.error ?? ''}</p>`)}
    ${when(o.minimised !== undefined, () => html`<p class="flash flash-success">${o.minimised ?? 0} case(s) minimised.</p>`)}
    <form class="stack" method="post" action="${BASE}/settings">
      ${csrfField(o.csrf)} ${f('acknowledgeDays', 'Days to acknowledge a complaint')}
      ${f('replyDays', 'Days the respondent has to reply')}
      ${f('decisionDays', 'Days from acknowledgement to decision')}
      ${f('appealDays', 'Days to appeal a decision')}
      ${f('appealRulingDays', 'Days to rule on an appeal')}
      ${f('retentionDays', 'Days a closed case is kept before names and evidence are removed')}
      <button type="submit">Save</button>
    </form>
    <h2>Retention</h2>
    <p>Minimising runs daily. Run it now for cases whose retention period has ended:</p>
    ${postButton({ action: `${BASE}/minimise`, csrf: o.csrf, label: 'Minimise due cases now', buttonClass: 'secondary' })}`;
}
