import {
  checkboxField,
  errorSummary,
  formFields,
  postButton,
  radioGroup,
  selectField,
} from '../../infra/html/form-controls.js';
import { type BadgeTone, badge, percent } from '../../infra/html/format.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { pagination } from '../../infra/html/pagination.js';
import { dataTable } from '../../infra/html/tables.js';
import { highlight } from '../civility/civility.views.js';
import type { CivilitySpan } from '../civility/civility.service.js';
import type { TargetListSummary } from '../targets/targets.service.js';
import { CAMPAIGN_STATUS, pointsOf } from './campaigns.service.js';
import type { CampaignRow, LetterRow, ResponseRow } from './letters.repository.js';
import {
  BRIEF_MAX_LENGTH,
  type CampaignForm,
  DEFAULT_HOURLY_LIMIT,
  DEFAULT_MIN_OWN_PERCENT,
  DEFAULT_MIN_OWN_WORDS,
  type Errors,
  HOURLY_LIMIT_MAX,
  MIN_OWN_WORDS_MAX,
  POINTS_MAX,
  SLUG_MAX_LENGTH,
  SUBJECT_MAX_LENGTH,
  TITLE_MAX_LENGTH,
} from './letters.rules.js';
import { MODERATION_NOTE_MAX_LENGTH } from './letters.service.js';
import { LETTER_STATUSES, type LetterStatus } from './letters.tables.js';
import { campaignPath } from './letters.public.views.js';

export const STATUS_LABELS: Record<LetterStatus, string> = {
  unconfirmed: 'Awaiting confirmation',
  held: 'Held for a moderator',
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  bounced: 'Bounced',
  mailto: 'Sent by the supporter',
  rejected: 'Refused by a moderator',
  withdrawn: 'Withdrawn',
};

const CAMPAIGN_STATUS_LABELS: Record<CampaignRow['status'], string> = {
  draft: 'Draft',
  open: 'Open',
  closed: 'Closed',
};

const DELIVERY_LABELS: Record<CampaignRow['delivery_mode'], string> = {
  email: 'Email, throttled per target',
  digest: 'Daily digest per target',
  mailto: 'Supporters send from their own email',
};

export function adminBase(c: { id: number }): string {
  return `/admin/letters/${c.id}`;
}

export function letterBase(l: { id: number }): string {
  return `/admin/letters/letter/${l.id}`;
}

function date(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

const STATUS_TONES: Partial<Record<LetterStatus, BadgeTone>> = {
  sent: 'ok',
  mailto: 'ok',
  failed: 'bad',
  bounced: 'bad',
  rejected: 'bad',
  held: 'warn',
};

function statusBadge(status: LetterStatus): SafeHtml {
  return badge(STATUS_LABELS[status], STATUS_TONES[status]);
}

export function listPage(opts: {
  campaigns: CampaignRow[];
  counts: Map<number, Partial<Record<LetterStatus, number>>>;
  held: number;
  canEdit: boolean;
  canModerate: boolean;
}): SafeHtml {
  const n = (id: number, ...statuses: LetterStatus[]) =>
    statuses.reduce((sum, s) => sum + (opts.counts.get(id)?.[s] ?? 0), 0);
  return html`<div class="pt-actions">
      ${opts.canEdit ? html`<a class="button" href="/admin/letters/new">New letter campaign</a>` : ''}
      ${
        opts.canModerate
          ? html`<a class="button secondary" href="/admin/letters/held"
              >Held letters (${opts.held})</a
            >`
          : ''
      }
    </div>
    ${dataTable({
      columns: [
        {
          label: 'Campaign',
          cell: (c) =>
            html`<a href="${adminBase(c)}">${c.title}</a>
              <span class="hint">/letters/${c.slug}</span>`,
        },
        { label: 'Status', cell: (c) => CAMPAIGN_STATUS_LABELS[c.status] },
        { label: 'Delivery', cell: (c) => DELIVERY_LABELS[c.delivery_mode] },
        { label: 'Awaiting confirmation', numeric: true, cell: (c) => n(c.id, 'unconfirmed') },
        { label: 'Held', numeric: true, cell: (c) => n(c.id, 'held') },
        { label: 'Queued', numeric: true, cell: (c) => n(c.id, 'queued', 'sending') },
        { label: 'Delivered', numeric: true, cell: (c) => n(c.id, 'sent', 'mailto') },
        { label: 'Failed', numeric: true, cell: (c) => n(c.id, 'failed', 'bounced') },
      ],
      rows: opts.campaigns,
      empty: `No letter campaigns yet.${opts.canEdit ? ' Start one with the button above.' : ''}`,
    })}`;
}

export function emptyForm(): CampaignForm {
  return {
    title: '',
    slug: '',
    targetListId: '',
    brief: '',
    points: '',
    subject: '',
    minOwnWords: String(DEFAULT_MIN_OWN_WORDS),
    minOwnPercent: String(DEFAULT_MIN_OWN_PERCENT),
    reviewPolicy: 'hold',
    deliveryMode: 'email',
    hourlyLimit: String(DEFAULT_HOURLY_LIMIT),
    followUp: true,
  };
}

export function formOf(c: CampaignRow): CampaignForm {
  return {
    title: c.title,
    slug: c.slug,
    targetListId: String(c.target_list_id),
    brief: c.brief,
    points: pointsOf(c).join('\n'),
    subject: c.subject ?? '',
    minOwnWords: String(c.min_own_words),
    minOwnPercent: String(c.min_own_percent),
    reviewPolicy: c.review_policy,
    deliveryMode: c.delivery_mode,
    hourlyLimit: String(c.hourly_limit),
    followUp: c.follow_up === 1,
  };
}

export function campaignForm(opts: {
  action: string;
  form: CampaignForm;
  errors: Errors;
  csrf: string;
  lists: TargetListSummary[];
  submitLabel: string;
}): SafeHtml {
  const f = opts.form;
  const e = opts.errors;
  const field = formFields('lc', f, e);
  return html`${errorSummary(e)}
    <form method="post" action="${opts.action}" class="stack lt-admin-form">
      ${csrfField(opts.csrf)}
      ${field.text('title', 'Title', { required: true, maxLength: TITLE_MAX_LENGTH })}
      ${field.text('slug', 'Web address', { maxLength: SLUG_MAX_LENGTH, hint: 'The end of /letters/… Leave empty to make one from the title.' })}
      ${selectField({
        id: 'lc-targetListId',
        name: 'targetListId',
        label: 'Write to',
        hint: 'Supporters find their own target in it from their postcode (or choose one, for lists without places).',
        emptyOption: 'Choose a target list',
        options: opts.lists.map((l) => ({ value: l.id, label: `${l.name} (${l.targetCount})` })),
        value: f.targetListId,
        error: e.targetListId,
      })}
      ${field.textArea('brief', 'Brief', { rows: 8, maxLength: BRIEF_MAX_LENGTH, hint: 'Why supporters should write and what to ask for. Blank lines separate paragraphs.' })}
      ${field.textArea('points', 'Suggested points', { rows: 6, hint: `One per line, at most ${POINTS_MAX}. Shown as guidance beside the editor, never as text to paste.` })}
      ${field.text('subject', 'Suggested subject (optional)', { maxLength: SUBJECT_MAX_LENGTH })}
      <fieldset>
        <legend>Own words</legend>
        <p class="hint">
          Words that repeat the brief, the points or other letters to the same person do not count.
        </p>
        ${field.text('minOwnWords', 'At least this many words of their own', { type: 'number', min: 0, max: MIN_OWN_WORDS_MAX, required: true })}
        ${field.text('minOwnPercent', 'And at least this share of the letter (%)', { type: 'number', min: 0, max: 100, required: true })}
      </fieldset>
      ${radioGroup({
        name: 'reviewPolicy',
        legend: 'Letters the civility guard would hold for review',
        className: 'pt-check',
        value: f.reviewPolicy,
        error: e.reviewPolicy,
        options: [
          { value: 'hold', label: 'Hold them for a moderator to read' },
          { value: 'block', label: 'Refuse them: ask the writer to rephrase' },
        ],
      })}
      ${radioGroup({
        name: 'deliveryMode',
        legend: 'Delivery',
        className: 'pt-check',
        value: f.deliveryMode,
        error: e.deliveryMode,
        options: [
          { value: 'email', label: 'Email each letter, at most N an hour to each target (below)' },
          { value: 'digest', label: 'One email a day to each target with that day’s letters' },
          { value: 'mailto', label: 'Supporters send it from their own email (mailto link)' },
        ],
        after: field.text('hourlyLimit', 'Letters per target per hour (N)', {
          type: 'number',
          min: 1,
          max: HOURLY_LIMIT_MAX,
          required: true,
        }),
      })}
      ${checkboxField({
        name: 'followUp',
        label: 'Two weeks after delivery, ask senders whether they had a reply',
        checked: f.followUp,
        className: 'pt-check',
      })}
      <button type="submit">${opts.submitLabel}</button>
    </form>`;
}

export function responseTable(rows: ResponseRow[]): SafeHtml {
  return dataTable({
    className: 'lt-responses',
    columns: [
      { label: 'Target', cell: (r) => r.targetName },
      { label: 'Letters delivered', numeric: true, cell: (r) => r.delivered },
      { label: 'Senders asked', numeric: true, cell: (r) => r.asked },
      { label: 'Had a reply', numeric: true, cell: (r) => r.yes },
      { label: 'No reply', numeric: true, cell: (r) => r.no },
      { label: 'Reply rate', numeric: true, cell: (r) => percent(r.yes, r.yes + r.no) },
    ],
    rows,
    empty: 'No letters delivered yet.',
  });
}

export function detailPage(opts: {
  campaign: CampaignRow;
  listName: string;
  counts: Partial<Record<LetterStatus, number>>;
  responses: ResponseRow[];
  missingEmail: { targetId: number; targetName: string; letters: number }[];
  letters: LetterRow[];
  total: number;
  page: number;
  pages: number;
  statusFilter: LetterStatus | undefined;
  canEdit: boolean;
  canModerate: boolean;
  csrf: string;
}): SafeHtml {
  const c = opts.campaign;
  const actions = CAMPAIGN_STATUS.offered(c.status);
  const pageLink = (p: number) =>
    `${adminBase(c)}?page=${p}${opts.statusFilter ? `&status=${opts.statusFilter}` : ''}`;
  return html`<p>
      <strong>${CAMPAIGN_STATUS_LABELS[c.status]}</strong> ·
      ${
        c.status === 'draft'
          ? html`<span class="hint">/letters/${c.slug} (not public yet)</span>`
          : html`<a href="${campaignPath(c)}">/letters/${c.slug}</a>`
      }
    </p>
    <dl class="details">
      <dt>Writing to</dt>
      <dd>${opts.listName}</dd>
      <dt>Delivery</dt>
      <dd>
        ${DELIVERY_LABELS[c.delivery_mode]}${
          c.delivery_mode === 'email' ? ` (at most ${c.hourly_limit} an hour to each target)` : ''
        }
      </dd>
      <dt>Own words required</dt>
      <dd>${c.min_own_words} words and ${c.min_own_percent}% of the letter</dd>
      <dt>Letters the guard would hold</dt>
      <dd>${c.review_policy === 'hold' ? 'Held for a moderator' : 'Refused'}</dd>
      <dt>Follow-up after two weeks</dt>
      <dd>${c.follow_up ? 'On' : 'Off'}</dd>
    </dl>
    ${
      opts.canEdit
        ? html`<div class="pt-actions">
            <a class="button secondary" href="${adminBase(c)}/edit">Edit</a>
            ${actions.map(([action, rule]) =>
              postButton({
                action: `${adminBase(c)}/status`,
                csrf: opts.csrf,
                fields: { action },
                label: rule.label,
              }),
            )}
          </div>`
        : ''
    }
    <h2>Letters by status</h2>
    <ul class="lt-counts">
      ${LETTER_STATUSES.filter((s) => opts.counts[s]).map(
        (s) =>
          html`<li>
            <a href="${adminBase(c)}?status=${s}">${STATUS_LABELS[s]}</a>: ${opts.counts[s]}
          </li>`,
      )}
    </ul>
    <h2>Replies by target</h2>
    ${responseTable(opts.responses)}
    ${
      opts.missingEmail.length && c.delivery_mode !== 'mailto'
        ? html`<h2>Targets without an email address</h2>
            <p class="hint">
              Letters to these people were handed to their writers to send from their own email. Add
              their addresses on the <a href="/admin/targets">Targets</a> page.
            </p>
            <ul>
              ${opts.missingEmail.map(
                (m) =>
                  html`<li>${m.targetName}: ${m.letters} letter${m.letters === 1 ? '' : 's'}</li>`,
              )}
            </ul>`
        : ''
    }
    <p><a href="${adminBase(c)}/curve">Letters over time</a> (chart and CSV)</p>
    <h2 id="letters">Letters${opts.statusFilter ? `: ${STATUS_LABELS[opts.statusFilter]}` : ''}</h2>
    ${opts.statusFilter ? html`<p><a href="${adminBase(c)}">Show every letter</a></p>` : ''}
    ${dataTable({
      columns: [
        {
          label: 'Written',
          cell: (l) =>
            opts.canModerate
              ? html`<a href="${letterBase(l)}">${date(l.created_at)}</a>`
              : date(l.created_at),
        },
        {
          label: 'From',
          cell: (l) => html`${l.sender_name} <span class="hint">${l.sender_postcode}</span>`,
        },
        { label: 'To', cell: (l) => l.target_name },
        {
          label: 'Status',
          cell: (l) =>
            html`${statusBadge(l.status)}${l.delivery_error ? html`<span class="hint">${l.delivery_error}</span>` : ''}`,
        },
        { label: 'Own words', numeric: true, cell: (l) => `${l.own_percent}%` },
        {
          label: 'Reply',
          cell: (l) => (l.reply === 'yes' ? 'Yes' : l.reply === 'no' ? 'No' : ''),
        },
      ],
      rows: opts.letters,
      empty: `No letters${opts.statusFilter ? ' with this status' : ' yet'}.`,
    })}
    ${
      opts.letters.length
        ? pagination({
            page: opts.page,
            pageCount: opts.pages,
            href: pageLink,
            note: `${opts.total} letters`,
          })
        : ''
    }`;
}

export function moderationForm(letter: LetterRow, csrf: string): SafeHtml {
  return html`<form method="post" action="${letterBase(letter)}/moderate" class="stack lt-moderate">
    ${csrfField(csrf)}
    <label for="lt-note-${letter.id}">Note to the writer (optional, sent if you refuse)</label>
    <textarea
      id="lt-note-${letter.id}"
      name="note"
      rows="2"
      maxlength="${MODERATION_NOTE_MAX_LENGTH}"
    ></textarea>
    <div class="pt-actions">
      <button type="submit" name="decision" value="approve">Approve and send</button>
      <button type="submit" name="decision" value="reject" class="danger">Refuse</button>
    </div>
  </form>`;
}

export function heldPage(opts: {
  letters: (LetterRow & { campaign_title: string; spans: CivilitySpan[]; text: string })[];
  csrf: string;
}): SafeHtml {
  if (!opts.letters.length)
    return html`<p class="empty">No letters are waiting for a moderator.</p>`;
  return html`<p>
      The civility guard held these letters for a person to read. Approved letters go on to their
      delivery queue; refused ones are not sent and their writers are told.
    </p>
    ${opts.letters.map(
      (l) =>
        html`<article class="card lt-held">
          <h2>
            <a href="${letterBase(l)}">${l.subject}</a>
          </h2>
          <p class="hint">
            ${l.sender_name} to ${l.target_name} · ${l.campaign_title} · confirmed
            ${date(l.confirmed_at)} · score ${l.civility_score.toFixed(2)}
          </p>
          <p class="lt-letter-text">${highlight(l.text, l.spans)}</p>
          ${moderationForm(l, opts.csrf)}
        </article>`,
    )}`;
}

export function letterPage(opts: {
  letter: LetterRow;
  campaign: CampaignRow;
  text: string;
  spans: CivilitySpan[];
  canEdit: boolean;
  canModerate: boolean;
  csrf: string;
}): SafeHtml {
  const l = opts.letter;
  return html`<p><a href="${adminBase(opts.campaign)}">${opts.campaign.title}</a></p>
    <dl class="details">
      <dt>Status</dt>
      <dd>
        ${statusBadge(l.status)}${l.delivery_error ? html` <span class="hint">${l.delivery_error}</span>` : ''}
      </dd>
      <dt>From</dt>
      <dd>
        ${l.sender_name} &lt;${l.sender_email}&gt;,
        ${[l.sender_address, l.sender_postcode].filter(Boolean).join(', ')}
      </dd>
      <dt>To</dt>
      <dd>${l.target_name}${l.target_email ? ` <${l.target_email}>` : ''}</dd>
      <dt>Written</dt>
      <dd>${date(l.created_at)}</dd>
      <dt>Confirmed</dt>
      <dd>${date(l.confirmed_at) || 'Not yet'}</dd>
      ${
        l.scheduled_for
          ? html`<dt>Delivery slot</dt>
              <dd>${date(l.scheduled_for)} UTC</dd>`
          : ''
      }
      ${
        l.delivered_at
          ? html`<dt>Delivered</dt>
              <dd>${date(l.delivered_at)}</dd>`
          : ''
      }
      <dt>Own words</dt>
      <dd>
        ${l.own_words} of ${l.word_count} (${l.own_percent}%); ${l.brief_similarity}% of its phrases
        from the brief, ${l.letter_similarity}% shared with the closest other letter
      </dd>
      <dt>Civility</dt>
      <dd>score ${l.civility_score.toFixed(2)}${l.needs_review ? ', held for review' : ''}</dd>
      ${
        l.reply
          ? html`<dt>Reply</dt>
              <dd>${l.reply === 'yes' ? 'Had a reply' : 'No reply yet'}</dd>`
          : ''
      }
      ${
        l.moderation_note
          ? html`<dt>Moderator's note</dt>
              <dd>${l.moderation_note}</dd>`
          : ''
      }
    </dl>
    <h2>Subject: ${l.subject}</h2>
    <p class="lt-letter-text">${highlight(opts.text, opts.spans)}</p>
    ${opts.canModerate && l.status === 'held' ? moderationForm(l, opts.csrf) : ''}
    ${
      opts.canEdit && l.status === 'sent'
        ? html`<form method="post" action="${letterBase(l)}/bounced" class="stack">
            ${csrfField(opts.csrf)}
            <label for="lt-bounce">A bounce came back for this letter: what did it say?</label>
            <input
              id="lt-bounce"
              name="note"
              type="text"
              maxlength="${MODERATION_NOTE_MAX_LENGTH}"
            />
            <button type="submit" class="secondary">Mark as bounced</button>
          </form>`
        : ''
    }
    ${
      opts.canEdit && l.status === 'failed'
        ? postButton({ action: `${letterBase(l)}/retry`, csrf: opts.csrf, label: 'Send again' })
        : ''
    }`;
}
