import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actionSource, keepSourceRedirect, pageSource } from '../../infra/http/attribution.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { sendNotice } from '../../infra/http/public-notice.js';
import { answerInputErrorWith, typedRoutes } from '../../infra/http/input.js';
import { renderPublic } from '../../infra/http/render.js';
import { parsePositiveId } from '../../infra/validation/ids.js';
import type { Services } from '../../infra/services.js';
import {
  type ChooserOptions,
  renderConstituencyChooser,
  renderConstituencySearchResults,
} from '../constituencies/constituencies.views.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import {
  type TargetContact,
  findTargetsByDivision,
  getTarget,
  listTargets,
} from '../targets/targets.service.js';
import { pointsOf, targetListOf } from './campaigns.service.js';
import * as repo from './letters.repository.js';
import type { CampaignRow } from './letters.repository.js';
import type { LetterForm } from './letters.rules.js';
import {
  type SubmitResult,
  answerFollowUp,
  confirmLetter,
  followUpFor,
  letterForToken,
  submitLetter,
} from './letters.service.js';
import * as views from './letters.public.views.js';
import {
  campaignPageQuery,
  confirmParams,
  followUpBody,
  followUpQuery,
  letterFormBody,
  slugParams,
  tokenParams,
} from './letters.input.js';

/** Letters one address may send in the window: plenty for a household, few for a script. */
export const WRITE_IP_LIMIT = { max: 20, timeWindowMs: 10 * 60 * 1000 };
/** Targets offered as a list when the campaign's list has no places to look up. */
export const TARGET_CHOICE_MAX = 200;
/** The letter form's body: the letter and its fields, with room for multi-byte text. */
export const WRITE_BODY_LIMIT = 48 * 1024;

/** A postcode typed into the form goes back into it only when it could be one. */
function keptPostcode(postcode: string): string {
  return postcode.length <= 16 ? postcode : '';
}

function emptyForm(campaign: CampaignRow, targetId: number, postcode: string): LetterForm {
  return {
    name: '',
    email: '',
    postcode,
    address: '',
    subject: campaign.subject ?? '',
    body: '',
    targetId: String(targetId),
    consent: false,
    followUp: campaign.follow_up === 1,
  };
}

export async function lettersPublicRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;
  const ownOrigin = new URL(services.config.baseUrl).origin;

  const page = (
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: CampaignRow,
    step: SafeHtml,
    status = 200,
  ) => {
    reply.header('cache-control', 'no-store');
    return renderPublic(req, reply, {
      title: campaign.title,
      description: campaign.brief.slice(0, 200),
      status,
      scripts: ['letters.js'],
      body: html`${views.campaignHeader(campaign)}
        <div class="lt-page">
          <aside class="lt-aside">${views.briefSection(campaign, pointsOf(campaign))}</aside>
          <div class="lt-main">${step}</div>
        </div>`,
    });
  };

  /** A page for this reader only (their letter, their link): never kept by shared caches. */
  const privatePage = (req: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml) => {
    reply.header('cache-control', 'no-store');
    return renderPublic(req, reply, { title, body });
  };

  /** The postcode form, with what to show under it (a problem, a chooser, search results). */
  const postcodeStep = (
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: CampaignRow,
    opts: { postcode?: string; below?: SafeHtml; status?: number } = {},
  ) =>
    page(
      req,
      reply,
      campaign,
      views.postcodeStep(campaign, opts.postcode, opts.below),
      opts.status,
    );

  /** The postcode step again, with what went wrong under the form. */
  const postcodeProblem = (
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: CampaignRow,
    problem: SafeHtml | string,
    status: number,
    postcode = '',
  ) =>
    postcodeStep(req, reply, campaign, {
      postcode,
      below: html`<p class="flash flash-error" role="alert">${problem}</p>`,
      status,
    });

  /** The campaign a public address names (slug), or undefined once the 404 is on its way. */
  const openCampaign = async (slug: string, reply: FastifyReply) => {
    const campaign = await repo.findCampaignBySlug(db.kysely, slug);
    if (!campaign || campaign.status === 'draft') {
      void sendNotice(
        reply,
        404,
        'Campaign not found',
        'There is no letter campaign at this address.',
        html`<p><a href="/letters">See the open campaigns</a></p>`,
      );
      return undefined;
    }
    return campaign;
  };

  const writeTo = (
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: CampaignRow,
    target: TargetContact,
    form: LetterForm,
    result?: Extract<SubmitResult, { ok: false }>,
    source: string | null = pageSource(req, ownOrigin),
  ) =>
    page(
      req,
      reply,
      campaign,
      views.letterForm({
        campaign,
        target,
        values: form,
        errors: result?.errors ?? {},
        csrf: reply.generateCsrf(),
        civility: result?.civility,
        originality: result?.originality,
        source,
      }),
      result?.status ?? 200,
    );

  /** Who on the campaign's list represents the place. One: the form. Several: a choice. */
  const showTargets = async (
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: CampaignRow,
    listSlug: string,
    place: { code: string; name: string },
    postcode: string,
  ) => {
    const targets = await findTargetsByDivision(db, listSlug, place.code);
    const [only] = targets;
    if (targets.length === 1 && only)
      return writeTo(req, reply, campaign, only, emptyForm(campaign, only.id, postcode));
    if (targets.length > 1)
      return page(
        req,
        reply,
        campaign,
        views.targetChoice(campaign, targets, postcode, `Whom to write to in ${place.name}`),
      );
    return postcodeProblem(
      req,
      reply,
      campaign,
      `No one on this campaign's list represents ${place.name}.`,
      404,
      postcode,
    );
  };

  app.get('/letters', async (req, reply) => {
    const campaigns = await repo.listCampaigns(db.kysely, ['open']);
    return renderPublic(req, reply, {
      title: 'Write to your representative',
      body: views.campaignIndex(campaigns),
    });
  });

  const closedNotice = (req: FastifyRequest, reply: FastifyReply, campaign: CampaignRow) =>
    page(
      req,
      reply,
      campaign,
      html`<p class="flash flash-info" role="status">
        This campaign is closed: it no longer takes letters. Thank you to everyone who wrote.
      </p>`,
    );

  const campaignPage = {
    schema: { params: slugParams, querystring: campaignPageQuery },
    // A query the page cannot read: the postcode step again, saying what was wrong.
    errorHandler: answerInputErrorWith(async (req, reply, problem) => {
      const slug = slugParams.safeParse(req.params).data?.slug ?? '';
      const campaign = await openCampaign(slug, reply);
      if (!campaign) return reply;
      if (campaign.status !== 'open') return closedNotice(req, reply, campaign);
      return postcodeProblem(req, reply, campaign, problem, 400);
    }),
  };

  app.get('/letters/:slug', campaignPage, async (req, reply) => {
    // The steps link to each other without the source: keep it in the address from step to step.
    const keep = keepSourceRedirect(req, ownOrigin);
    if (keep) return reply.redirect(keep, 303);
    const campaign = await openCampaign(req.params.slug, reply);
    if (!campaign) return reply;
    if (campaign.status !== 'open') return closedNotice(req, reply, campaign);
    const postcode = req.query.postcode?.trim() ?? '';
    const list = await targetListOf(services, campaign);
    if (!list)
      return sendNotice(
        reply,
        404,
        'Campaign not available',
        'This campaign has no targets to write to.',
      );

    const targetParam = req.query.target;
    if (targetParam !== undefined) {
      const id = parsePositiveId(targetParam);
      const target = id === null ? undefined : await getTarget(db, list.id, id);
      if (!target)
        return postcodeProblem(
          req,
          reply,
          campaign,
          "That person is not on this campaign's list. Find whom to write to from your postcode.",
          404,
          postcode,
        );
      return writeTo(
        req,
        reply,
        campaign,
        target,
        emptyForm(campaign, target.id, keptPostcode(postcode)),
      );
    }

    const directory = await getConstituencyDirectory(db);
    const chooser: ChooserOptions = {
      link: (code) =>
        `${views.campaignPath(campaign)}?constituency=${encodeURIComponent(code)}${postcode ? `&postcode=${encodeURIComponent(postcode)}` : ''}`,
      searchAction: views.campaignPath(campaign),
    };
    const constituency = req.query.constituency?.trim();
    if (constituency) {
      const place = directory.get(constituency);
      if (!place)
        return postcodeStep(req, reply, campaign, {
          below: renderConstituencyChooser(
            {
              status: 'unknown',
              postcode: constituency,
              message: 'We do not know that constituency. Find yours by postcode or by name.',
            },
            chooser,
          ),
          status: 404,
        });
      return showTargets(req, reply, campaign, list.slug, place, keptPostcode(postcode));
    }
    if (postcode) {
      if (!directory.isLoaded())
        return postcodeProblem(
          req,
          reply,
          campaign,
          'The postcode finder is not set up yet. Please try again later.',
          503,
        );
      const lookup = directory.lookupPostcode(postcode);
      if (lookup.status === 'found' && lookup.candidates.length === 1) {
        return showTargets(req, reply, campaign, list.slug, lookup.candidates[0]!, lookup.postcode);
      }
      return postcodeStep(req, reply, campaign, {
        postcode: lookup.status === 'invalid' ? '' : lookup.postcode,
        below: renderConstituencyChooser(lookup, chooser),
        status: lookup.status === 'invalid' ? 400 : lookup.status === 'unknown' ? 404 : 200,
      });
    }
    const search = req.query.q;
    if (search !== undefined)
      return postcodeStep(req, reply, campaign, {
        below: renderConstituencySearchResults(search, directory.search(search), chooser),
      });

    // A list without places (a company's board, say): choose from it directly.
    const first = await listTargets(db, list.id, { pageSize: TARGET_CHOICE_MAX });
    if (first.targets.length > 0 && first.targets.every((t) => !t.division_code))
      return page(
        req,
        reply,
        campaign,
        views.targetChoice(campaign, first.targets, '', 'Whom to write to'),
      );
    return postcodeStep(req, reply, campaign);
  });

  app.post(
    '/letters/:slug/write',
    {
      bodyLimit: WRITE_BODY_LIMIT,
      config: { rateLimit: { max: WRITE_IP_LIMIT.max, timeWindow: WRITE_IP_LIMIT.timeWindowMs } },
      schema: { params: slugParams, body: letterFormBody },
    },
    async (req, reply) => {
      const campaign = await openCampaign(req.params.slug, reply);
      if (!campaign) return reply;
      if (campaign.status !== 'open')
        return sendNotice(reply, 410, 'Campaign closed', 'This campaign no longer takes letters.');
      const form = req.body;
      const source = actionSource(req, form.source, ownOrigin);
      const result = await submitLetter(services, { campaign, form, source });
      if (result.ok)
        return privatePage(
          req,
          reply,
          'Check your email',
          views.checkEmailPage(result.letter, result.resent),
        );
      const targetId = parsePositiveId(form.targetId);
      const target =
        targetId === null ? undefined : await getTarget(db, campaign.target_list_id, targetId);
      if (!target)
        return postcodeProblem(
          req,
          reply,
          campaign,
          Object.values(result.errors).join(' '),
          result.status,
        );
      // Echo what was typed, cut to the limits so an oversized field is not sent back whole.
      const echo: LetterForm = {
        ...form,
        name: form.name.slice(0, 1000),
        email: form.email.slice(0, 1000),
        postcode: form.postcode.slice(0, 100),
        address: form.address.slice(0, 1000),
        subject: form.subject.slice(0, 1000),
        body: form.body.slice(0, 20_000),
      };
      return writeTo(req, reply, campaign, target, echo, result, source);
    },
  );

  const confirmAction = (slug: string, token: string) =>
    `/letters/${encodeURIComponent(slug)}/confirm/${encodeURIComponent(token)}`;
  const invalidLink = (reply: FastifyReply) =>
    sendNotice(
      reply,
      404,
      'Link not recognised',
      'This confirmation link is not valid. If you wrote more than once, use the link in the latest email.',
    );

  const currentEmail = async (campaign: CampaignRow, targetId: number) =>
    (await getTarget(db, campaign.target_list_id, targetId))?.email ?? null;

  const confirmPath = '/letters/:slug/confirm/:token';
  const onConfirmLink = { schema: { params: confirmParams } };
  /** The letter a confirmation link names, when the link is whole and for this campaign. */
  const letterOfLink = async ({ slug, token }: { slug: string; token: string }) => {
    const found = await letterForToken(services, token);
    return found?.campaign.slug === slug ? found : undefined;
  };

  app.get(confirmPath, onConfirmLink, async (req, reply) => {
    const { slug, token } = req.params;
    const found = await letterOfLink(req.params);
    if (!found) return invalidLink(reply);
    const { letter, campaign } = found;
    if (letter.status === 'unconfirmed')
      return privatePage(
        req,
        reply,
        'Confirm your letter',
        views.confirmPage(campaign, letter, confirmAction(slug, token), reply.generateCsrf()),
      );
    return privatePage(
      req,
      reply,
      'Your letter',
      views.confirmedPage(campaign, letter, true, await currentEmail(campaign, letter.target_id)),
    );
  });

  app.post(confirmPath, onConfirmLink, async (req, reply) => {
    if (!(await letterOfLink(req.params))) return invalidLink(reply);
    const outcome = await confirmLetter(services, req.params.token);
    if (outcome.status === 'invalid') return invalidLink(reply);
    if (outcome.status === 'closed')
      return sendNotice(
        reply,
        410,
        'Campaign closed',
        'This campaign closed before you confirmed, so your letter was not sent.',
      );
    return privatePage(
      req,
      reply,
      outcome.letter.status === 'mailto' ? 'Send your letter' : 'Thank you',
      views.confirmedPage(
        outcome.campaign,
        outcome.letter,
        outcome.status === 'already',
        await currentEmail(outcome.campaign, outcome.letter.target_id),
      ),
    );
  });

  const followUpAction = (token: string) => `/letters/follow-up/${encodeURIComponent(token)}`;
  const invalidFollowUp = (reply: FastifyReply) =>
    sendNotice(reply, 404, 'Link not recognised', 'This link is not valid.');

  app.get(
    '/letters/follow-up/:token',
    { schema: { params: tokenParams, querystring: followUpQuery } },
    async (req, reply) => {
      const { token } = req.params;
      const found = await followUpFor(services, token);
      if (found.status === 'invalid') return invalidFollowUp(reply);
      if (found.status === 'answered')
        return privatePage(req, reply, 'Thank you', views.followUpThanks(found.letter, true));
      return privatePage(
        req,
        reply,
        'Did you have a reply?',
        views.followUpPage(
          found.letter,
          followUpAction(token),
          reply.generateCsrf(),
          req.query.answer,
        ),
      );
    },
  );

  app.post(
    '/letters/follow-up/:token',
    { schema: { params: tokenParams, body: followUpBody } },
    async (req, reply) => {
      const { token } = req.params;
      const { answer } = req.body;
      if (answer !== 'yes' && answer !== 'no')
        return sendNotice(
          reply,
          400,
          'Answer not understood',
          'Choose "Yes, I had a reply" or "No reply yet".',
        );
      const result = await answerFollowUp(services, { token, answer });
      if (result.status === 'invalid') return invalidFollowUp(reply);
      return privatePage(
        req,
        reply,
        'Thank you',
        views.followUpThanks(result.letter, result.status === 'answered'),
      );
    },
  );
}
