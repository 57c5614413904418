import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
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
import { STATUS_ACTIONS, type StatusAction, targetIdsOf } from './petitions.service.js';
import { kindLabel, petitionPath } from './petitions.public.views.js';
import type { Reconciliation } from './petitions.service.js';

function errorSummary(errors: Errors): SafeHtml | '' {
  const messages = Object.values(errors);
  if (!messages.length) return '';
  return html`<div class="flash flash-error" role="alert">
    <p>Please correct the following:</p>
    <ul>
      ${messages.map((m) => html`<li>${m}</li>`)}
    </ul>
  </div>`;
}

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
  ${
    opts.petitions.length
      ? html`<div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Signatures</th>
                <th scope="col" class="num">Goal</th>
              </tr>
            </thead>
            <tbody>
              ${opts.petitions.map(
                (p) =>
                  html`<tr>
                    <td>
                      <a href="${adminBase(p)}">${p.title}</a>
                      <span class="hint">/p/${p.slug}</span>
                    </td>
                    <td>${p.kind === 'open_letter' ? 'Open letter' : 'Petition'}</td>
                    <td>${STATUS_LABELS[p.status]}</td>
                    <td class="num">${p.signature_count.toLocaleString('en-GB')}</td>
                    <td class="num">${p.goal.toLocaleString('en-GB')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : html`<p class="empty">
          No petitions or open letters
          yet.${opts.canEdit ? ' Start one with the button above.' : ''}
        </p>`
  }
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
          <form method="post" action="/admin/petitions/reconcile" class="inline-form">
            ${csrfField(opts.csrf)}<button type="submit" class="secondary">Check counts now</button>
          </form>
        </section>`
      : ''
  }`;
}

function input(
  name: keyof PetitionForm,
  label: string,
  value: string,
  errors: Errors,
  attrs: { max?: number; type?: string; hint?: string; required?: boolean } = {},
) {
  const id = `pf-${name}`;
  return html`<div class="${errors[name] ? 'field field-error' : 'field'}">
    <label for="${id}">${label}</label>
    ${attrs.hint ? html`<span class="hint">${attrs.hint}</span>` : ''}
    <input
      id="${id}"
      name="${name}"
      type="${attrs.type ?? 'text'}"
      value="${value}"
      ${attrs.max ? html`maxlength="${attrs.max}"` : ''}
      ${attrs.required ? 'required' : ''}
    />
    ${errors[name] ? html`<p class="error-message">${errors[name]}</p>` : ''}
  </div>`;
}

function textarea(
  name: keyof PetitionForm,
  label: string,
  value: string,
  errors: Errors,
  max: number,
  rows: number,
  hint?: string,
) {
  const id = `pf-${name}`;
  return html`<div class="${errors[name] ? 'field field-error' : 'field'}">
    <label for="${id}">${label}</label>
    ${hint ? html`<span class="hint">${hint}</span>` : ''}
    <textarea id="${id}" name="${name}" rows="${rows}" maxlength="${max}">${value}</textarea>
    ${errors[name] ? html`<p class="error-message">${errors[name]}</p>` : ''}
  </div>`;
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
  const chosen = new Set(f.targetIds);
  return html`${errorSummary(e)}
    <form method="post" action="${opts.action}" class="stack">
      ${csrfField(opts.csrf)}
      <fieldset>
        <legend>Kind</legend>
        <label
          ><input
            type="radio"
            name="kind"
            value="petition"
            ${f.kind !== 'open_letter' ? 'checked' : ''}
          />
          Petition (shows counts)</label
        >
        <label
          ><input
            type="radio"
            name="kind"
            value="open_letter"
            ${f.kind === 'open_letter' ? 'checked' : ''}
          />
          Open letter (also shows signers' names, with their consent)</label
        >
      </fieldset>
      ${input('title', 'Title', f.title, e, { max: TITLE_MAX_LENGTH, required: true })}
      ${input('slug', 'Web address', f.slug, e, { max: SLUG_MAX_LENGTH, hint: 'The end of /p/… Leave empty to make one from the title.' })}
      ${textarea('body', 'Text', f.body, e, BODY_MAX_LENGTH, 12, 'Markdown: paragraphs, **bold**, *italic*, lists, headings, > quotes and links. No HTML or images.')}
      ${input('goal', 'Goal (signatures)', f.goal, e, { type: 'number', required: true })}
      ${input('deadline', 'Deadline (optional)', f.deadline, e, { type: 'date' })}
      <div class="${e.targetListId ? 'field field-error' : 'field'}">
        <label for="pf-targetListId">Target list</label>
        <select id="pf-targetListId" name="targetListId">
          <option value="">No targets</option>
          ${opts.lists.map((l) => html`<option value="${l.id}" ${String(l.id) === f.targetListId ? 'selected' : ''}>${l.name} (${l.targetCount})</option>`)}
        </select>
        ${e.targetListId ? html`<p class="error-message">${e.targetListId}</p>` : ''}
      </div>
      ${
        opts.listTargets.length
          ? html`<div class="${e.targetIds ? 'field field-error' : 'field'}">
              <label for="pf-targetIds">Targets</label>
              <span class="hint"
                >Hold Ctrl (or ⌘) to choose several. Save after changing the list to see its
                targets.</span
              >
              <select id="pf-targetIds" name="targetIds" multiple size="8">
                ${opts.listTargets.map((t) => html`<option value="${t.id}" ${chosen.has(String(t.id)) ? 'selected' : ''}>${t.name}${t.role ? ` (${t.role})` : ''}${t.division_name ? ` — ${t.division_name}` : ''}</option>`)}
              </select>
              ${e.targetIds ? html`<p class="error-message">${e.targetIds}</p>` : ''}
            </div>`
          : f.targetListId
            ? html`<p class="hint">Save to choose targets from this list.</p>`
            : ''
      }
      ${input('customQuestion', 'Extra question for signers (optional)', f.customQuestion, e, { max: QUESTION_MAX_LENGTH })}
      <div class="field">
        <label for="pf-eligibility">Who may sign</label>
        <select id="pf-eligibility" name="eligibility">
          <option value="none" ${f.eligibility === 'none' ? 'selected' : ''}>Anyone</option>
          <option value="email" ${f.eligibility === 'email' ? 'selected' : ''}>
            Check emails against a list (marks signatures verified)
          </option>
          <option
            value="membership_number"
            ${f.eligibility === 'membership_number' ? 'selected' : ''}
          >
            Ask for a membership number and check it against a list
          </option>
        </select>
      </div>
      ${input('eligibilityLabel', 'Note on who may sign (optional)', f.eligibilityLabel, e, { max: ELIGIBILITY_LABEL_MAX_LENGTH, hint: 'e.g. "Members only: your number is on your card."' })}
      ${textarea('thankYou', 'Thank-you text', f.thankYou, e, THANK_YOU_MAX_LENGTH, 3, 'Shown after someone confirms.')}
      ${input('shareText', 'Share text', f.shareText, e, { max: SHARE_TEXT_MAX_LENGTH, hint: 'Suggested words for social media; the title if empty.' })}
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
  const actions = (
    Object.entries(STATUS_ACTIONS) as [StatusAction, (typeof STATUS_ACTIONS)[StatusAction]][]
  ).filter(([, rule]) => (rule.from as readonly string[]).includes(p.status));
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
              ${actions.map(
                ([action, rule]) =>
                  html`<form method="post" action="${adminBase(p)}/status" class="inline-form">
                    ${csrfField(opts.csrf)}<input
                      type="hidden"
                      name="action"
                      value="${action}"
                    /><button type="submit">${rule.label}</button>
                  </form>`,
              )}
            </div>`
        : ''
    }
    <h2>Handing in</h2>
    <ul>
      <li><a href="${adminBase(p)}/delivery">Printable delivery page</a> (no emails)</li>
      ${opts.canEdit ? html`<li><a href="${adminBase(p)}/signatures.csv">Download signatures (CSV)</a></li>` : ''}
      ${opts.canModerate ? html`<li><a href="${adminBase(p)}/report">Fraud signals: trending IPs and domains</a></li>` : ''}
    </ul>
    ${
      opts.canEdit && opts.targets.some((t) => t.email)
        ? html`<form method="post" action="${adminBase(p)}/email-targets" class="inline-form">
            ${csrfField(opts.csrf)}<button type="submit" class="secondary">
              Email the targets the count and link
            </button>
          </form>`
        : ''
    }
    ${
      opts.canEdit && p.eligibility !== 'none'
        ? html`<h2>Eligibility list</h2>
            ${opts.eligibilityError ? html`<p class="flash flash-error" role="alert">${opts.eligibilityError}</p>` : ''}
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
      ${
        rows.length
          ? html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${field === 'ip' ? 'IP address' : 'Email domain'}</th>
                    <th class="num" scope="col">Signatures</th>
                    <th class="num" scope="col">Confirmed</th>
                    <th class="num" scope="col">Invalidated</th>
                    <th scope="col">Latest</th>
                    <th scope="col"></th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (r) =>
                      html`<tr>
                        <td>
                          <code>${r.value}</code
                          >${r.disposable ? html` <strong class="pt-flag">disposable</strong>` : ''}
                        </td>
                        <td class="num">${r.total}</td>
                        <td class="num">${r.confirmed}</td>
                        <td class="num">${r.invalidated}</td>
                        <td>${r.latest.slice(0, 16).replace('T', ' ')}</td>
                        <td>
                          ${
                            r.total > r.invalidated
                              ? html`<form
                                  method="post"
                                  action="${adminBase(opts.petition)}/invalidate"
                                  class="inline-form"
                                >
                                  ${csrfField(opts.csrf)}<input
                                    type="hidden"
                                    name="${field}"
                                    value="${r.value}"
                                  />
                                  <button type="submit" class="danger">Invalidate all</button>
                                </form>`
                              : ''
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p class="empty">No signatures yet.</p>`
      }`;
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

export function deliveryPage(opts: {
  petition: PetitionRow;
  targets: Target[];
  byConstituency: { name: string | null; count: number }[];
  names: string[];
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
    <table>
      <thead>
        <tr>
          <th scope="col">Constituency</th>
          <th class="num" scope="col">Signatures</th>
        </tr>
      </thead>
      <tbody>
        ${opts.byConstituency.map(
          (c) =>
            html`<tr>
              <td>${c.name ?? 'Unknown'}</td>
              <td class="num">${c.count.toLocaleString('en-GB')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      p.kind === 'open_letter'
        ? html`<h2>Signed by</h2>
            <p class="hint">Signers who agreed to show their name.</p>
            <ol class="pt-names">
              ${opts.names.map((n) => html`<li>${n}</li>`)}
            </ol>`
        : ''
    }
  </article>`;
}
