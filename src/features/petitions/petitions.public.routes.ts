import type { FastifyInstance, FastifyReply } from 'fastify';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { publicLayout } from '../../infra/html/layout.js';
import { pageCountOf, pagination } from '../../infra/html/pagination.js';
import { answerInputErrorWith, typedRoutes } from '../../infra/http/input.js';
import { sendHtml, sendJsonNotFound, sendNotice } from '../../infra/http/public-notice.js';
import { OPEN_DATA_HEADERS, originAllowed } from '../../infra/http/security.js';
import type { Services } from '../../infra/services.js';
import {
  checkConfirmFormToken,
  checkFormToken,
  issueConfirmFormToken,
  issueFormToken,
} from './form-token.js';
import { plainSummary } from './petition-markdown.js';
import * as repo from './petitions.repository.js';
import type { PetitionRow } from './petitions.repository.js';
import { validateSignature, type Errors } from './petitions.rules.js';
import { loadCommentsPreview } from '../comments/comments.service.js';
import { commentsPreviewSection } from '../comments/comments.public.views.js';
import { discussionKey, isSignable } from './petitions.service.js';
import {
  CONSENT_WORDING,
  HONEYPOT_FIELD,
  type PublicSnapshot,
  type SignValues,
  checkEmailPage,
  confirmSignaturePage,
  embedWidget,
  closedMessage,
  petitionIndex,
  petitionPage,
  petitionPath,
  signForm,
  thankYouPage,
} from './petitions.public.views.js';
import type { PetitionsRuntime } from './petitions.runtime.js';
import {
  actionSource,
  fillSourceField,
  normaliseSource,
  referrerSource,
} from '../../infra/http/attribution.js';
import { confirmSignature, confirmationLinkStatus, signItemOf } from './signing.service.js';
import { emailDomain } from './signature-email.js';
import {
  confirmBody,
  confirmParams,
  signBody,
  slugParams,
  sourceQuery,
  strictPageQuery,
} from './petitions.input.js';

/** The sign form's body: generous for the fields, small enough that junk is refused early. */
export const SIGN_BODY_LIMIT = 16 * 1024;
/** Anonymous readers and shared caches may reuse the page and counts this long. */
export const PAGE_MAX_AGE_S = 5;
export const COUNT_MAX_AGE_S = 1;
/** Petitions on each page of the public index. */
export const PETITIONS_PAGE_SIZE = 20;

function page(
  reply: FastifyReply,
  status: number,
  title: string,
  body: SafeHtml,
  opts: { cache?: string; description?: string } = {},
) {
  const text = publicLayout({
    title,
    body,
    scripts: ['petition-live.js'],
    ...(opts.description ? { description: opts.description } : {}),
  }).value;
  return sendHtml(reply, status, text, opts.cache);
}

const petitionNotFound = (reply: FastifyReply) =>
  sendNotice(reply, 404, 'Petition not found', 'There is no petition at this address.');

const OPEN_DATA = { config: { securityHeaders: 'open-data' as const } };
const COUNT_HEADERS = {
  ...OPEN_DATA_HEADERS,
  'cache-control': `public, max-age=${COUNT_MAX_AGE_S}`,
  'content-type': 'application/json; charset=utf-8',
};
/** Petitions whose count.json answer the fast lane keeps built (see countAnswers). */
const COUNT_ANSWERS_KEPT = 1000;
const countBody = (count: number, goal: number | null) => `{"count":${count},"goal":${goal}}`;
const OPEN_DATA_BY_SLUG = { ...OPEN_DATA, schema: { params: slugParams } };

export async function petitionsPublicRoutes(
  base: FastifyInstance,
  services: Services,
  rt: PetitionsRuntime,
) {
  const app = typedRoutes(base);
  const { db, config } = services;
  const allowedOrigin = new URL(config.baseUrl).origin;
  // The same for every signer of a petition: rendered once, not thousands of times a second.
  const checkEmailPages = new Map<string, string>();
  const sendCheckEmail = (reply: FastifyReply, petition: PublicSnapshot['petition']) => {
    const key = `${petition.id}:${petition.updated_at}`;
    let text = checkEmailPages.get(key);
    if (!text) {
      if (checkEmailPages.size > 1000) checkEmailPages.clear();
      text = publicLayout({ title: 'Check your email', body: checkEmailPage(petition) }).value;
      checkEmailPages.set(key, text);
    }
    return sendHtml(reply, 200, text);
  };

  const renderPetition = async (
    reply: FastifyReply,
    snapshot: PublicSnapshot,
    opts: { status?: number; values?: SignValues; errors?: Errors; formToken?: string } = {},
  ) => {
    const { petition } = snapshot;
    const count = await rt.counts.get(petition.id);
    const formToken =
      opts.formToken ?? issueFormToken(rt.formSecret, petition.id, services.clock.now().getTime());
    const body = petitionPage({
      snapshot,
      count,
      baseUrl: config.baseUrl,
      signable: isSignable(petition, services.clock.now()),
      discussion: commentsPreviewSection(await loadCommentsPreview(db, discussionKey(petition))),
      form: signForm({
        petition,
        formToken,
        ...(opts.values ? { values: opts.values } : {}),
        ...(opts.errors ? { errors: opts.errors } : {}),
      }),
    });
    return publicLayout({
      title: petition.title,
      body,
      description: plainSummary(petition.body),
      scripts: ['petition-live.js'],
    }).value;
  };

  app.get(
    '/petitions',
    {
      schema: { querystring: strictPageQuery },
      errorHandler: answerInputErrorWith((_req, reply) =>
        sendNotice(reply, 400, 'Page not found', 'Pages of petitions are numbered 1, 2, 3…'),
      ),
    },
    async (req, reply) => {
      const pageNumber = req.query.page;
      const total = await repo.countPetitions(db.kysely, ['open']);
      const pageCount = pageCountOf(total, PETITIONS_PAGE_SIZE);
      if (pageNumber > pageCount)
        return sendNotice(
          reply,
          404,
          'Page not found',
          `There are ${pageCount} pages of petitions.`,
        );
      const rows = await repo.pageOfPetitions(db.kysely, ['open'], {
        limit: PETITIONS_PAGE_SIZE,
        offset: (pageNumber - 1) * PETITIONS_PAGE_SIZE,
      });
      const items = await Promise.all(
        rows.map(async (petition) => ({ petition, count: await rt.counts.get(petition.id) })),
      );
      const pages = pagination({
        page: pageNumber,
        pageCount,
        href: (n) => `/petitions?page=${n}`,
        label: 'Pages of petitions',
        note: `${total.toLocaleString('en-GB')} open`,
      });
      return page(reply, 200, 'Petitions and open letters', petitionIndex(items, pages), {
        cache: `public, max-age=${PAGE_MAX_AGE_S}`,
      });
    },
  );

  app.get('/petitions.json', OPEN_DATA, async (_req, reply) => {
    const rows = await repo.listPetitions(db.kysely, ['open']);
    const petitions = await Promise.all(
      rows.map(async (p) => ({
        slug: p.slug,
        kind: p.kind,
        title: p.title,
        url: `${config.baseUrl}/p/${p.slug}`,
        count: await rt.counts.get(p.id),
        goal: p.goal,
        deadline: p.deadline,
      })),
    );
    return reply.header('cache-control', `public, max-age=${PAGE_MAX_AGE_S}`).send({ petitions });
  });

  app.get(
    '/p/:slug',
    { schema: { params: slugParams, querystring: sourceQuery } },
    async (req, reply) => {
      const raw = req.params.slug;
      if (raw.endsWith('.json')) {
        const snapshot = await rt.cache.snapshot(raw.slice(0, -'.json'.length));
        if (!snapshot) return sendJsonNotFound(reply, 'No such petition.');
        const { petition } = snapshot;
        return reply.header('cache-control', `public, max-age=${PAGE_MAX_AGE_S}`).send({
          slug: petition.slug,
          kind: petition.kind,
          title: petition.title,
          status: petition.status,
          goal: petition.goal,
          deadline: petition.deadline,
          count: await rt.counts.get(petition.id),
          by_constituency: await repo.byConstituency(db.kysely, petition.id),
        });
      }
      // The cached page has an empty source field; each answer fills in its own.
      const fromLink = normaliseSource(req.query.source);
      const source = fromLink ?? referrerSource(req.headers.referer, allowedOrigin);
      // A source read from the Referer must not be served to others by a shared cache.
      const pageCache = `${source && !fromLink ? 'private' : 'public'}, max-age=${PAGE_MAX_AGE_S}`;
      const cached = rt.cache.page(raw);
      if (cached) return sendHtml(reply, 200, fillSourceField(cached, source), pageCache);
      const snapshot = await rt.cache.snapshot(raw);
      if (!snapshot)
        return sendNotice(
          reply,
          404,
          'Petition not found',
          'There is no petition at this address. It may have been moved or not published yet.',
        );
      const text = await renderPetition(reply, snapshot);
      rt.cache.storePage(raw, text);
      return sendHtml(reply, 200, fillSourceField(text, source), pageCache);
    },
  );

  app.get(
    '/p/:slug/embed',
    { config: { securityHeaders: 'embed' }, schema: { params: slugParams } },
    async (req, reply) => {
      const snapshot = await rt.cache.snapshot(req.params.slug);
      if (!snapshot) return petitionNotFound(reply);
      const { petition } = snapshot;
      return reply
        .header('cache-control', `public, max-age=${PAGE_MAX_AGE_S}`)
        .type('text/html; charset=utf-8')
        .send(
          embedWidget({
            petition,
            count: await rt.counts.get(petition.id),
            url: `${config.baseUrl}${petitionPath(petition)}`,
            signable: isSignable(petition, services.clock.now()),
          }).value,
        );
    },
  );

  app.get('/p/:slug/count.json', OPEN_DATA_BY_SLUG, async (req, reply) => {
    const snapshot = await rt.cache.snapshot(req.params.slug);
    if (!snapshot) return sendJsonNotFound(reply, 'No such petition.');
    const count = await rt.counts.get(snapshot.petition.id);
    return reply
      .header('cache-control', COUNT_HEADERS['cache-control'])
      .type(COUNT_HEADERS['content-type'])
      .send(countBody(count, snapshot.petition.goal));
  });
  // Once a petition's data and count are in memory every count.json is answered before routing
  // and hooks, with the same (at most a refresh interval old) values this route would send;
  // only the first read of a petition, or an unknown slug, comes here.
  // The answer object is kept while the body holds, so the lane reuses its header list.
  const countAnswers = new Map<number, { body: string; headers: typeof COUNT_HEADERS }>();
  base.fastLane.getParam('/p/', '/count.json', '/p/:slug/count.json', (slug) => {
    const snapshot = rt.cache.cachedSnapshot(slug);
    const count = snapshot && rt.counts.peek(snapshot.petition.id);
    if (!snapshot || count === undefined) return undefined;
    const body = countBody(count, snapshot.petition.goal);
    const kept = countAnswers.get(snapshot.petition.id);
    if (kept?.body === body) return kept;
    // Bounded like the caches it reads from: a petition dropped from them is dropped here.
    if (countAnswers.size >= COUNT_ANSWERS_KEPT) countAnswers.clear();
    const answer = { headers: COUNT_HEADERS, body };
    countAnswers.set(snapshot.petition.id, answer);
    return answer;
  });

  app.get('/p/:slug/events', OPEN_DATA_BY_SLUG, async (req, reply) => {
    const snapshot = await rt.cache.snapshot(req.params.slug);
    if (!snapshot) return sendJsonNotFound(reply, 'No such petition.');
    if (!(await rt.streams.attach(snapshot.petition.id, reply)))
      return reply
        .code(503)
        .header('retry-after', '30')
        .send({ statusCode: 503, error: 'Busy', message: 'Poll count.json instead.' });
    return reply;
  });

  app.post(
    '/p/:slug/sign',
    {
      config: { csrf: false },
      bodyLimit: SIGN_BODY_LIMIT,
      schema: { params: slugParams, body: signBody },
    },
    async (req, reply) => {
      if (!originAllowed(req, allowedOrigin))
        return sendNotice(
          reply,
          403,
          'Form expired',
          'This form was sent from another site. Open the petition page and sign there.',
        );
      const snapshot = await rt.cache.snapshot(req.params.slug);
      if (!snapshot) return petitionNotFound(reply);
      const { petition } = snapshot;
      const now = services.clock.now();
      if (!isSignable(petition, now))
        return sendNotice(reply, 410, 'Signing has closed', closedMessage(petition));
      const { body } = req;
      // Bots fill every field; people never see this one. They get the usual answer, and nothing is stored.
      if (body[HONEYPOT_FIELD]) return sendCheckEmail(reply, petition);
      const values: SignValues = {
        name: body.name.slice(0, 1000),
        email: body.email.slice(0, 1000),
        postcode: body.postcode.slice(0, 100),
        answer: body.answer.slice(0, 5000),
        membershipNumber: body.membershipNumber.slice(0, 1000),
        consent: body.consent,
        showName: body.showName,
        source: actionSource(req, body.source, allowedOrigin),
      };
      const { ft } = body;
      const token = checkFormToken(rt.formSecret, petition.id, ft, now.getTime());
      if (!token.ok && token.reason !== 'too-fast')
        return sendNotice(
          reply,
          403,
          'Form expired',
          'This form has expired or was not sent from the petition page. Open the page again and sign.',
          html`<p><a href="/p/${petition.slug}">Back to the petition</a></p>`,
        );
      const checked = validateSignature(
        {
          name: body.name,
          email: body.email,
          postcode: body.postcode,
          answer: body.answer,
          membershipNumber: body.membershipNumber,
          consent: body.consent,
          showName: body.showName,
        },
        { askMembershipNumber: petition.eligibility === 'membership_number' },
      );
      const errors: Errors = checked.ok ? {} : { ...checked.errors };
      if (!token.ok)
        errors.form =
          'That was quicker than anyone can read the page: check your details and send the form again.';
      if (!checked.ok || !token.ok) {
        const text = await renderPetition(reply, snapshot, { values, errors, formToken: ft });
        return sendHtml(reply, 422, text);
      }
      const sig = checked.value;
      const domain = emailDomain(sig.emailKey);
      const limit = await rt.limits.check(req, petition.id, domain);
      if (limit !== 'ok')
        return sendNotice(
          reply,
          429,
          'Too many signatures',
          limit === 'ip'
            ? 'Too many signatures have come from your network in the last few minutes. Please try again later.'
            : 'Too many signatures have come from your email provider in the last few minutes. Please try again later.',
        );
      await rt.writer.write(
        await signItemOf(db, petition, sig, {
          consentWording: body.consent ? CONSENT_WORDING : null,
          showName: body.showName,
          ip: req.ip,
          source: values.source ?? null,
        }),
      );
      return sendCheckEmail(reply, petition);
    },
  );

  const confirmAction = (slug: string, token: string) =>
    `/p/${encodeURIComponent(slug)}/confirm/${encodeURIComponent(token)}`;
  const linkNotRecognised = (reply: FastifyReply, petition: { slug: string }) =>
    sendNotice(
      reply,
      404,
      'Link not recognised',
      'This confirmation link is not valid. If you signed more than once, use the link in the latest email.',
      html`<p><a href="/p/${petition.slug}">Go to the petition</a></p>`,
    );
  const confirmButtonPage = (
    reply: FastifyReply,
    status: number,
    petition: PetitionRow,
    token: string,
    problem?: string,
  ) =>
    // Private: the address holds the signer's link. Stateless token: no session under surge.
    page(
      reply,
      status,
      'Confirm your signature',
      confirmSignaturePage(
        petition,
        confirmAction(petition.slug, token),
        issueConfirmFormToken(rt.formSecret, petition.id, services.clock.now().getTime()),
        problem,
      ),
    );
  const thanks = (reply: FastifyReply, petition: PetitionRow, already: boolean) =>
    page(reply, 200, 'Thank you', thankYouPage(petition, config.baseUrl, already));

  // Mail scanners fetch links with nobody clicking: the link (in mails already sent, too) shows
  // a button, and only the POST it sends confirms, counts and records consent.
  app.get('/p/:slug/confirm/:token', { schema: { params: confirmParams } }, async (req, reply) => {
    const { slug, token } = req.params;
    const petition = await repo.findPetitionBySlug(db.kysely, slug);
    if (!petition) return petitionNotFound(reply);
    const status = await confirmationLinkStatus(services, { petitionId: petition.id, token });
    if (status === 'invalid') return linkNotRecognised(reply, petition);
    if (status === 'already') return thanks(reply, petition, true);
    return confirmButtonPage(reply, 200, petition, token);
  });

  app.post(
    '/p/:slug/confirm/:token',
    { config: { csrf: false }, schema: { params: confirmParams, body: confirmBody } },
    async (req, reply) => {
      const { slug, token } = req.params;
      const petition = await repo.findPetitionBySlug(db.kysely, slug);
      if (!petition) return petitionNotFound(reply);
      const formToken = checkConfirmFormToken(
        rt.formSecret,
        petition.id,
        req.body.ft,
        services.clock.now().getTime(),
      );
      if (!originAllowed(req, allowedOrigin) || !formToken.ok) {
        if (
          (await confirmationLinkStatus(services, { petitionId: petition.id, token })) === 'invalid'
        )
          return linkNotRecognised(reply, petition);
        return confirmButtonPage(
          reply,
          403,
          petition,
          token,
          'This page was open too long or came from another site: press the button again to confirm.',
        );
      }
      const outcome = await confirmSignature(services, { petitionId: petition.id, token });
      if (outcome.status === 'invalid') return linkNotRecognised(reply, petition);
      if (outcome.status === 'confirmed') rt.counts.invalidate(petition.id);
      return thanks(reply, petition, outcome.status === 'already');
    },
  );
}
