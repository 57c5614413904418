import { sourceField } from '../../infra/http/attribution.js';
import {
  checkboxField,
  errorSummary,
  textAreaField,
  postcodeField,
  textField,
} from '../../infra/html/form-controls.js';
import { confirmButtonPage } from '../../infra/html/confirm-button.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import type { Target } from '../targets/targets.service.js';
import { renderPetitionMarkdown } from './petition-markdown.js';
import type { PetitionRow } from './petitions.repository.js';
import {
  ANSWER_MAX_LENGTH,
  type Errors,
  MEMBERSHIP_NUMBER_MAX_LENGTH,
  SIGNER_NAME_MAX_LENGTH,
  firstNameOf,
} from './petitions.rules.js';
import { honeypotField } from '../../infra/html/honeypot.js';

export const CONSENT_WORDING =
  'Keep me updated by email about this campaign. I can unsubscribe at any time.';
export const HONEYPOT_FIELD = 'website';

export interface PublicSnapshot {
  petition: PetitionRow;
  targets: Target[];
  byConstituency: { code: string | null; name: string | null; count: number }[];
  recent: { name: string; constituency_name: string | null }[];
}

export interface SignValues {
  name?: string;
  email?: string;
  postcode?: string;
  answer?: string;
  membershipNumber?: string;
  consent?: boolean;
  showName?: boolean;
  /** Attribution carried through the form (infra/http/attribution.ts). */
  source?: string | null;
}

export function kindLabel(petition: Pick<PetitionRow, 'kind'>): string {
  return petition.kind === 'open_letter' ? 'open letter' : 'petition';
}

export function petitionPath(petition: Pick<PetitionRow, 'slug'>): string {
  return `/p/${encodeURIComponent(petition.slug)}`;
}

function progress(count: number, goal: number): SafeHtml {
  return html`<section class="pt-progress" aria-label="Signatures">
    <p class="pt-count">
      <strong data-live-count>${count.toLocaleString('en-GB')}</strong>
      <span>signatures of a ${goal.toLocaleString('en-GB')} goal</span>
    </p>
    <progress max="${goal}" value="${Math.min(count, goal)}" data-live-progress>
      ${Math.floor((Math.min(count, goal) / goal) * 100)}%
    </progress>
  </section>`;
}

export function signForm(opts: {
  petition: PetitionRow;
  formToken: string;
  values?: SignValues;
  errors?: Errors;
}): SafeHtml {
  const { petition } = opts;
  const v = opts.values ?? {};
  const errors = opts.errors ?? {};
  return html`<form
    method="post"
    action="${petitionPath(petition)}/sign"
    class="stack pt-sign"
    id="sign"
  >
    <h2>Sign this ${kindLabel(petition)}</h2>
    ${errorSummary(errors)}
    <input type="hidden" name="ft" value="${opts.formToken}" />
    ${sourceField(v.source)}
    ${honeypotField({ name: HONEYPOT_FIELD, id: HONEYPOT_FIELD, className: 'pt-hp' })}
    ${textField({
      id: 'pt-name',
      name: 'name',
      label: 'Your name',
      autocomplete: 'name',
      required: true,
      maxLength: SIGNER_NAME_MAX_LENGTH,
      value: v.name,
      error: errors.name,
    })}
    ${textField({
      id: 'pt-email',
      name: 'email',
      label: 'Email',
      hint: 'We send you a link to confirm your signature.',
      type: 'email',
      autocomplete: 'email',
      required: true,
      maxLength: 254,
      value: v.email,
      error: errors.email,
    })}
    ${postcodeField({ id: 'pt-postcode', value: v.postcode, error: errors.postcode })}
    ${
      petition.eligibility === 'membership_number'
        ? textField({
            id: 'pt-member',
            name: 'membershipNumber',
            label: 'Membership number',
            hint: petition.eligibility_label ?? undefined,
            required: true,
            maxLength: MEMBERSHIP_NUMBER_MAX_LENGTH,
            value: v.membershipNumber,
            error: errors.membershipNumber,
          })
        : petition.eligibility === 'email' && petition.eligibility_label
          ? html`<p class="hint">${petition.eligibility_label}</p>`
          : ''
    }
    ${
      petition.custom_question
        ? textAreaField({
            id: 'pt-answer',
            name: 'answer',
            label: html`${petition.custom_question} <small>(optional)</small>`,
            rows: 3,
            maxLength: ANSWER_MAX_LENGTH,
            value: v.answer,
            error: errors.answer,
          })
        : ''
    }
    ${checkboxField({
      name: 'showName',
      label:
        petition.kind === 'open_letter'
          ? 'Show my name as a signatory of this letter'
          : 'Show my first name and constituency on this page',
      checked: Boolean(v.showName),
      className: 'pt-check',
    })}
    ${checkboxField({
      name: 'consent',
      label: CONSENT_WORDING,
      checked: Boolean(v.consent),
      className: 'pt-check',
    })}
    <button type="submit">Sign</button>
  </form>`;
}

function shareLinks(url: string, text: string): SafeHtml {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(text);
  const both = encodeURIComponent(`${text} ${url}`);
  const links = [
    ['X', `https://x.com/intent/post?text=${t}&url=${u}`],
    ['Facebook', `https://www.facebook.com/sharer/sharer.php?u=${u}`],
    ['WhatsApp', `https://wa.me/?text=${both}`],
    ['Bluesky', `https://bsky.app/intent/compose?text=${both}`],
    ['Email', `mailto:?subject=${t}&body=${both}`],
  ];
  return html`<section class="pt-share">
    <h2>Share</h2>
    <ul class="pt-share-links">
      ${links.map(([label, href]) => html`<li><a href="${href}" rel="noopener" target="_blank">${label}</a></li>`)}
    </ul>
  </section>`;
}

function embedSnippet(url: string, title: string): SafeHtml {
  const safeTitle = title.replace(/[<>&"]/g, '');
  const widget = `<iframe src="${url}/embed" title="${safeTitle}" width="100%" height="190" style="border:0;max-width:26rem" loading="lazy"></iframe>`;
  const link = `<a href="${url}">Sign: ${safeTitle}</a>`;
  return html`<details class="pt-embed">
    <summary>Put this on your website</summary>
    <label for="pt-embed-code"
      >A live widget (count, progress and a sign button): copy this HTML</label
    >
    <textarea id="pt-embed-code" rows="3" readonly>${widget}</textarea>
    <label for="pt-embed-link">Or a plain link</label>
    <textarea id="pt-embed-link" rows="2" readonly>${link}</textarea>
    <p class="hint">The live count is also at <code>${url}/count.json</code>.</p>
  </details>`;
}

/**
 * The widget other sites frame: title, live count, progress and a button that opens the full page
 * (signing happens there, never inside someone else's page). No cookies are read or set.
 */
export function embedWidget(opts: {
  petition: PetitionRow;
  count: number;
  url: string;
  signable: boolean;
}): SafeHtml {
  const { petition } = opts;
  return html`<!doctype html>
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${petition.title}</title>
        <link rel="stylesheet" href="/assets/css/rally.css" />
        <script src="/assets/js/petition-live.js" defer></script>
      </head>
      <body class="pt-embed-body">
        <article class="pt-widget" data-count-src="${petitionPath(petition)}">
          <p class="pt-kind">${petition.kind === 'open_letter' ? 'Open letter' : 'Petition'}</p>
          <h1><a href="${opts.url}" target="_blank" rel="noopener">${petition.title}</a></h1>
          ${progress(opts.count, petition.goal)}
          ${
            opts.signable
              ? html`<p>
                  <a class="button" href="${opts.url}#sign" target="_blank" rel="noopener"
                    >Sign now</a
                  >
                </p>`
              : html`<p class="hint">${closedMessage(petition)}</p>`
          }
        </article>
      </body>
    </html>`;
}

export function petitionPage(opts: {
  snapshot: PublicSnapshot;
  count: number;
  baseUrl: string;
  signable: boolean;
  form: SafeHtml;
  /** The comments section (from the comments feature), the same for every visitor. */
  discussion: SafeHtml;
}): SafeHtml {
  const { petition, targets, byConstituency, recent } = opts.snapshot;
  const url = `${opts.baseUrl}${petitionPath(petition)}`;
  const letter = petition.kind === 'open_letter';
  return html`<article class="pt-page" data-count-src="${petitionPath(petition)}">
    <p class="pt-kind">${letter ? 'Open letter' : 'Petition'}</p>
    <h1>${petition.title}</h1>
    ${
      targets.length
        ? html`<p class="pt-targets">
            To:
            ${targets.map((t, i) => html`${i > 0 ? ', ' : ''}<span>${t.name}${t.role ? html` <small>(${t.role})</small>` : ''}</span>`)}
          </p>`
        : ''
    }
    ${progress(opts.count, petition.goal)}
    ${
      opts.signable
        ? html`<p><a class="button pt-jump" href="#sign">Sign now</a></p>`
        : html`<p class="flash flash-info" role="status">${closedMessage(petition)}</p>`
    }
    <div class="pt-body">${renderPetitionMarkdown(petition.body)}</div>
    ${petition.deadline ? html`<p class="hint">Signing closes on ${petition.deadline.slice(0, 10)}.</p>` : ''}
    ${opts.signable ? opts.form : ''}
    ${
      recent.length
        ? html`<section class="pt-recent">
            <h2>${letter ? 'Signed by' : 'Recent signers'}</h2>
            <ul>
              ${recent.map(
                (r) =>
                  html`<li>
                    ${letter ? r.name : firstNameOf(r.name)}${r.constituency_name ? html` <small>${r.constituency_name}</small>` : ''}
                  </li>`,
              )}
            </ul>
          </section>`
        : ''
    }
    ${
      byConstituency.length
        ? html`<section class="pt-constituencies">
            <h2>Signatures by constituency</h2>
            ${constituencyTable(byConstituency)}
            <p class="hint">
              Top constituencies, estimated from postcode districts. Full figures:
              <a href="${petitionPath(petition)}.json">open data (JSON)</a>.
            </p>
          </section>`
        : ''
    }
    ${shareLinks(url, petition.share_text)} ${embedSnippet(url, petition.title)} ${opts.discussion}
  </article>`;
}

/** Signatures per constituency (the public page's top ones, or all of them for handing in). */
export function constituencyTable(rows: readonly { name: string | null; count: number }[]) {
  return dataTable({
    columns: [
      { label: 'Constituency', cell: (c) => c.name ?? 'Unknown' },
      { label: 'Signatures', numeric: true, cell: (c) => c.count.toLocaleString('en-GB') },
    ],
    rows,
  });
}

export function closedMessage(petition: Pick<PetitionRow, 'status' | 'kind' | 'deadline'>): string {
  const what = kindLabel(petition);
  if (petition.status === 'handed_in')
    return `This ${what} has been handed in. Thank you to everyone who signed.`;
  if (petition.status === 'draft') return `This ${what} is not published yet.`;
  return `This ${what} is closed: it no longer takes signatures.`;
}

export function checkEmailPage(petition: PetitionRow): SafeHtml {
  return html`<section class="notice pt-check-email">
    <h1>Check your email</h1>
    <p>
      We have sent a link to your email address. Your signature counts once you open it. If nothing
      arrives in a few minutes, look in your spam folder.
    </p>
    <p><a href="${petitionPath(petition)}">Back to the ${kindLabel(petition)}</a></p>
  </section>`;
}

/** The mailed link's page: one button, so only a person pressing it confirms. */
export function confirmSignaturePage(
  petition: PetitionRow,
  action: string,
  formToken: string,
  problem?: string,
): SafeHtml {
  return confirmButtonPage({
    heading: 'Confirm your signature',
    explanation: html`Press the button to confirm your email address and count your signature on
      <a href="${petitionPath(petition)}">${petition.title}</a>.`,
    action,
    token: { field: 'ft', value: formToken },
    button: 'Confirm my signature',
    problem,
  });
}

export function thankYouPage(petition: PetitionRow, baseUrl: string, already: boolean): SafeHtml {
  const url = `${baseUrl}${petitionPath(petition)}`;
  return html`<section class="notice pt-thanks">
    <h1>${already ? 'You have already confirmed' : 'Your signature is confirmed'}</h1>
    <p>
      ${already ? 'This link has been used: your signature is counted once.' : petition.thank_you}
    </p>
    <p><a href="${petitionPath(petition)}">See the ${kindLabel(petition)}</a></p>
    ${shareLinks(url, petition.share_text)}
  </section>`;
}

export function petitionIndex(
  petitions: { petition: PetitionRow; count: number }[],
  pages: SafeHtml | '' = '',
): SafeHtml {
  return html`<h1>Petitions and open letters</h1>
    ${
      petitions.length
        ? html`<ul class="pt-index">
            ${petitions.map(
              ({ petition, count }) =>
                html`<li>
                  <a href="${petitionPath(petition)}">${petition.title}</a>
                  <small
                    >${petition.kind === 'open_letter' ? 'Open letter' : 'Petition'} ·
                    ${count.toLocaleString('en-GB')} signatures</small
                  >
                </li>`,
            )}
          </ul>`
        : html`<p class="empty">There are no open petitions right now.</p>`
    }
    ${pages}
    <p class="hint"><a href="/petitions.json">Open data (JSON)</a></p>`;
}
