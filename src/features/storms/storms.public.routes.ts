import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { publicLayout } from '../../infra/html/layout.js';
import { formText, typedRoutes } from '../../infra/http/input.js';
import {
  actionSource,
  fillSourceField,
  normaliseSource,
  referrerSource,
  sourceParam,
} from '../../infra/http/attribution.js';
import { sendHtml, sendJsonNotFound, sendNotice } from '../../infra/http/public-notice.js';
import { originAllowed } from '../../infra/http/security.js';
import type { Services } from '../../infra/services.js';
import {
  acceptsPosts,
  confirmLinkStatus,
  confirmPost,
  recordPost,
  stormPath,
} from './posting.service.js';
import * as repo from './storms.repository.js';
import type { StormRow } from './storms.repository.js';
import { VARIANT_MAX_LENGTH } from './storms.rules.js';
import type { StormSnapshot, StormsRuntime } from './storms.runtime.js';
import { assessText, phaseOf } from './storms.service.js';
import {
  civilityRefusal,
  confirmPostPage,
  confirmedPage,
  mastodonInterstitial,
  postedPage,
  stormIndex,
  stormPage,
} from './storms.public.views.js';
import {
  PLATFORM_LIMITS,
  TEXT_PLATFORMS,
  composePost,
  mastodonShareUrl,
  normaliseInstance,
  postLength,
} from './storm-text.js';
import {
  checkConfirmToken,
  checkFormToken,
  issueFormToken,
  participantKey,
} from './storm-tokens.js';

/** Readers and shared caches may reuse a storm page this long. */
export const PAGE_MAX_AGE_S = 2;
export const COUNT_MAX_AGE_S = 1;
/** The "I posted" form and the civility check take small bodies only. */
export const POSTED_BODY_LIMIT = 8 * 1024;
/** Past storms listed on /storms. */
export const PAST_STORMS_LISTED = 10;

const SCRIPTS = ['storms.js'];

function wantsJson(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('application/json');
}

const OPEN_DATA = { config: { securityHeaders: 'open-data' as const } };

/** The storm's address; its pages answer "not found" themselves for a slug we do not have. */
const slugParams = z.object({ slug: z.string() });
const confirmParams = z.object({ slug: z.string(), token: z.string() });
/** What the "I posted" form sends (cut to size below, before anything reads it). */
const postedBody = z.object({
  ft: formText,
  variant: formText,
  platform: formText,
  text: formText,
  email: formText,
  consent: formText,
  browser: formText,
  source: sourceParam,
});

export async function stormsPublicRoutes(
  base: FastifyInstance,
  services: Services,
  rt: StormsRuntime,
) {
  const app = typedRoutes(base);
  const { db, config } = services;
  const allowedOrigin = new URL(config.baseUrl).origin;
  const bySlug = { schema: { params: slugParams } };
  const notFound = (reply: FastifyReply) =>
    sendNotice(
      reply,
      404,
      'Storm not found',
      'There is no storm at this address. It may have been moved or not published yet.',
      html`<p><a href="/storms">All storms</a></p>`,
    );

  /** JSON answers for the page's script, HTML pages otherwise. */
  const answer = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    title: string,
    message: string,
    extra?: SafeHtml,
    data: Record<string, unknown> = {},
  ) =>
    wantsJson(req)
      ? reply
          .code(status)
          .header('cache-control', 'no-store')
          .send({ error: message, ...data })
      : sendNotice(reply, status, title, message, extra);

  const renderStorm = async (snapshot: StormSnapshot, variant: number, now: number) => {
    const { storm } = snapshot;
    const body = stormPage({
      snapshot,
      phase: phaseOf(storm, now),
      now,
      count: await rt.counts.get(storm.id),
      variant,
      formToken: issueFormToken(rt.secret, storm.id, now),
      baseUrl: config.baseUrl,
    });
    return publicLayout({
      title: storm.title,
      body,
      description: `#${storm.hashtag}: ${storm.description || storm.title}`.slice(0, 300),
      scripts: SCRIPTS,
    }).value;
  };

  app.get('/storms', async (_req, reply) => {
    const now = services.clock.now().getTime();
    const storms = await repo.listStorms(db.kysely, ['published']);
    const by = (phase: string) => storms.filter((s) => phaseOf(s, now) === phase);
    const body = stormIndex({
      live: by('live'),
      upcoming: by('upcoming').reverse(),
      past: by('ended').slice(0, PAST_STORMS_LISTED),
    });
    return sendHtml(
      reply,
      200,
      publicLayout({ title: 'Social media storms', body }).value,
      `public, max-age=${PAGE_MAX_AGE_S}`,
    );
  });

  app.get(
    '/storms/:slug',
    {
      schema: {
        params: slugParams,
        querystring: z.object({ variant: z.string().optional(), source: sourceParam }),
      },
    },
    async (req, reply) => {
      const { slug } = req.params;
      const snapshot = await rt.cache.snapshot(slug);
      if (!snapshot) return notFound(reply);
      const asked = req.query.variant;
      const count = snapshot.variants.length;
      let variant: number;
      if (asked === undefined) variant = 1 + Math.floor(Math.random() * count);
      else if (/^\d{1,2}$/.test(asked) && +asked >= 1 && +asked <= count) variant = Number(asked);
      else
        return sendNotice(
          reply,
          404,
          'Suggestion not found',
          `This storm has ${count} suggested ${count === 1 ? 'post' : 'posts'}.`,
          html`<p><a href="${stormPath(snapshot.storm)}">Back to the storm</a></p>`,
        );
      const key = String(variant);
      let text = rt.cache.page(slug, key);
      if (!text) {
        text = await renderStorm(snapshot, variant, services.clock.now().getTime());
        rt.cache.storePage(slug, key, text);
      }
      // The cached page has an empty source field; each answer fills in its own.
      const fromLink = normaliseSource(req.query.source);
      const source = fromLink ?? referrerSource(req.headers.referer, allowedOrigin);
      // A source read from the Referer must not be served to others by a shared cache.
      const cache = `${source && !fromLink ? 'private' : 'public'}, max-age=${PAGE_MAX_AGE_S}`;
      return sendHtml(reply, 200, fillSourceField(text, source), cache);
    },
  );

  app.get('/storms/:slug/count.json', { ...OPEN_DATA, ...bySlug }, async (req, reply) => {
    const snapshot = await rt.cache.snapshot(req.params.slug);
    if (!snapshot) return sendJsonNotFound(reply, 'No such storm.');
    const count = await rt.counts.get(snapshot.storm.id);
    return reply
      .header('cache-control', `public, max-age=${COUNT_MAX_AGE_S}`)
      .type('application/json; charset=utf-8')
      .send(`{"count":${count}}`);
  });

  /**
   * Mastodon has no central share address: the page's form names the person's server, and this
   * checks the server name and the words, then sends them on.
   */
  app.get(
    '/storms/:slug/mastodon',
    {
      schema: {
        params: slugParams,
        querystring: z.object({ instance: formText, text: formText, variant: formText }),
      },
    },
    async (req, reply) => {
      const snapshot = await rt.cache.snapshot(req.params.slug);
      if (!snapshot) return notFound(reply);
      const { storm } = snapshot;
      const { query } = req;
      const back = html`<p><a href="${stormPath(storm)}">Back to the storm</a></p>`;
      const instance = normaliseInstance(query.instance);
      if (!instance)
        return sendNotice(
          reply,
          400,
          'Mastodon server not recognised',
          'Give the address of your Mastodon server, like mastodon.social.',
          back,
        );
      const raw = query.text.replace(/\r\n/g, '\n').trim();
      const variantIndex = query.variant ? Number(query.variant) : Number.NaN;
      const words = raw || snapshot.variants[variantIndex - 1] || snapshot.variants[0] || '';
      if (words.length > VARIANT_MAX_LENGTH)
        return sendNotice(
          reply,
          422,
          'Post too long',
          `Your words are ${words.length} characters: at most ${VARIANT_MAX_LENGTH}.`,
          back,
        );
      if (!snapshot.variants.includes(words)) {
        const assessment = await assessText(db, words);
        if (assessment.decision !== 'allow')
          return sendNotice(
            reply,
            422,
            'Please reword your post',
            'Your words did not pass our civility check. Reword the highlighted part and try again.',
            html`${civilityRefusal(words, assessment.spans, assessment.reasons)}${back}`,
          );
      }
      const post = composePost(words, snapshot.parts, 'mastodon');
      const length = postLength(post, 'mastodon');
      if (length > PLATFORM_LIMITS.mastodon)
        return sendNotice(
          reply,
          422,
          'Post too long',
          `With the handles, hashtag and link your post is ${length} characters; Mastodon takes ${PLATFORM_LIMITS.mastodon}.`,
          back,
        );
      const shareUrl = mastodonShareUrl(instance, post);
      // Only our own page's form goes straight on; a link from elsewhere shows where it leads.
      if (req.headers['sec-fetch-site'] === 'same-origin')
        return reply.header('cache-control', 'no-store').redirect(shareUrl, 303);
      return sendHtml(
        reply,
        200,
        publicLayout({
          title: 'Continue to Mastodon',
          body: mastodonInterstitial(instance, shareUrl),
        }).value,
      );
    },
  );

  /** Live civility feedback while someone edits their words (the page's script calls it). */
  app.post(
    '/storms/:slug/check',
    {
      config: { csrf: false },
      bodyLimit: POSTED_BODY_LIMIT,
      schema: { params: slugParams, body: z.object({ text: formText }) },
    },
    async (req, reply) => {
      if (!originAllowed(req, allowedOrigin))
        return reply.code(403).send({ error: 'This request came from another site.' });
      const snapshot = await rt.cache.snapshot(req.params.slug);
      if (!snapshot) return reply.code(404).send({ error: 'No such storm.' });
      if (!(await rt.checkLimit.hit(req, `storm-check|${req.ip}`)))
        return reply
          .code(429)
          .header('retry-after', '600')
          .send({ error: 'Too many checks from your network. Please wait a few minutes.' });
      const text = req.body.text.replace(/\r\n/g, '\n').trim();
      if (text.length > VARIANT_MAX_LENGTH)
        return reply.code(422).send({
          error: `Your words are ${text.length} characters: at most ${VARIANT_MAX_LENGTH}.`,
        });
      const assessment = snapshot.variants.includes(text)
        ? { decision: 'allow' as const, labels: [], spans: [] }
        : await assessText(db, text);
      const lengths = Object.fromEntries(
        TEXT_PLATFORMS.map((p) => [p, postLength(composePost(text, snapshot.parts, p), p)]),
      );
      return reply.header('cache-control', 'no-store').send({
        allowed: assessment.decision === 'allow',
        decision: assessment.decision,
        labels: assessment.labels,
        spans: assessment.spans,
        lengths,
      });
    },
  );

  app.post(
    '/storms/:slug/posted',
    {
      config: { csrf: false },
      bodyLimit: POSTED_BODY_LIMIT,
      schema: { params: slugParams, body: postedBody },
    },
    async (req, reply) => {
      if (!originAllowed(req, allowedOrigin))
        return answer(
          req,
          reply,
          403,
          'Form expired',
          'This form was sent from another site. Open the storm page and try again.',
        );
      const snapshot = await rt.cache.snapshot(req.params.slug);
      if (!snapshot) return answer(req, reply, 404, 'Storm not found', 'There is no such storm.');
      const { storm } = snapshot;
      const back = html`<p><a href="${stormPath(storm)}">Back to the storm</a></p>`;
      const now = services.clock.now().getTime();
      if (!acceptsPosts(storm, now))
        return answer(
          req,
          reply,
          409,
          'Not now',
          phaseOf(storm, now) === 'upcoming'
            ? 'The storm has not started yet: posts count from its start.'
            : 'The storm is over, so posts no longer count. Thank you!',
          back,
        );
      const body = req.body;
      const token = checkFormToken(rt.secret, storm.id, body.ft, now);
      if (!token.ok)
        return answer(
          req,
          reply,
          token.reason === 'too-fast' ? 422 : 403,
          token.reason === 'too-fast' ? 'Too quick' : 'Form expired',
          token.reason === 'too-fast'
            ? 'That was quicker than anyone can post. Post first, then tell us.'
            : 'This form has expired or was not sent from the storm page. Open the page again.',
          back,
        );
      if (!(await rt.postLimit.hit(req, `storm-post|${storm.id}|${req.ip}`)))
        return answer(
          req,
          reply,
          429,
          'Too many posts',
          'Too many posts have been counted from your network in the last few minutes. Please try again later.',
          back,
        );
      const variant = body.variant.slice(0, 10);
      const outcome = await recordPost(
        services,
        storm,
        {
          variant,
          platform: body.platform.slice(0, 20),
          text: body.text.slice(0, VARIANT_MAX_LENGTH * 2 + 1),
          email: body.email.slice(0, 1000),
          consent: body.consent === '1',
          participantKey: participantKey(rt.secret, storm.id, {
            browserId: body.browser.slice(0, 100),
            ip: req.ip,
            userAgent: req.headers['user-agent'] ?? '',
          }),
          source: actionSource(req, body.source, allowedOrigin),
        },
        rt.secret,
        now,
      );
      if (!outcome.ok)
        return answer(
          req,
          reply,
          422,
          'Not counted',
          outcome.message,
          html`${outcome.assessment && outcome.text ? civilityRefusal(outcome.text, outcome.assessment.spans, outcome.assessment.reasons) : ''}${back}`,
          outcome.assessment ? { spans: outcome.assessment.spans } : {},
        );
      rt.counts.bump(storm.id);
      const count = await rt.counts.get(storm.id);
      if (wantsJson(req))
        return reply.header('cache-control', 'no-store').send({ count, mailed: outcome.mailed });
      return sendHtml(
        reply,
        200,
        publicLayout({
          title: 'Thank you for posting',
          body: postedPage({ storm, count, mailed: outcome.mailed, variant }),
        }).value,
      );
    },
  );

  const linkNotRecognised = (reply: FastifyReply) =>
    sendNotice(
      reply,
      404,
      'Link not recognised',
      'This confirmation link is not valid. Check that you copied all of it from the email.',
    );
  const confirmed = (reply: FastifyReply, storm: StormRow, outcome: 'confirmed' | 'already') =>
    sendHtml(
      reply,
      200,
      publicLayout({ title: 'Thank you', body: confirmedPage(storm, outcome) }).value,
    );
  const byLink = { schema: { params: confirmParams } };
  /** The storm and post a mailed link names, or null when we did not issue it. */
  const linkTarget = async ({ slug, token }: { slug: string; token: string }) => {
    const postId = checkConfirmToken(rt.secret, token);
    const storm = postId === null ? undefined : await repo.findStormBySlug(db.kysely, slug);
    return storm && postId !== null ? { storm, postId, token } : null;
  };

  // Mail scanners fetch links with nobody clicking: the link (in mails already sent, too) shows
  // a button, and only the POST it sends adds the person and records their consent.
  app.get('/storms/:slug/confirm/:token', byLink, async (req, reply) => {
    const target = await linkTarget(req.params);
    if (!target) return linkNotRecognised(reply);
    const { storm, postId, token } = target;
    const status = await confirmLinkStatus(services, storm, postId);
    if (status === 'invalid') return linkNotRecognised(reply);
    if (status === 'already') return confirmed(reply, storm, 'already');
    return sendHtml(
      reply,
      200,
      publicLayout({
        title: 'Confirm your email',
        body: confirmPostPage(
          storm,
          `${stormPath(storm)}/confirm/${encodeURIComponent(token)}`,
          reply.generateCsrf(),
        ),
      }).value,
    );
  });

  app.post('/storms/:slug/confirm/:token', byLink, async (req, reply) => {
    const target = await linkTarget(req.params);
    if (!target) return linkNotRecognised(reply);
    const outcome = await confirmPost(services, target.storm, target.postId);
    if (outcome === 'invalid') return linkNotRecognised(reply);
    return confirmed(reply, target.storm, outcome);
  });
}
