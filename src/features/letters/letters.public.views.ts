import { sourceField } from '../../infra/http/attribution.js';
import {
  checkboxField,
  errorSummary,
  textAreaField,
  postcodeField,
  textField,
} from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { linkifyText } from '../../infra/html/linkify.js';
import { civilityReasons, highlight } from '../civility/civility.views.js';
import { renderPostcodeForm } from '../constituencies/constituencies.views.js';
import type { TargetContact } from '../targets/targets.service.js';
import type { CampaignRow, LetterRow } from './letters.repository.js';
import { letterText, mailtoLink } from './letters.mail.js';
import {
  ADDRESS_MAX_LENGTH,
  CONSENT_WORDING,
  type Errors,
  LETTER_MAX_LENGTH,
  type LetterForm,
  SENDER_NAME_MAX_LENGTH,
  SUBJECT_MAX_LENGTH,
} from './letters.rules.js';
import type { CivilityReason, CivilitySpan } from '../civility/civility.service.js';
import type { Originality } from './similarity.js';

export function campaignPath(c: Pick<CampaignRow, 'slug'>): string {
  return `/letters/${encodeURIComponent(c.slug)}`;
}

/** Plain text as paragraphs (blank lines), with links. */
export function paragraphs(text: string): SafeHtml {
  return html`${text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p>${linkifyText(p)}</p>`)}`;
}

function summary(text: string, max = 220): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

export function campaignIndex(campaigns: CampaignRow[]): SafeHtml {
  return html`<h1>Write to your representative</h1>
    <p>
      A letter in your own words is the most persuasive thing most of us can send. Pick a campaign,
      find whom to write to from your postcode, and write.
    </p>
    ${
      campaigns.length
        ? html`<ul class="lt-campaigns">
            ${campaigns.map(
              (c) =>
                html`<li>
                  <h2><a href="${campaignPath(c)}">${c.title}</a></h2>
                  <p>${summary(c.brief)}</p>
                </li>`,
            )}
          </ul>`
        : html`<p class="empty">No letter campaigns are open just now.</p>`
    }`;
}

/** The campaign's brief and suggested points: the guidance the writer reads, never copies. */
export function briefSection(campaign: CampaignRow, points: string[]): SafeHtml {
  return html`<section class="lt-brief" aria-labelledby="lt-brief-h">
    <h2 id="lt-brief-h">Why write</h2>
    <div data-letters-reference>${paragraphs(campaign.brief)}</div>
    ${
      points.length
        ? html`<h3>Points you could make</h3>
            <p class="hint">
              Use the ones that matter to you, in your own words and with your own experience.
              Letters that repeat these words are set aside by offices, and this form will ask you
              to rewrite them.
            </p>
            <ul class="lt-points" data-letters-reference>
              ${points.map((p) => html`<li>${p}</li>`)}
            </ul>`
        : ''
    }
  </section>`;
}

export function campaignHeader(campaign: CampaignRow): SafeHtml {
  return html`<p class="lt-kind">Letter campaign</p>
    <h1>${campaign.title}</h1>`;
}

export function postcodeStep(campaign: CampaignRow, value = '', message?: SafeHtml): SafeHtml {
  return html`<section class="lt-step" aria-labelledby="lt-find-h">
    <h2 id="lt-find-h">Find whom to write to</h2>
    ${renderPostcodeForm({ action: campaignPath(campaign), value })} ${message ?? ''}
  </section>`;
}

/** Several targets for one place (or a list without places): each a link to write to them. */
export function targetChoice(
  campaign: CampaignRow,
  targets: Pick<TargetContact, 'id' | 'name' | 'role' | 'party'>[],
  postcode: string,
  heading: string,
): SafeHtml {
  const link = (id: number) =>
    `${campaignPath(campaign)}?target=${id}${postcode ? `&postcode=${encodeURIComponent(postcode)}` : ''}`;
  return html`<section class="lt-step">
    <h2>${heading}</h2>
    <ul class="constituency-choices">
      ${targets.map(
        (t) =>
          html`<li>
            <a href="${link(t.id)}">Write to ${t.name}</a>
            <small>${[t.role, t.party].filter(Boolean).join(', ')}</small>
          </li>`,
      )}
    </ul>
  </section>`;
}

function deliveryNote(campaign: CampaignRow, target: TargetContact): SafeHtml {
  if (!target.email)
    return html`<p class="flash flash-info" role="status">
      We do not have an email address for ${target.name} yet, so Rally cannot send this letter for
      you. Write it here all the same: once you confirm your email address, you will get a button
      that opens it in your own email, ready to send once you add their address (listed on their
      official website). The campaign's organisers can see that the address is missing.
    </p>`;
  if (campaign.delivery_mode === 'mailto')
    return html`<p class="hint">
      After you confirm your email address, you will send this letter from your own email, with
      everything filled in.
    </p>`;
  if (campaign.delivery_mode === 'digest')
    return html`<p class="hint">
      Letters to ${target.name} go out together once a day, each with your name and email so they
      can reply to you. You get a copy.
    </p>`;
  return html`<p class="hint">
    Your letter is emailed to ${target.name} with your email address to reply to, and you get a
    copy. To keep their inbox readable, at most ${campaign.hourly_limit} letters an hour go to each
    person, so yours may wait in a short queue.
  </p>`;
}

/** The letter with the passages that repeat other text marked. */
function copiedMarks(body: string, o: Originality): SafeHtml {
  const spans = o.copied.map((c) => ({ ...c, label: 'copied', text: '' }));
  return highlight(body.replace(/\r\n/g, '\n').trim(), spans);
}

export interface LetterFormView {
  campaign: CampaignRow;
  target: TargetContact;
  values: LetterForm;
  errors: Errors;
  csrf: string;
  civility?: { text: string; spans: CivilitySpan[]; reasons?: CivilityReason[] } | undefined;
  originality?: Originality | undefined;
  /** Attribution carried through the form (infra/http/attribution.ts). */
  source?: string | null;
}

export function letterForm(v: LetterFormView): SafeHtml {
  const { campaign, target, values, errors } = v;
  return html`<section class="lt-step" aria-labelledby="lt-write-h">
    <h2 id="lt-write-h">Your letter to ${target.name}</h2>
    <p class="lt-target">${[target.role, target.party].filter(Boolean).join(', ')}</p>
    ${deliveryNote(campaign, target)}
    ${errorSummary(errors, {
      id: 'lt-errors',
      intro: 'Your letter has not been sent yet. Please correct the following:',
    })}
    ${
      v.civility
        ? html`<div class="lt-marked" aria-label="Parts the civility guard objected to">
            <h3>What the guard objected to</h3>
            <p class="lt-letter-text">${highlight(v.civility.text, v.civility.spans)}</p>
            ${civilityReasons(v.civility.reasons)}
          </div>`
        : ''
    }
    ${
      v.originality && v.originality.copied.length
        ? html`<div class="lt-marked" aria-label="Passages that repeat other text">
            <h3>Passages that repeat the brief or other letters</h3>
            <p class="lt-letter-text">${copiedMarks(values.body, v.originality)}</p>
          </div>`
        : ''
    }
    <form
      method="post"
      action="${campaignPath(campaign)}/write"
      class="stack lt-form"
      data-letters-form
      data-min-words="${campaign.min_own_words}"
      data-min-percent="${campaign.min_own_percent}"
    >
      ${csrfField(v.csrf)} ${sourceField(v.source)}
      <input type="hidden" name="targetId" value="${values.targetId}" />
      ${textField({
        id: 'lt-name',
        name: 'name',
        label: 'Your name',
        autocomplete: 'name',
        required: true,
        maxLength: SENDER_NAME_MAX_LENGTH,
        value: values.name,
        error: errors.name,
      })}
      ${textField({
        id: 'lt-email',
        name: 'email',
        label: 'Email',
        hint: 'We email you a link to confirm before anything is sent. Replies come to this address.',
        type: 'email',
        autocomplete: 'email',
        required: true,
        maxLength: 254,
        value: values.email,
        error: errors.email,
      })}
      ${textField({
        id: 'lt-address',
        name: 'address',
        label: 'Address (optional)',
        hint: 'The first line of your address: offices check that you live in the area.',
        autocomplete: 'address-line1',
        maxLength: ADDRESS_MAX_LENGTH,
        value: values.address,
        error: errors.address,
      })}
      ${postcodeField({ id: 'lt-postcode', value: values.postcode, error: errors.postcode })}
      ${textField({
        id: 'lt-subject',
        name: 'subject',
        label: 'Subject',
        required: true,
        maxLength: SUBJECT_MAX_LENGTH,
        value: values.subject,
        error: errors.subject,
      })}
      ${textAreaField({
        id: 'lt-body',
        name: 'body',
        label: 'Your letter',
        hint: `Start after "Dear ${target.name}," and stop before signing off: we add both. Say why this matters to you. At least ${campaign.min_own_words} words of your own, at most ${LETTER_MAX_LENGTH.toLocaleString('en-GB')} characters.`,
        rows: 14,
        required: true,
        maxLength: LETTER_MAX_LENGTH,
        value: values.body,
        error: errors.body,
        // The civility guard's objection is shown above the form, with the words marked.
        invalid: Boolean(errors.civility),
        describedBy: 'lt-meter',
        after: html`<p class="lt-meter" id="lt-meter" data-letters-meter aria-live="polite"></p>`,
      })}
      ${
        campaign.follow_up === 1
          ? checkboxField({
              name: 'followUp',
              label: `Email me in two weeks to ask whether ${target.name} replied.`,
              checked: values.followUp,
              className: 'pt-check',
            })
          : ''
      }
      ${checkboxField({
        name: 'consent',
        label: CONSENT_WORDING,
        checked: values.consent,
        className: 'pt-check',
      })}
      <button type="submit">Check and send my letter</button>
    </form>
  </section>`;
}

export function checkEmailPage(letter: LetterRow, resent: boolean): SafeHtml {
  return html`<section class="notice">
    <h1>Check your email</h1>
    <p>
      ${resent ? 'We have replaced your earlier letter and sent' : 'We have sent'} a link to
      <strong>${letter.sender_email}</strong>. Your letter to ${letter.target_name} is not sent
      until you open it and confirm, so no one can write in your name.
    </p>
    <p class="hint">Nothing there? Check your spam folder. The link works once.</p>
  </section>`;
}

export function letterPreview(campaign: CampaignRow, letter: LetterRow): SafeHtml {
  return html`<dl class="details lt-headers">
      <dt>To</dt>
      <dd>${letter.target_name}</dd>
      <dt>Subject</dt>
      <dd>${letter.subject}</dd>
    </dl>
    <pre class="lt-letter-text">
${letterText(campaign, letter, { sentByRally: letter.delivery !== 'mailto' })}</pre>`;
}

export function confirmPage(
  campaign: CampaignRow,
  letter: LetterRow,
  action: string,
  csrf: string,
): SafeHtml {
  return html`<section>
    <h1>Confirm your letter</h1>
    <p>This is your letter as ${letter.target_name} will read it.</p>
    ${letterPreview(campaign, letter)}
    <form method="post" action="${action}" class="stack">
      ${csrfField(csrf)}
      <button type="submit">
        ${letter.delivery === 'mailto' ? 'Confirm my letter' : 'Confirm and send'}
      </button>
    </form>
    <p class="hint">
      Want to change something?
      <a href="${campaignPath(campaign)}?target=${letter.target_id}">Write it again</a>: the new
      version replaces this one.
    </p>
  </section>`;
}

function when(iso: string | null): string {
  if (!iso) return 'soon';
  const d = new Date(iso);
  return `${d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
}

export function mailtoSection(
  campaign: CampaignRow,
  letter: LetterRow,
  targetEmail: string | null,
): SafeHtml {
  return html`<section class="lt-mailto">
    <p>
      <a class="button" href="${mailtoLink(campaign, letter, targetEmail)}">Open it in my email</a>
    </p>
    ${
      targetEmail
        ? html`<p>Or send it yourself to <strong>${targetEmail}</strong>:</p>`
        : html`<p>
            Add ${letter.target_name}'s email address (from their official website) before you send
            it. If the button does not work, copy the letter:
          </p>`
    }
    ${letterPreview(campaign, letter)}
  </section>`;
}

export function confirmedPage(
  campaign: CampaignRow,
  letter: LetterRow,
  already: boolean,
  targetEmail: string | null,
): SafeHtml {
  const intro = already ? html`<p>You had already confirmed this letter.</p>` : '';
  switch (letter.status) {
    case 'held':
      return html`<section class="notice">
        <h1>Thank you</h1>
        ${intro}
        <p>
          A moderator will read your letter to ${letter.target_name} before it is sent, because
          parts of it may read as impolite. You will hear from us either way.
        </p>
      </section>`;
    case 'mailto':
      return html`<section>
        <h1>Now send it from your own email</h1>
        ${intro} ${mailtoSection(campaign, letter, targetEmail)}
      </section>`;
    case 'queued':
      return html`<section class="notice">
        <h1>Your letter is on its way</h1>
        ${intro}
        <p>
          ${
            letter.delivery === 'digest'
              ? html`It goes to ${letter.target_name} with the day's other letters on
                ${when(letter.scheduled_for)}.`
              : html`It is queued for ${letter.target_name} and goes out by
                ${when(letter.scheduled_for)}.`
          }
          You will get a copy by email, and their reply comes straight to you.
        </p>
        <p><a href="${campaignPath(campaign)}">Back to the campaign</a></p>
      </section>`;
    case 'unconfirmed':
      return html`<section class="notice">
        <h1>Not sent</h1>
        <p>This letter has not been confirmed.</p>
      </section>`;
    default:
      return html`<section class="notice">
        <h1>Thank you</h1>
        ${intro}
        <p>Your letter to ${letter.target_name} is ${statusPhrase(letter)}.</p>
        <p><a href="${campaignPath(campaign)}">Back to the campaign</a></p>
      </section>`;
  }
}

function statusPhrase(letter: LetterRow): string {
  switch (letter.status) {
    case 'sending':
      return 'being sent';
    case 'sent':
      return 'sent';
    case 'failed':
    case 'bounced':
      return 'not delivered yet: the campaign team has been told';
    case 'rejected':
      return 'not sent: a moderator refused it';
    default:
      return 'withdrawn';
  }
}

export function followUpPage(
  letter: LetterRow,
  action: string,
  csrf: string,
  preferred: 'yes' | 'no' | undefined,
): SafeHtml {
  const button = (answer: 'yes' | 'no', label: string) =>
    html`<button
      type="submit"
      name="answer"
      value="${answer}"
      class="${preferred && preferred !== answer ? 'secondary' : ''}"
    >
      ${label}
    </button>`;
  return html`<section class="notice">
    <h1>Did ${letter.target_name} reply?</h1>
    <p>About your letter "${letter.subject}".</p>
    <form method="post" action="${action}" class="lt-answers">
      ${csrfField(csrf)} ${button('yes', 'Yes, I had a reply')} ${button('no', 'No reply yet')}
    </form>
  </section>`;
}

export function followUpThanks(letter: LetterRow, already: boolean): SafeHtml {
  return html`<section class="notice">
    <h1>Thank you</h1>
    <p>
      ${
        already
          ? 'Your answer was already recorded.'
          : letter.reply === 'yes'
            ? `We have noted that ${letter.target_name} replied.`
            : `We have noted that ${letter.target_name} has not replied yet.`
      }
    </p>
  </section>`;
}
