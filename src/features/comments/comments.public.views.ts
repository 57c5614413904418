import {
  checkboxField,
  errorNotice,
  errorSummary,
  radioGroup,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { confirmButtonPage } from '../../infra/html/confirm-button.js';
import { type SafeHtml, html, when } from '../../infra/html/html.js';
import { pagination } from '../../infra/html/pagination.js';
import { linkifyText } from '../../infra/html/linkify.js';
import type { CivilityAssessment } from '../civility/civility.service.js';
import { civilityReasons, highlight } from '../civility/civility.views.js';
import type { FormErrors } from './comment-input.js';
import type { CommentThread } from './comment-thread.js';
import {
  COMMENT_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  EDIT_WINDOW_MS,
  REPORT_NOTE_MAX_LENGTH,
} from './comments.limits.js';
import type { CommentRow, CommenterRow } from './comments.repository.js';
import type { CommentsPreview } from './comments.service.js';
import { REPORT_REASONS, type ReportReason } from './comments.tables.js';
import { CONSENT_WORDING } from './posting.service.js';
import type { CommentNode } from './thread-page.service.js';
import { honeypotField } from '../../infra/html/honeypot.js';

export const HONEYPOT_FIELD = 'website';
/** Preview comments longer than this are cut at a word boundary. */
export const PREVIEW_EXCERPT_LENGTH = 280;

export const REPORT_REASON_LABELS: Record<ReportReason, string> = {
  abusive: 'Abusive or hateful',
  spam: 'Spam or advertising',
  'off-topic': 'Off-topic',
  other: 'Something else',
};

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/London',
  });
}

export function timeTag(iso: string): SafeHtml {
  return html`<time datetime="${iso}">${formatTime(iso)}</time>`;
}

/** Plain text as written: escaped, line breaks kept (CSS), web addresses made links. */
export function commentBody(text: string): SafeHtml {
  return html`<div class="cm-body">${linkifyText(text)}</div>`;
}

export function excerpt(text: string, max = PREVIEW_EXCERPT_LENGTH): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

// ---- the embedded preview ----------------------------------------------------------------------

/**
 * A section for another feature's public page: how many comments, the latest few (plain text,
 * escaped and auto-linked) and links to the discussion. The same for every visitor (no names
 * of the reader, no form token), so the page around it can be cached publicly. Empty when the
 * page has no thread.
 */
export function commentsPreviewSection({ thread, count, latest }: CommentsPreview): SafeHtml {
  if (!thread) return html``;
  return html`<section class="cm-preview" aria-labelledby="cm-preview-${thread.id}">
    <h2 id="cm-preview-${thread.id}">Discussion</h2>
    <p class="cm-count">
      ${count === 0 ? 'No comments yet.' : plural(count, 'comment', 'comments')}
    </p>
    ${when(
      latest.length > 0,
      () =>
        html`<ol class="cm-preview-list">
          ${latest.map(
            (c) =>
              html`<li>
                <article class="cm-comment">
                  <header class="cm-head">
                    <strong class="cm-author">${c.author_name}</strong> ${timeTag(c.created_at)}
                  </header>
                  ${commentBody(excerpt(c.body))}
                </article>
              </li>`,
          )}
        </ol>`,
    )}
    <p class="cm-preview-links">
      <a href="${thread.path}">Read the discussion</a>
      ${
        thread.open
          ? html` · <a href="${thread.path}#form">Add a comment</a>`
          : html` · <span>Comments are closed.</span>`
      }
    </p>
  </section>`;
}

// ---- the thread page ---------------------------------------------------------------------------

export interface FormState {
  body?: string;
  name?: string;
  email?: string;
  consent?: boolean;
  errors?: FormErrors;
  blocked?: { text: string; assessment: CivilityAssessment };
}

export interface ThreadPageModel {
  thread: CommentThread;
  nodes: CommentNode[];
  visibleCount: number;
  page: number;
  pageCount: number;
  commenter: CommenterRow | undefined;
  /** The recognised commenter's own comments on this thread waiting for a moderator. */
  awaiting: CommentRow[];
  replyTo: CommentRow | undefined;
  form: FormState;
  csrf: string;
  canEdit: (c: CommentRow) => boolean;
}

function pageHref(thread: CommentThread, page: number): string {
  return page === 1 ? thread.path : `${thread.path}?page=${page}`;
}

function commentActions(m: ThreadPageModel, c: CommentRow): SafeHtml {
  const pageQuery = m.page === 1 ? '' : `page=${m.page}&`;
  return html`<p class="cm-actions">
    ${when(
      m.thread.open,
      () =>
        html`<a href="${m.thread.path}?${pageQuery}reply=${c.id}#form"
          >Reply<span class="cm-vh"> to ${c.author_name}</span></a
        >`,
    )}
    <a href="${m.thread.path}/c/${c.id}/report"
      >Report<span class="cm-vh"> this comment by ${c.author_name}</span></a
    >
    ${when(m.canEdit(c), () => html`<a href="${m.thread.path}/c/${c.id}/edit">Edit</a>`)}
  </p>`;
}

function commentArticle(m: ThreadPageModel, node: CommentNode): SafeHtml {
  const c = node.comment;
  if (!node.visible)
    return html`<article class="cm-comment cm-removed" id="comment-${c.id}">
      <p class="muted">
        ${
          c.status === 'rejected'
            ? 'This comment was removed by a moderator.'
            : 'This comment is awaiting moderation.'
        }
      </p>
    </article>`;
  return html`<article class="cm-comment" id="comment-${c.id}">
    <header class="cm-head">
      <strong class="cm-author">${c.author_name}</strong>
      ${when(node.inReplyTo, () => html`<span class="cm-reply-to">in reply to ${node.inReplyTo}</span>`)}
      <a class="cm-permalink" href="#comment-${c.id}">${timeTag(c.created_at)}</a>
      ${when(c.edited_at, () => html`<span class="cm-edited">(edited)</span>`)}
    </header>
    ${commentBody(c.body)} ${commentActions(m, c)}
  </article>`;
}

function nodeList(m: ThreadPageModel, nodes: CommentNode[], cls: string): SafeHtml {
  return html`<ol class="${cls}">
    ${nodes.map(
      (n) =>
        html`<li>
          ${commentArticle(m, n)}
          ${when(n.replies.length > 0, () => nodeList(m, n.replies, 'cm-replies'))}
        </li>`,
    )}
  </ol>`;
}

/** Why the guard refused a text, with the words it objected to marked, inviting a rewrite. */
export function blockedNotice(text: string, assessment: CivilityAssessment): SafeHtml {
  const labels = assessment.labels.length ? assessment.labels.join(', ') : 'incivility';
  return html`<div class="flash flash-error cm-blocked" role="alert">
    <p>
      <strong>Please rephrase your comment.</strong> Our civility guard would not publish it: it
      reads as <span class="cm-labels">${labels}</span>. Criticise ideas and decisions as sharply as
      you like, but not people. The marked words are the problem:
    </p>
    <p class="cm-highlighted">${highlight(text, assessment.spans)}</p>
    ${civilityReasons(assessment.reasons)}
    <p class="hint">
      Nothing was saved. See the <a href="/moderation-policy">moderation policy</a>.
    </p>
  </div>`;
}

function postForm(m: ThreadPageModel): SafeHtml {
  const { thread, form, commenter, replyTo } = m;
  const errors = form.errors ?? {};
  return html`<form method="post" action="${thread.path}" class="stack cm-form">
    <input type="hidden" name="_csrf" value="${m.csrf}" />
    ${when(replyTo, () => html`<input type="hidden" name="parent" value="${replyTo!.id}" />`)}
    ${honeypotField({ name: HONEYPOT_FIELD, id: `cm-${HONEYPOT_FIELD}`, className: 'cm-hp' })}
    ${
      commenter
        ? html`<p class="cm-posting-as">
            Posting as <strong>${commenter.display_name}</strong>.
            <button type="submit" class="link" form="cm-forget">Not you?</button>
          </p>`
        : html`${textField({
            id: 'cm-name',
            name: 'name',
            label: 'Your name',
            hint: 'Shown with your comment.',
            autocomplete: 'name',
            required: true,
            maxLength: DISPLAY_NAME_MAX_LENGTH,
            value: form.name,
            error: errors.name,
          })}
          ${textField({
            id: 'cm-email',
            name: 'email',
            label: 'Email',
            hint: 'Never shown. We email you a link to confirm your first comment.',
            type: 'email',
            autocomplete: 'email',
            required: true,
            maxLength: 254,
            value: form.email,
            error: errors.email,
          })}`
    }
    ${textAreaField({
      id: 'cm-body',
      name: 'body',
      label: replyTo ? 'Your reply' : 'Your comment',
      hint: `Plain text; web addresses become links. Up to ${COMMENT_MAX_LENGTH.toLocaleString('en-GB')} characters.`,
      rows: 5,
      required: true,
      value: form.body,
      error: errors.body,
    })}
    ${when(!commenter, () =>
      checkboxField({
        name: 'consent',
        label: CONSENT_WORDING,
        checked: Boolean(form.consent),
        className: 'cm-check',
      }),
    )}
    <button type="submit">${replyTo ? 'Post reply' : 'Post comment'}</button>
  </form>`;
}

function formSection(m: ThreadPageModel): SafeHtml {
  const { thread, replyTo, form } = m;
  if (!thread.open)
    return html`<section id="form" class="cm-closed">
      <h2>Comments are closed</h2>
      <p>This discussion no longer takes new comments. You can still read and report them.</p>
    </section>`;
  return html`<section id="form" class="cm-form-section" aria-labelledby="cm-form-h">
    <h2 id="cm-form-h">${replyTo ? html`Reply to ${replyTo.author_name}` : 'Add a comment'}</h2>
    ${when(
      replyTo,
      () =>
        html`<blockquote class="cm-quote">${excerpt(replyTo!.body, 200)}</blockquote>
          <p><a href="${thread.path}#form">Cancel the reply</a></p>`,
    )}
    ${when(
      thread.mode === 'pre',
      () =>
        html`<p class="hint">
          This discussion is moderated before publication: comments appear once a moderator has
          approved them.
        </p>`,
    )}
    ${errorSummary(form.errors ?? {}, { intro: 'Your comment was not posted:' })}
    ${when(form.blocked, () => blockedNotice(form.blocked!.text, form.blocked!.assessment))}
    ${postForm(m)}
    ${when(
      m.commenter,
      () =>
        html`<form method="post" action="/comments/forget" id="cm-forget" class="cm-forget">
          <input type="hidden" name="_csrf" value="${m.csrf}" />
          <input type="hidden" name="thread" value="${thread.id}" />
        </form>`,
    )}
    ${when(
      m.awaiting.length > 0,
      () =>
        html`<section class="cm-awaiting" aria-labelledby="cm-awaiting-h">
          <h3 id="cm-awaiting-h">Your comments awaiting moderation</h3>
          <ul>
            ${m.awaiting.map(
              (c) =>
                html`<li>
                  ${excerpt(c.body, 200)} <small>${timeTag(c.created_at)}</small>
                  ${when(
                    m.canEdit(c),
                    () => html`<a href="${thread.path}/c/${c.id}/edit">Edit</a>`,
                  )}
                </li>`,
            )}
          </ul>
        </section>`,
    )}
  </section>`;
}

export function threadPage(m: ThreadPageModel): SafeHtml {
  const { thread } = m;
  return html`<p class="cm-back"><a href="${thread.url}">← Back to “${thread.title}”</a></p>
    <h1>Discussion: <a href="${thread.url}">${thread.title}</a></h1>
    <p class="cm-meta">
      ${plural(m.visibleCount, 'comment', 'comments')} ·
      <a href="/moderation-policy">Moderation policy</a>
    </p>
    ${formSection(m)}
    <section class="cm-list" aria-labelledby="cm-list-h">
      <h2 id="cm-list-h">Comments</h2>
      ${
        m.nodes.length === 0
          ? html`<p class="empty">
              ${m.page > 1 ? 'There are no comments on this page.' : 'No comments yet: be the first.'}
            </p>`
          : nodeList(m, m.nodes, 'cm-thread')
      }
      ${pagination({
        page: m.page,
        pageCount: m.pageCount,
        href: (page) => pageHref(m.thread, page),
        label: 'Comment pages',
        previous: 'Newer comments',
        next: 'Older comments',
      })}
    </section>`;
}

// ---- other public pages ------------------------------------------------------------------------

export function threadIndexPage(
  threads: { id: number; title: string; open: number; visible: number }[],
  pages: SafeHtml | '' = '',
): SafeHtml {
  return html`<h1>Discussions</h1>
    <p>
      Talk about the campaign with other supporters. Please read the
      <a href="/moderation-policy">moderation policy</a> first.
    </p>
    ${
      threads.length === 0
        ? html`<p class="empty">No discussions yet.</p>`
        : html`<ul class="cm-index">
            ${threads.map(
              (t) =>
                html`<li>
                  <a href="/comments/${t.id}">${t.title}</a>
                  <span class="muted"
                    >${plural(t.visible, 'comment', 'comments')}${t.open === 1 ? '' : ' · closed'}</span
                  >
                </li>`,
            )}
          </ul>`
    }
    ${pages}`;
}

export function checkEmailPage(thread: CommentThread, email: string): SafeHtml {
  return html`<section class="notice">
    <h1>Check your email</h1>
    <p>
      We have sent a link to <strong>${email}</strong>. Open it to confirm your address: your
      comment is not posted until you do.
    </p>
    <p>
      ${
        thread.mode === 'pre'
          ? 'Once confirmed, your comment waits for a moderator before it appears.'
          : 'Once confirmed, your comment appears unless it needs a moderator first.'
      }
    </p>
    <p><a href="${thread.path}">Back to the discussion</a></p>
  </section>`;
}

/** The mailed link's page: one button, so only a person pressing it confirms. */
export function confirmPage(thread: CommentThread, action: string, csrf: string): SafeHtml {
  return confirmButtonPage({
    heading: 'Confirm your comment',
    explanation: html`Press the button to confirm your email address and send your comment on
      <a href="${thread.path}">${thread.title}</a>.`,
    action,
    token: { field: '_csrf', value: csrf },
    button: 'Confirm my comment',
  });
}

export function editPage(opts: {
  thread: CommentThread;
  comment: CommentRow;
  csrf: string;
  error?: string;
  blocked?: CivilityAssessment;
}): SafeHtml {
  const { thread, comment } = opts;
  const minutes = EDIT_WINDOW_MS / 60_000;
  return html`<p class="cm-back"><a href="${thread.path}">← Back to the discussion</a></p>
    <h1>Edit your comment</h1>
    <p class="hint">
      You can edit a comment for ${minutes} minutes after posting it. The new text is checked again
      and may need a moderator's approval.
    </p>
    ${when(opts.blocked, () => blockedNotice(comment.body, opts.blocked!))}
    <form method="post" action="${thread.path}/c/${comment.id}/edit" class="stack cm-form">
      <input type="hidden" name="_csrf" value="${opts.csrf}" />
      ${textAreaField({
        id: 'cm-body',
        name: 'body',
        label: 'Your comment',
        rows: 6,
        required: true,
        value: comment.body,
        error: opts.error,
        alertError: true,
      })}
      <button type="submit">Save changes</button>
    </form>`;
}

export function reportPage(opts: {
  thread: CommentThread;
  comment: CommentRow;
  csrf: string;
  reason?: string;
  note?: string;
  error?: string;
}): SafeHtml {
  const { thread, comment } = opts;
  return html`<p class="cm-back"><a href="${thread.path}">← Back to the discussion</a></p>
    <h1>Report a comment</h1>
    <article class="cm-comment">
      <header class="cm-head">
        <strong class="cm-author">${comment.author_name}</strong> ${timeTag(comment.created_at)}
      </header>
      ${commentBody(excerpt(comment.body, 600))}
    </article>
    <form method="post" action="${thread.path}/c/${comment.id}/report" class="stack cm-report">
      <input type="hidden" name="_csrf" value="${opts.csrf}" />
      ${errorNotice(opts.error)}
      ${radioGroup({
        name: 'reason',
        legend: 'Why should a moderator look at it?',
        className: 'cm-check',
        required: true,
        value: opts.reason,
        options: REPORT_REASONS.map((r) => ({ value: r, label: REPORT_REASON_LABELS[r] })),
      })}
      ${textAreaField({
        id: 'cm-note',
        name: 'note',
        label: html`Anything a moderator should know? <small>(optional)</small>`,
        hint: `Up to ${REPORT_NOTE_MAX_LENGTH.toLocaleString('en-GB')} characters. Reports are anonymous.`,
        rows: 3,
        value: opts.note,
      })}
      <button type="submit">Send report</button>
    </form>`;
}

export function policyPage(thresholds: { review: number; block: number }): SafeHtml {
  return html`<article class="cm-policy">
    <h1>Moderation policy</h1>
    <p>
      Comments are here so supporters can discuss the campaign. Disagreement is welcome; abuse is
      not. These rules apply to every discussion on this site.
    </p>
    <h2>What is not published</h2>
    <ul>
      <li>Threats, and encouraging anyone to harm themselves or others.</li>
      <li>
        Hate: attacking people for who they are (race, religion, sex, sexuality, gender identity,
        disability, nationality or origin), or calling them animals, vermin or disease.
      </li>
      <li>Personal abuse and insults aimed at other commenters or anyone else.</li>
      <li>Spam, advertising, and comments unrelated to the discussion.</li>
      <li>Other people's personal details (addresses, phone numbers).</li>
    </ul>
    <h2>How comments are checked</h2>
    <p>
      Before publication every comment is checked by a civility guard that runs on our own server
      (your text is not sent anywhere else). It scores how likely a text is to be abusive, from 0 to
      1:
    </p>
    <ul>
      <li>
        <strong>Blocked</strong> (score ${thresholds.block} or more, and only when a clear rule
        matches): the comment is not saved. You see which words caused it and can rephrase.
      </li>
      <li>
        <strong>Held</strong> (score ${thresholds.review} or more): the comment is saved but only
        appears once a moderator has approved it.
      </li>
      <li>
        Otherwise it is published at once, unless the discussion is
        <strong>pre-moderated</strong>: then every comment waits for a moderator.
      </li>
    </ul>
    <p>
      Quoting abuse in order to criticise it is allowed. The guard can be wrong: a person reviews
      everything it holds.
    </p>
    <h2>Reports</h2>
    <p>
      Anyone can report a comment with the “Report” link under it. A moderator looks at every report
      and either keeps the comment or removes it.
    </p>
    <h2>Confirming your email</h2>
    <p>
      Your first comment needs your email address, which is never shown: we send you a link, and the
      comment is only posted once you open it. Your name is shown with every comment. You can edit a
      comment for ${EDIT_WINDOW_MS / 60_000} minutes after posting it.
    </p>
    <h2>Suspensions and bans</h2>
    <p>
      Moderators may suspend someone who breaks these rules until a date, or ban them for repeated
      or serious abuse. We tell you by email, with the reason.
    </p>
    <h2>Appeals</h2>
    <p>
      If you think a moderator got it wrong, reply to the email we sent you (or, for a removed
      comment, write to the campaign from the address you commented with). A different moderator
      reviews every appeal, and every moderation decision is logged.
    </p>
  </article>`;
}
