import {
  errorNotice,
  errorSummary,
  formFields,
  postButton,
  radioGroup,
  selectField,
} from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import type { Target, TargetListSummary } from '../targets/targets.service.js';
import type { PetitionRow } from './petitions.repository.js';
import {
  BODY_MAX_LENGTH,
  ELIGIBILITY_LABEL_MAX_LENGTH,
  ELIGIBILITY_MAX_BYTES,
  type Errors,
  type PetitionForm,
  QUESTION_MAX_LENGTH,
  SHARE_TEXT_MAX_LENGTH,
  SLUG_MAX_LENGTH,
  THANK_YOU_MAX_LENGTH,
  TITLE_MAX_LENGTH,
} from './petitions.rules.js';
import { PETITION_STATUS, targetIdsOf } from './petitions.service.js';
import { constituencyTable, kindLabel, petitionPath } from './petitions.public.views.js';
import type { Reconciliation } from './petitions.service.js';

const STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  open: 'Open',
  closed: 'Closed',
  handed_in: 'Handed in',
};

export function adminBase(p: { id: number }): string {
  return `/admin/petitions/${p.id}`;
}

export function listPage(opts: {
  petitions: PetitionRow[];
  canEdit: boolean;
  csrf: string;
  reconciliation?: { checked: number; mismatches: Reconciliation[] };
}): SafeHtml {
  const rec = opts.reconciliation;
  return html`${opts.canEdit ? html`<p><a class="button" href="/admin/petitions/new">New petition or open letter</a></p>` : ''}
  ${dataTable({
    columns: [
      {
        label: 'Title',
        cell: (p) =>
          html`<a href="${adminBase(p)}">${p.title}</a> <span class="hint">/p/${p.slug}</span>`,
      },
      { label: 'Kind', cell: (p) => (p.kind === 'open_letter' ? 'Open letter' : 'Petition') },
      { label: 'Status', cell: (p) => STATUS_LABELS[p.status] },
      {
        label: 'Signatures',
        numeric: true,
        cell: (p) => p.signature_count.toLocaleString('en-GB'),
      },
      { label: 'Goal', numeric: true, cell: (p) => p.goal.toLocaleString('en-GB') },
    ],
    rows: opts.petitions,
    empty: `No petitions or open letters yet.${opts.canEdit ? ' Start one with the button above.' : ''}`,
  })}
  ${
    opts.canEdit
      ? html`<section>
          <h2>Check the counts</h2>
          <p class="hint">
            Compares every petition's shown count with a fresh count of its confirmed signatures.
          </p>
          ${
            rec
              ? rec.mismatches.length
                ? html`<div class="flash flash-error" role="alert">
                    <p>${rec.mismatches.length} of ${rec.checked} counts differ (now corrected):</p>
                    <ul>
                      ${rec.mismatches.map((m) => html`<li>/p/${m.slug}: shown ${m.cached}, actual ${m.actual}</li>`)}
                    </ul>
                  </div>`
                : html`<p class="flash flash-success" role="status">
                    All ${rec.checked} counts match their signatures.
                  </p>`
              : ''
          }
          ${postButton({
            action: '/admin/petitions/reconcile',
            csrf: opts.csrf,
            label: 'Check counts now',
            buttonClass: 'secondary',
          })}
        </section>`
      : ''
  }`;
}

export function emptyForm(): PetitionForm {
  return {
    kind: 'petition',
    title: '',
    slug: '',
    body: '',
    goal: '1000',
    deadline: '',
    customQuestion: '',
    eligibility: 'none',
    eligibilityLabel: '',
    thankYou: '',
    shareText: '',
    targetListId: '',
    targetIds: [],
  };
}

export function formOf(p: PetitionRow): PetitionForm {
  return {
    kind: p.kind,
    title: p.title,
    slug: p.slug,
    body: p.body,
    goal: String(p.goal),
    deadline: p.deadline ? p.deadline.slice(0, 10) : '',
    customQuestion: p.custom_question ?? '',
    eligibility: p.eligibility,
    eligibilityLabel: p.eligibility_label ?? '',
    thankYou: p.thank_you,
    shareText: p.share_text,
    targetListId: p.target_list_id ? String(p.target_list_id) : '',
    targetIds: targetIdsOf(p).map(String),
  };
}

function targetLabel(t: Target): string {
  return `${t.name}${t.role ? ` (${t.role})` : ''}${t.division_name ? ` — ${t.division_name}` : ''}`;
}

export function petitionForm(opts: {
  action: string;
  form: PetitionForm;
  errors: Errors;
  csrf: string;
  lists: TargetListSummary[];
  /** Targets of the chosen list, to pick from (after a list is chosen). */
  listTargets: Target[];
  submitLabel: string;
}): SafeHtml {
  const f = opts.form;
  const e = opts.errors;
  const field = formFields('pf', f, e);
  return html`${errorSummary(e)}
    <form method="post" action="${opts.action}" class="stack">
      ${csrfField(opts.csrf)}
      ${radioGroup({
        name: 'kind',
        legend: 'Kind',
        value: f.kind === 'open_letter' ? 'open_letter' : 'petition',
        options: [
          { value: 'petition', label: 'Petition (shows counts)' },
          {
            value: 'open_letter',
            label: "Open letter (also shows signers' names, with their consent)",
          },
        ],
      })}
      ${field.text('title', 'Title', { maxLength: TITLE_MAX_LENGTH, required: true })}
      ${field.text('slug', 'Web address', { maxLength: SLUG_MAX_LENGTH, hint: 'The end of /p/… Leave empty to make one from the title.' })}
      ${field.textArea('body', 'Text', { maxLength: BODY_MAX_LENGTH, rows: 12, hint: 'Markdown: paragraphs, **bold**, *italic*, lists, headings, > quotes and links. No HTML or images.' })}
      ${field.text('goal', 'Goal (signatures)', { type: 'number', required: true })}
      ${field.text('deadline', 'Deadline (optional)', { type: 'date' })}
      ${selectField({
        id: 'pf-targetListId',
        name: 'targetListId',
        label: 'Target list',
        emptyOption: 'No targets',
        options: opts.lists.map((l) => ({ value: l.id, label: `${l.name} (${l.targetCount})` })),
        value: f.targetListId,
        error: e.targetListId,
      })}
      ${
        opts.listTargets.length
          ? selectField({
              id: 'pf-targetIds',
              name: 'targetIds',
              label: 'Targets',
              hint: 'Hold Ctrl (or ⌘) to choose several. Save after changing the list to see its targets.',
              multiple: true,
              size: 8,
              options: opts.listTargets.map((t) => ({ value: t.id, label: targetLabel(t) })),
              value: f.targetIds,
              error: e.targetIds,
            })
          : f.targetListId
            ? html`<p class="hint">Save to choose targets from this list.</p>`
            : ''
      }
      ${field.text('customQuestion', 'Extra question for signers (optional)', { maxLength: QUESTION_MAX_LENGTH })}
      ${selectField({
        id: 'pf-eligibility',
        name: 'eligibility',
        label: 'Who may sign',
        options: [
          { value: 'none', label: 'Anyone' },
          { value: 'email', label: 'Check emails against a list (marks signatures verified)' },
          {
            value: 'membership_number',
            label: 'Ask for a membership number and check it against a list',
          },
        ],
        value: f.eligibility,
        error: e.eligibility,
      })}
      ${field.text('eligibilityLabel', 'Note on who may sign (optional)', { maxLength: ELIGIBILITY_LABEL_MAX_LENGTH, hint: 'e.g. "Members only: your number is on your card."' })}
      ${field.textArea('thankYou', 'Thank-you text', { maxLength: THANK_YOU_MAX_LENGTH, rows: 3, hint: 'Shown after someone confirms.' })}
      ${field.text('shareText', 'Share text', { maxLength: SHARE_TEXT_MAX_LENGTH, hint: 'Suggested words for social media; the title if empty.' })}
      <button type="submit">${opts.submitLabel}</button>
    </form>`;
}

export function detailPage(opts: {
  petition: PetitionRow;
  counts: { pending: number; confirmed: number; invalidated: number };
  eligibilityEntries: number;
  targets: Target[];
  canEdit: boolean;
  canModerate: boolean;
  csrf: string;
  eligibilityError?: string;
}): SafeHtml {
  const p = opts.petition;
  const actions = PETITION_STATUS.offered(p.status);
  return html`<p>
      <strong>${STATUS_LABELS[p.status]}</strong> ${kindLabel(p)} ·
      ${p.status === 'draft' ? html`<span class="hint">/p/${p.slug} (not public yet)</span>` : html`<a href="${petitionPath(p)}">/p/${p.slug}</a>`}
    </p>
    <dl class="pt-facts">
      <dt>Confirmed signatures (the public count)</dt>
      <dd>${p.signature_count.toLocaleString('en-GB')} of ${p.goal.toLocaleString('en-GB')}</dd>
      <dt>Waiting for confirmation</dt>
      <dd>${opts.counts.pending.toLocaleString('en-GB')}</dd>
      <dt>Invalidated</dt>
      <dd>${opts.counts.invalidated.toLocaleString('en-GB')}</dd>
      <dt>Targets</dt>
      <dd>${opts.targets.length ? opts.targets.map((t) => t.name).join(', ') : 'None'}</dd>
      <dt>Deadline</dt>
      <dd>${p.deadline ? p.deadline.slice(0, 10) : 'None'}</dd>
      <dt>Who may sign</dt>
      <dd>
        ${p.eligibility === 'none' ? 'Anyone' : `Checked by ${p.eligibility === 'email' ? 'email' : 'membership number'} against ${opts.eligibilityEntries.toLocaleString('en-GB')} entries`}
      </dd>
    </dl>
    ${
      opts.canEdit
        ? html`<p><a class="button secondary" href="${adminBase(p)}/edit">Edit</a></p>
            <div class="pt-actions">
              ${actions.map(([action, rule]) =>
                postButton({
                  action: `${adminBase(p)}/status`,
                  csrf: opts.csrf,
                  fields: { action },
                  label: rule.label,
                }),
              )}
            </div>`
        : ''
    }
    <h2>Handing in</h2>
    <ul>
      <li><a href="${adminBase(p)}/delivery">Printable delivery page</a> (no emails)</li>
      <li><a href="${adminBase(p)}/curve">Signatures over time</a> (chart and CSV)</li>
      <li>
        <a href="/admin/reach/petition/${p.id}">Reach</a> (follower counts of those who shared it,
        by day, and CSV)
      </li>
      ${opts.canEdit ? html`<li><a href="${adminBase(p)}/signatures.csv">Download signatures (CSV)</a></li>` : ''}
      ${opts.canModerate ? html`<li><a href="${adminBase(p)}/report">Fraud signals: trending IPs and domains</a></li>` : ''}
    </ul>
    ${
      opts.canEdit && opts.targets.some((t) => t.email)
        ? postButton({
            action: `${adminBase(p)}/email-targets`,
            csrf: opts.csrf,
            label: 'Email the targets the count and link',
            buttonClass: 'secondary',
          })
        : ''
    }
    ${
      opts.canEdit && p.eligibility !== 'none'
        ? html`<h2>Eligibility list</h2>
            ${errorNotice(opts.eligibilityError)}
            <form
              method="post"
              action="${adminBase(p)}/eligibility"
              enctype="multipart/form-data"
              class="stack"
            >
              ${csrfField(opts.csrf)}
              <p class="hint">The new list replaces the current one.</p>
              <label for="pt-elig-file"
                >A file (.csv or .txt, up to ${ELIGIBILITY_MAX_BYTES / 1024 / 1024} MB): one entry
                per line, or a spreadsheet saved as CSV with a column headed
                “${p.eligibility === 'email' ? 'email' : 'membership number'}”</label
              >
              <input
                id="pt-elig-file"
                name="file"
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
              />
              <label for="pt-elig"
                >Or paste ${p.eligibility === 'email' ? 'email addresses' : 'membership numbers'},
                one per line</label
              >
              <textarea id="pt-elig" name="list" rows="6"></textarea>
              <button type="submit">Replace the list</button>
            </form>`
        : ''
    }`;
}

export function reportPage(opts: {
  petition: PetitionRow;
  ips: Trend[];
  domains: Trend[];
  csrf: string;
}): SafeHtml {
  const table = (title: string, field: 'ip' | 'domain', rows: Trend[]) =>
    html`<h2>${title}</h2>
      ${dataTable({
        columns: [
          {
            label: field === 'ip' ? 'IP address' : 'Email domain',
            cell: (r) =>
              html`<code>${r.value}</code
                >${r.disposable ? html` <strong class="pt-flag">disposable</strong>` : ''}`,
          },
          { label: 'Signatures', numeric: true, cell: (r) => r.total },
          { label: 'Confirmed', numeric: true, cell: (r) => r.confirmed },
          { label: 'Invalidated', numeric: true, cell: (r) => r.invalidated },
          { label: 'Latest', cell: (r) => r.latest.slice(0, 16).replace('T', ' ') },
          {
            label: '',
            cell: (r) =>
              r.total > r.invalidated
                ? postButton({
                    action: `${adminBase(opts.petition)}/invalidate`,
                    csrf: opts.csrf,
                    fields: { [field]: r.value },
                    label: 'Invalidate all',
                    buttonClass: 'danger',
                  })
                : '',
          },
        ],
        rows,
        empty: 'No signatures yet.',
      })}`;
  return html`<p><a href="${adminBase(opts.petition)}">Back to ${opts.petition.title}</a></p>
    <p class="hint">
      Invalidated signatures leave the public count at once. Disposable domains are flagged, not
      refused.
    </p>
    ${table('Trending IP addresses', 'ip', opts.ips)}
    ${table('Trending email domains', 'domain', opts.domains)}`;
}

export interface Trend {
  value: string;
  total: number;
  confirmed: number;
  invalidated: number;
  disposable: boolean;
  latest: string;
}

const namedSigners = (n: number) =>
  `${n.toLocaleString('en-GB')} named signer${n === 1 ? '' : 's'}`;

export function deliveryPage(opts: {
  petition: PetitionRow;
  targets: Target[];
  byConstituency: { name: string | null; count: number }[];
  /** One page of the names, numbered from firstNumber; namedTotal on every page. */
  names: string[];
  namedTotal: number;
  firstNumber: number;
  pages: SafeHtml | '';
}): SafeHtml {
  const p = opts.petition;
  return html`<article class="pt-delivery">
    <p class="pt-kind">${p.kind === 'open_letter' ? 'Open letter' : 'Petition'}</p>
    <h1>${p.title}</h1>
    ${opts.targets.length ? html`<p>To: ${opts.targets.map((t) => t.name).join(', ')}</p>` : ''}
    <p>
      <strong>${p.signature_count.toLocaleString('en-GB')}</strong> people signed, each confirming
      their email address.
    </p>
    <h2>Signatures by constituency</h2>
    ${constituencyTable(opts.byConstituency)}
    ${
      p.kind === 'open_letter'
        ? html`<h2>Signed by</h2>
            <p class="hint">
              ${namedSigners(opts.namedTotal)}: those who agreed to show their name.
            </p>
            <ol class="pt-names" start="${opts.firstNumber}">
              ${opts.names.map((n) => html`<li>${n}</li>`)}
            </ol>
            ${opts.pages}`
        : ''
    }
  </article>`;
}
