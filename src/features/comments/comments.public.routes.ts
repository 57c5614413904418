import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { publicLayout } from '../../infra/html/layout.js';
import { pageCountOf, pagination } from '../../infra/html/pagination.js';
import { positiveId, typedRoutes } from '../../infra/http/input.js';
import { sendHtml, sendNotice } from '../../infra/http/public-notice.js';
import { renderPublic, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import type { CivilityAssessment } from '../civility/civility.service.js';
import { cleanCommentText } from './comment-input.js';
import {
  clearCommenterCookie,
  commenterIdFromCookie,
  setCommenterCookie,
} from './commenter-cookie.js';
import {
  commentFormBody,
  commentParams,
  editBody,
  forgetBody,
  reportBody,
  threadIndexQuery,
  threadPageQuery,
  threadParams,
  tokenParams,
} from './comments.input.js';
import * as repo from './comments.repository.js';
import type { CommentRow, CommenterRow } from './comments.repository.js';
import {
  type FormState,
  HONEYPOT_FIELD,
  checkEmailPage,
  confirmPage,
  editPage,
  policyPage,
  reportPage,
  threadIndexPage,
  threadPage,
} from './comments.public.views.js';
import { type CommentThread, toThread } from './comment-thread.js';
import {
  type ConfirmResult,
  canEdit,
  checkConfirmLink,
  confirmComment,
  editComment,
  recognisedCommenter,
  reportComment,
  submitComment,
} from './posting.service.js';
import { loadThreadPage } from './thread-page.service.js';

const NO_STORE = 'no-store';
/** The list of discussions is the same for everyone: shared caches may keep it briefly. */
export const INDEX_MAX_AGE_S = 30;
/** Discussions on each page of the public index. */
export const THREADS_PAGE_SIZE = 25;

/** A page the same for every visitor: no flash message, no cookie, cacheable for a while. */
function sharedPage(reply: FastifyReply, title: string, body: SafeHtml, maxAgeS: number) {
  return sendHtml(reply, 200, publicLayout({ title, body }).value, `public, max-age=${maxAgeS}`);
}

/** A page for this reader only (their form, their comment): never kept by shared caches. */
function privatePage(
  req: FastifyRequest,
  reply: FastifyReply,
  page: Parameters<typeof renderPublic>[2],
) {
  return renderPublic(req, reply.header('cache-control', NO_STORE), page);
}

const backTo = (thread: CommentThread) =>
  html`<p><a href="${thread.path}">Back to the discussion</a></p>`;

const threadNotFound = (reply: FastifyReply) =>
  sendNotice(
    reply,
    404,
    'Discussion not found',
    'There is no discussion at this address. It may have been removed.',
  );

const AWAITING_MESSAGES: Partial<Record<CommentRow['status'], string>> = {
  held: 'Your comment awaits moderation: our civility guard asked a moderator to look at it before it appears.',
  pending: 'Your comment awaits moderation: this discussion is moderated before publication.',
};

/** Tells the writer where their comment went: published, or waiting for a moderator and why. */
function postedFlash(reply: FastifyReply, comment: CommentRow, prefix: string, verb = 'published') {
  if (comment.status === 'approved')
    setFlash(reply, { kind: 'success', message: `${prefix}Your comment is ${verb}.` });
  else
    setFlash(reply, {
      kind: 'info',
      message: `${prefix}${AWAITING_MESSAGES[comment.status] ?? 'Your comment awaits moderation.'}`,
    });
}

function anchorFor(threadPath: string, comment: CommentRow): string {
  return comment.status === 'approved'
    ? `${threadPath}#comment-${comment.id}`
    : `${threadPath}#form`;
}

export async function commentsPublicRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;
  const secureCookies = services.config.baseUrl.startsWith('https://');

  /** The commenter the cookie names, or none (and the cookie goes if it no longer names one). */
  async function commenterOf(req: FastifyRequest, reply: FastifyReply) {
    const id = commenterIdFromCookie(req);
    const commenter = await recognisedCommenter(services, id);
    if (id !== null && !commenter) clearCommenterCookie(reply);
    return commenter;
  }

  async function renderThread(
    req: FastifyRequest,
    reply: FastifyReply,
    opts: {
      threadId: number;
      page?: number;
      replyId?: number | null;
      commenter: CommenterRow | undefined;
      form?: FormState;
      status?: number;
    },
  ) {
    const data = await loadThreadPage(services, {
      threadId: opts.threadId,
      page: opts.page ?? 1,
      commenter: opts.commenter,
      replyId: opts.replyId ?? null,
    });
    if (!data) return threadNotFound(reply);
    const form: FormState = { ...opts.form };
    if (data.replyGone && !form.errors?.parent)
      form.errors = {
        ...form.errors,
        parent: 'The comment you wanted to reply to is not available any more.',
      };
    const now = services.clock.now();
    reply.header('cache-control', NO_STORE);
    return renderPublic(req, reply, {
      title: `Discussion: ${data.thread.title}`,
      status: opts.status ?? (opts.page && opts.page > data.pageCount ? 404 : 200),
      body: threadPage({
        ...data,
        commenter: opts.commenter,
        form,
        csrf: reply.generateCsrf(),
        canEdit: (c) => canEdit(c, opts.commenter?.id, now),
      }),
    });
  }

  app.get('/comments', { schema: { querystring: threadIndexQuery } }, async (req, reply) => {
    const { page } = req.query;
    const total = await repo.countThreads(db.kysely);
    const pageCount = pageCountOf(total, THREADS_PAGE_SIZE);
    if (page > pageCount)
      return sendNotice(
        reply,
        404,
        'Page not found',
        `There are ${pageCount} pages of discussions.`,
      );
    const threads = await repo.listThreadsWithCounts(db.kysely, {
      limit: THREADS_PAGE_SIZE,
      offset: (page - 1) * THREADS_PAGE_SIZE,
    });
    const pages = pagination({
      page,
      pageCount,
      href: (n) => `/comments?page=${n}`,
      label: 'Pages of discussions',
      note: `${total.toLocaleString('en-GB')} discussions`,
    });
    return sharedPage(reply, 'Discussions', threadIndexPage(threads, pages), INDEX_MAX_AGE_S);
  });

  app.get(
    '/comments/:threadId',
    { schema: { params: threadParams, querystring: threadPageQuery } },
    async (req, reply) =>
      renderThread(req, reply, {
        threadId: req.params.threadId,
        page: req.query.page,
        replyId: req.query.reply ?? null,
        commenter: await commenterOf(req, reply),
      }),
  );

  app.post(
    '/comments/:threadId',
    { schema: { params: threadParams, body: commentFormBody } },
    async (req, reply) => {
      const { threadId } = req.params;
      const commenter = await commenterOf(req, reply);
      const { parent: parentRaw, [HONEYPOT_FIELD]: honeypot, ...values } = req.body;
      // A parent that is not an id names no comment: the form says so rather than posting at the top.
      const parentId = parentRaw ? (positiveId.safeParse(parentRaw).data ?? null) : null;
      if (honeypot) {
        // Bots fill every field; people never see this one. They get the usual answer, nothing more.
        const row = await repo.findThread(db.kysely, threadId);
        if (!row) return threadNotFound(reply);
        return privatePage(req, reply, {
          title: 'Check your email',
          body: checkEmailPage(toThread(row), values.email),
        });
      }
      const rerender = (status: number, form: FormState) =>
        renderThread(req, reply, {
          threadId,
          replyId: parentId,
          commenter,
          status,
          form: { ...values, ...form },
        });
      if (parentRaw && parentId === null)
        return rerender(422, {
          errors: { parent: 'The comment you are replying to is not available any more.' },
        });

      const result = await submitComment(services, {
        threadId,
        parentId,
        ...values,
        ip: req.ip,
        commenter,
      });
      switch (result.kind) {
        case 'not-found':
          return threadNotFound(reply);
        case 'closed':
          return sendNotice(
            reply,
            403,
            'Comments are closed',
            'This discussion no longer takes new comments.',
            backTo(result.thread),
          );
        case 'invalid':
          return rerender(422, { errors: result.errors });
        case 'blocked':
          return rerender(422, {
            blocked: { text: cleanCommentText(values.body), assessment: result.assessment },
          });
        case 'refused':
          return sendNotice(
            reply,
            result.status,
            result.title,
            result.message,
            html`<p>
              <a href="/moderation-policy">Moderation policy</a> ·
              <a href="${result.thread.path}">Back to the discussion</a>
            </p>`,
          );
        case 'check-email':
          return privatePage(req, reply, {
            title: 'Check your email',
            body: checkEmailPage(result.thread, result.email),
          });
        case 'posted':
          postedFlash(reply, result.comment, 'Thank you. ');
          return reply.redirect(anchorFor(result.thread.path, result.comment), 303);
      }
    },
  );

  const confirmLinkProblem = (
    reply: FastifyReply,
    result: Exclude<ConfirmResult, { kind: 'confirmed' }>,
  ) => {
    switch (result.kind) {
      case 'invalid':
        return sendNotice(
          reply,
          404,
          'Link not recognised',
          'This confirmation link is not valid or has already been used. If you have just confirmed, your comment is on its way.',
        );
      case 'expired':
        return sendNotice(
          reply,
          410,
          'Link expired',
          'This confirmation link has expired. Please post your comment again.',
          backTo(result.thread),
        );
      case 'refused':
        return sendNotice(reply, 403, 'You cannot comment', result.message);
    }
  };

  // Mail scanners fetch links with nobody clicking: the link shows a button, and only the POST
  // it sends confirms (and sets the commenter cookie, and records consent).
  const onConfirmLink = { schema: { params: tokenParams } };
  app.get('/comments/confirm/:token', onConfirmLink, async (req, reply) => {
    const { token } = req.params;
    const link = await checkConfirmLink(services, token);
    if (link.kind !== 'confirmable') return confirmLinkProblem(reply, link);
    return privatePage(req, reply, {
      title: 'Confirm your comment',
      body: confirmPage(
        link.thread,
        `/comments/confirm/${encodeURIComponent(token)}`,
        reply.generateCsrf(),
      ),
    });
  });

  app.post('/comments/confirm/:token', onConfirmLink, async (req, reply) => {
    const result = await confirmComment(services, req.params.token);
    if (result.kind !== 'confirmed') return confirmLinkProblem(reply, result);
    setCommenterCookie(reply, result.commenterId, secureCookies);
    postedFlash(reply, result.comment, 'Thank you for confirming your email. ');
    return reply.redirect(anchorFor(result.thread.path, result.comment), 303);
  });

  app.post('/comments/forget', { schema: { body: forgetBody } }, async (req, reply) => {
    clearCommenterCookie(reply);
    const threadId = req.body.thread;
    setFlash(reply, {
      kind: 'info',
      message: 'This browser no longer posts as you. Give your name and email to comment.',
    });
    return reply.redirect(threadId === undefined ? '/' : `/comments/${threadId}#form`, 303);
  });

  // ---- editing -----------------------------------------------------------------------------------

  async function editable(
    req: FastifyRequest & { params: { threadId: number; commentId: number } },
    reply: FastifyReply,
  ) {
    const threadRow = await repo.findThread(db.kysely, req.params.threadId);
    const comment = await repo.findComment(db.kysely, req.params.commentId);
    if (!threadRow || !comment || comment.thread_id !== threadRow.id) return undefined;
    return { thread: toThread(threadRow), comment, commenter: await commenterOf(req, reply) };
  }

  const commentNotFound = (reply: FastifyReply) =>
    sendNotice(reply, 404, 'Comment not found', 'There is no such comment in this discussion.');

  const onComment = { schema: { params: commentParams } };

  app.get('/comments/:threadId/c/:commentId/edit', onComment, async (req, reply) => {
    const found = await editable(req, reply);
    if (!found) return commentNotFound(reply);
    if (!canEdit(found.comment, found.commenter?.id, services.clock.now()))
      return sendNotice(
        reply,
        403,
        'You cannot edit this comment',
        'Only the author can edit a comment, from the browser they confirmed it in, for a short time after posting.',
        backTo(found.thread),
      );
    return privatePage(req, reply, {
      title: 'Edit your comment',
      body: editPage({ thread: found.thread, comment: found.comment, csrf: reply.generateCsrf() }),
    });
  });

  app.post(
    '/comments/:threadId/c/:commentId/edit',
    { schema: { params: commentParams, body: editBody } },
    async (req, reply) => {
      const result = await editComment(services, {
        ...req.params,
        commenter: await commenterOf(req, reply),
        body: req.body.body,
      });
      const again = (
        thread: CommentThread,
        comment: CommentRow,
        extra: { error?: string; blocked?: CivilityAssessment },
      ) =>
        privatePage(req, reply, {
          title: 'Edit your comment',
          status: 422,
          body: editPage({ thread, comment, csrf: reply.generateCsrf(), ...extra }),
        });
      switch (result.kind) {
        case 'not-found':
          return commentNotFound(reply);
        case 'forbidden':
          return sendNotice(
            reply,
            403,
            'You cannot edit this comment',
            result.message,
            backTo(result.thread),
          );
        case 'invalid':
          return again(result.thread, result.comment, { error: result.error });
        case 'blocked':
          return again(result.thread, result.comment, { blocked: result.assessment });
        case 'edited':
          postedFlash(reply, result.comment, '', 'updated');
          return reply.redirect(anchorFor(result.thread.path, result.comment), 303);
      }
    },
  );

  // ---- reporting ---------------------------------------------------------------------------------

  app.get('/comments/:threadId/c/:commentId/report', onComment, async (req, reply) => {
    const found = await editable(req, reply);
    if (!found || found.comment.status !== 'approved') return commentNotFound(reply);
    return privatePage(req, reply, {
      title: 'Report a comment',
      body: reportPage({
        thread: found.thread,
        comment: found.comment,
        csrf: reply.generateCsrf(),
      }),
    });
  });

  app.post(
    '/comments/:threadId/c/:commentId/report',
    { schema: { params: commentParams, body: reportBody } },
    async (req, reply) => {
      const { reason, note } = req.body;
      const result = await reportComment(services, { ...req.params, reason, note, ip: req.ip });
      switch (result.kind) {
        case 'not-found':
          return commentNotFound(reply);
        case 'invalid':
          return privatePage(req, reply, {
            title: 'Report a comment',
            status: 422,
            body: reportPage({
              thread: result.thread,
              comment: result.comment,
              csrf: reply.generateCsrf(),
              reason,
              note,
              error: result.error,
            }),
          });
        case 'rate-limited':
          return sendNotice(reply, 429, 'Too many reports', result.message, backTo(result.thread));
        case 'reported':
          setFlash(reply, {
            kind: 'success',
            message: 'Thank you for your report. A moderator will look at the comment.',
          });
          return reply.redirect(`${result.thread.path}#comment-${result.comment.id}`, 303);
      }
    },
  );

  app.get('/moderation-policy', async (_req, reply) => {
    const { thresholds } = (await campaignGuard(db)).config;
    return sharedPage(reply, 'Moderation policy', policyPage(thresholds), INDEX_MAX_AGE_S);
  });
}
