import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { highlight } from '../civility/civility.views.js';
import type { CivilitySpan } from '../civility/civility.service.js';
import type { TargetListSummary } from '../targets/targets.service.js';
import { STATUS_ACTIONS, type StatusAction, pointsOf } from './campaigns.service.js';
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

function badge(status: LetterStatus): SafeHtml {
  const kind = ['sent', 'mailto'].includes(status)
    ? 'badge-ok'
    : ['failed', 'bounced', 'rejected'].includes(status)
      ? 'badge-bad'
      : status === 'held'
        ? 'badge-warn'
        : '';
  return html`<span class="badge ${kind}">${STATUS_LABELS[status]}</span>`;
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
    ${
      opts.campaigns.length
        ? html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Campaign</th>
                  <th scope="col">Status</th>
                  <th scope="col">Delivery</th>
                  <th scope="col" class="num">Awaiting confirmation</th>
                  <th scope="col" class="num">Held</th>
                  <th scope="col" class="num">Queued</th>
                  <th scope="col" class="num">Delivered</th>
                  <th scope="col" class="num">Failed</th>
                </tr>
              </thead>
              <tbody>
                ${opts.campaigns.map(
                  (c) =>
                    html`<tr>
                      <td>
                        <a href="${adminBase(c)}">${c.title}</a>
                        <span class="hint">/letters/${c.slug}</span>
                      </td>
                      <td>${CAMPAIGN_STATUS_LABELS[c.status]}</td>
                      <td>${DELIVERY_LABELS[c.delivery_mode]}</td>
                      <td class="num">${n(c.id, 'unconfirmed')}</td>
                      <td class="num">${n(c.id, 'held')}</td>
                      <td class="num">${n(c.id, 'queued', 'sending')}</td>
                      <td class="num">${n(c.id, 'sent', 'mailto')}</td>
                      <td class="num">${n(c.id, 'failed', 'bounced')}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p class="empty">
            No letter campaigns yet.${opts.canEdit ? ' Start one with the button above.' : ''}
          </p>`
    }`;
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

function field(
  name: keyof CampaignForm,
  label: string,
  control: SafeHtml,
  errors: Errors,
  hint?: string,
): SafeHtml {
  return html`<div class="${errors[name] ? 'field field-error' : 'field'}">
    <label for="lc-${name}">${label}</label>
    ${hint ? html`<span class="hint">${hint}</span>` : ''} ${control}
    ${errors[name] ? html`<p class="error-message">${errors[name]}</p>` : ''}
  </div>`;
}

function radio(name: string, value: string, current: string, label: string): SafeHtml {
  return html`<label class="pt-check"
    ><input type="radio" name="${name}" value="${value}" ${current === value ? 'checked' : ''} />
    ${label}</label
  >`;
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
  return html`${errorSummary(e)}
    <form method="post" action="${opts.action}" class="stack lt-admin-form">
      ${csrfField(opts.csrf)}
      ${field('title', 'Title', html`<input id="lc-title" name="title" type="text" required maxlength="${TITLE_MAX_LENGTH}" value="${f.title}" />`, e)}
      ${field('slug', 'Web address', html`<input id="lc-slug" name="slug" type="text" maxlength="${SLUG_MAX_LENGTH}" value="${f.slug}" />`, e, 'The end of /letters/… Leave empty to make one from the title.')}
      ${field(
        'targetListId',
        'Write to',
        html`<select id="lc-targetListId" name="targetListId">
          <option value="">Choose a target list</option>
          ${opts.lists.map((l) => html`<option value="${l.id}" ${String(l.id) === f.targetListId ? 'selected' : ''}>${l.name} (${l.targetCount})</option>`)}
        </select>`,
        e,
        'Supporters find their own target in it from their postcode (or choose one, for lists without places).',
      )}
      ${field('brief', 'Brief', html`<textarea id="lc-brief" name="brief" rows="8" maxlength="${BRIEF_MAX_LENGTH}">${f.brief}</textarea>`, e, 'Why supporters should write and what to ask for. Blank lines separate paragraphs.')}
      ${field('points', 'Suggested points', html`<textarea id="lc-points" name="points" rows="6">${f.points}</textarea>`, e, `One per line, at most ${POINTS_MAX}. Shown as guidance beside the editor, never as text to paste.`)}
      ${field('subject', 'Suggested subject (optional)', html`<input id="lc-subject" name="subject" type="text" maxlength="${SUBJECT_MAX_LENGTH}" value="${f.subject}" />`, e)}
      <fieldset>
        <legend>Own words</legend>
        <p class="hint">
          Words that repeat the brief, the points or other letters to the same person do not count.
        </p>
        ${field('minOwnWords', 'At least this many words of their own', html`<input id="lc-minOwnWords" name="minOwnWords" type="number" min="0" max="${MIN_OWN_WORDS_MAX}" value="${f.minOwnWords}" required />`, e)}
        ${field('minOwnPercent', 'And at least this share of the letter (%)', html`<input id="lc-minOwnPercent" name="minOwnPercent" type="number" min="0" max="100" value="${f.minOwnPercent}" required />`, e)}
      </fieldset>
      <fieldset class="${e.reviewPolicy ? 'field-error' : ''}">
        <legend>Letters the civility guard would hold for review</legend>
        ${radio('reviewPolicy', 'hold', f.reviewPolicy, 'Hold them for a moderator to read')}
        ${radio('reviewPolicy', 'block', f.reviewPolicy, 'Refuse them: ask the writer to rephrase')}
        ${e.reviewPolicy ? html`<p class="error-message">${e.reviewPolicy}</p>` : ''}
      </fieldset>
      <fieldset class="${e.deliveryMode ? 'field-error' : ''}">
        <legend>Delivery</legend>
        ${radio('deliveryMode', 'email', f.deliveryMode, 'Email each letter, at most N an hour to each target (below)')}
        ${radio('deliveryMode', 'digest', f.deliveryMode, 'One email a day to each target with that day’s letters')}
        ${radio('deliveryMode', 'mailto', f.deliveryMode, 'Supporters send it from their own email (mailto link)')}
        ${e.deliveryMode ? html`<p class="error-message">${e.deliveryMode}</p>` : ''}
        ${field('hourlyLimit', 'Letters per target per hour (N)', html`<input id="lc-hourlyLimit" name="hourlyLimit" type="number" min="1" max="${HOURLY_LIMIT_MAX}" value="${f.hourlyLimit}" required />`, e)}
      </fieldset>
      <label class="pt-check"
        ><input type="checkbox" name="followUp" value="1" ${f.followUp ? 'checked' : ''} /> Two
        weeks after delivery, ask senders whether they had a reply</label
      >
      <button type="submit">${opts.submitLabel}</button>
    </form>`;
}

function percent(part: number, whole: number): string {
  return whole ? `${Math.round((part * 100) / whole)}%` : '—';
}

export function responseTable(rows: ResponseRow[]): SafeHtml {
  if (!rows.length) return html`<p class="empty">No letters delivered yet.</p>`;
  return html`<div class="table-wrap">
    <table class="lt-responses">
      <thead>
        <tr>
          <th scope="col">Target</th>
          <th scope="col" class="num">Letters delivered</th>
          <th scope="col" class="num">Senders asked</th>
          <th scope="col" class="num">Had a reply</th>
          <th scope="col" class="num">No reply</th>
          <th scope="col" class="num">Reply rate</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              <td>${r.targetName}</td>
              <td class="num">${r.delivered}</td>
              <td class="num">${r.asked}</td>
              <td class="num">${r.yes}</td>
              <td class="num">${r.no}</td>
              <td class="num">${percent(r.yes, r.yes + r.no)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
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
  const actions = (
    Object.entries(STATUS_ACTIONS) as [StatusAction, (typeof STATUS_ACTIONS)[StatusAction]][]
  ).filter(([, rule]) => (rule.from as readonly string[]).includes(c.status));
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
            ${actions.map(
              ([action, rule]) =>
                html`<form method="post" action="${adminBase(c)}/status" class="inline-form">
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
    <h2 id="letters">Letters${opts.statusFilter ? `: ${STATUS_LABELS[opts.statusFilter]}` : ''}</h2>
    ${opts.statusFilter ? html`<p><a href="${adminBase(c)}">Show every letter</a></p>` : ''}
    ${
      opts.letters.length
        ? html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Written</th>
                    <th scope="col">From</th>
                    <th scope="col">To</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">Own words</th>
                    <th scope="col">Reply</th>
                  </tr>
                </thead>
                <tbody>
                  ${opts.letters.map(
                    (l) =>
                      html`<tr>
                        <td>
                          ${
                            opts.canModerate
                              ? html`<a href="${letterBase(l)}">${date(l.created_at)}</a>`
                              : date(l.created_at)
                          }
                        </td>
                        <td>${l.sender_name} <span class="hint">${l.sender_postcode}</span></td>
                        <td>${l.target_name}</td>
                        <td>
                          ${badge(l.status)}${
                            l.delivery_error
                              ? html`<span class="hint">${l.delivery_error}</span>`
                              : ''
                          }
                        </td>
                        <td class="num">${l.own_percent}%</td>
                        <td>${l.reply === 'yes' ? 'Yes' : l.reply === 'no' ? 'No' : ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${
              opts.pages > 1
                ? html`<nav class="pagination" aria-label="Pages">
                    ${opts.page > 1 ? html`<a href="${pageLink(opts.page - 1)}">Previous</a>` : ''}
                    <span>Page ${opts.page} of ${opts.pages} (${opts.total} letters)</span>
                    ${opts.page < opts.pages ? html`<a href="${pageLink(opts.page + 1)}">Next</a>` : ''}
                  </nav>`
                : ''
            }`
        : html`<p class="empty">No letters${opts.statusFilter ? ' with this status' : ' yet'}.</p>`
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
        ${badge(l.status)}${l.delivery_error ? html` <span class="hint">${l.delivery_error}</span>` : ''}
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
        ? html`<form method="post" action="${letterBase(l)}/retry" class="inline-form">
            ${csrfField(opts.csrf)}<button type="submit">Send again</button>
          </form>`
        : ''
    }`;
}

export function notFound(what: string): SafeHtml {
  return html`<p>There is no such ${what}. <a href="/admin/letters">Back to letters</a></p>`;
}
