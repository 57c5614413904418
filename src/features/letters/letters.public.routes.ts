import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { messagePage } from '../../infra/html/layout.js';
import { formField } from '../../infra/http/form-fields.js';
import { renderPublic } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import {
  type ChooserOptions,
  renderConstituencyChooser,
  renderConstituencySearchResults,
} from '../constituencies/constituencies.views.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.js';
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
  formFromBody,
  letterForToken,
  submitLetter,
} from './letters.service.js';
import * as views from './letters.public.views.js';

/** Letters one address may send in the window: plenty for a household, few for a script. */
export const WRITE_IP_LIMIT = { max: 20, timeWindowMs: 10 * 60 * 1000 };
/** Targets offered as a list when the campaign's list has no places to look up. */
export const TARGET_CHOICE_MAX = 200;
const QUERY_MAX_LENGTH = 200;
/** The letter form's body: the letter and its fields, with room for multi-byte text. */
export const WRITE_BODY_LIMIT = 48 * 1024;

type Query = Record<string, unknown>;

/** A query parameter given once, or undefined; an array or over-long value is an error. */
function param(query: unknown, name: string): { value?: string; error?: string } {
  const v = (query as Query | undefined)?.[name];
  if (v === undefined) return {};
  if (typeof v !== 'string') return { error: `Give one ${name}.` };
  if (v.length > QUERY_MAX_LENGTH) return { error: `The ${name} is too long.` };
  return { value: v };
}

function notice(
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  extra?: SafeHtml,
) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(messagePage(title, message, extra).value);
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

export async function lettersPublicRoutes(app: FastifyInstance, services: Services) {
  const { db } = services;

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

  const openCampaign = async (req: FastifyRequest, reply: FastifyReply) => {
    const slug = (req.params as { slug: string }).slug;
    const campaign = await repo.findCampaignBySlug(db.kysely, slug);
    if (!campaign || campaign.status === 'draft') {
      void notice(
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
      }),
      result?.status ?? 200,
    );

  /** One target: the form. Several: a choice. None: say so. */
  const showTargets = (
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: CampaignRow,
    targets: TargetContact[],
    postcode: string,
    placeName: string,
  ) => {
    const [only] = targets;
    if (targets.length === 1 && only)
      return writeTo(req, reply, campaign, only, emptyForm(campaign, only.id, postcode));
    if (targets.length > 1)
      return page(
        req,
        reply,
        campaign,
        views.targetChoice(campaign, targets, postcode, `Whom to write to in ${placeName}`),
      );
    return page(
      req,
      reply,
      campaign,
      views.postcodeStep(
        campaign,
        postcode,
        html`<p class="flash flash-error" role="alert">
          No one on this campaign's list represents ${placeName}.
        </p>`,
      ),
      404,
    );
  };

  app.get('/letters', async (req, reply) => {
    const campaigns = await repo.listCampaigns(db.kysely, ['open']);
    return renderPublic(req, reply, {
      title: 'Write to your representative',
      body: views.campaignIndex(campaigns),
    });
  });

  app.get('/letters/:slug', async (req, reply) => {
    const campaign = await openCampaign(req, reply);
    if (!campaign) return reply;
    if (campaign.status !== 'open')
      return page(
        req,
        reply,
        campaign,
        html`<p class="flash flash-info" role="status">
          This campaign is closed: it no longer takes letters. Thank you to everyone who wrote.
        </p>`,
      );
    const q = Object.fromEntries(
      ['postcode', 'constituency', 'target', 'q'].map((n) => [n, param(req.query, n)]),
    );
    const badParam = Object.values(q).find((p) => p.error)?.error;
    if (badParam)
      return page(
        req,
        reply,
        campaign,
        views.postcodeStep(
          campaign,
          '',
          html`<p class="flash flash-error" role="alert">${badParam}</p>`,
        ),
        400,
      );
    const postcode = q.postcode?.value?.trim() ?? '';
    const list = await targetListOf(db, campaign);
    if (!list)
      return notice(
        reply,
        404,
        'Campaign not available',
        'This campaign has no targets to write to.',
      );

    const targetParam = q.target?.value;
    if (targetParam !== undefined) {
      const id = /^\d{1,12}$/.test(targetParam) ? Number(targetParam) : 0;
      const target = id ? await getTarget(db, list.id, id) : undefined;
      if (!target)
        return page(
          req,
          reply,
          campaign,
          views.postcodeStep(
            campaign,
            postcode,
            html`<p class="flash flash-error" role="alert">
              That person is not on this campaign's list. Find whom to write to from your postcode.
            </p>`,
          ),
          404,
        );
      return writeTo(
        req,
        reply,
        campaign,
        target,
        emptyForm(campaign, target.id, postcode.length <= 16 ? postcode : ''),
      );
    }

    const directory = await getConstituencyDirectory(db);
    const chooser: ChooserOptions = {
      link: (code) =>
        `${views.campaignPath(campaign)}?constituency=${encodeURIComponent(code)}${postcode ? `&postcode=${encodeURIComponent(postcode)}` : ''}`,
      searchAction: views.campaignPath(campaign),
    };
    const constituency = q.constituency?.value?.trim();
    if (constituency) {
      const place = directory.get(constituency);
      if (!place)
        return page(
          req,
          reply,
          campaign,
          views.postcodeStep(
            campaign,
            '',
            renderConstituencyChooser(
              {
                status: 'unknown',
                postcode: constituency,
                message: 'We do not know that constituency. Find yours by postcode or by name.',
              },
              chooser,
            ),
          ),
          404,
        );
      return showTargets(
        req,
        reply,
        campaign,
        await findTargetsByDivision(db, list.slug, place.code),
        postcode.length <= 16 ? postcode : '',
        place.name,
      );
    }
    if (postcode) {
      if (!directory.isLoaded())
        return page(
          req,
          reply,
          campaign,
          views.postcodeStep(
            campaign,
            '',
            html`<p class="flash flash-error" role="alert">
              The postcode finder is not set up yet. Please try again later.
            </p>`,
          ),
          503,
        );
      const lookup = directory.lookupPostcode(postcode);
      if (lookup.status === 'found' && lookup.candidates.length === 1) {
        const place = lookup.candidates[0]!;
        return showTargets(
          req,
          reply,
          campaign,
          await findTargetsByDivision(db, list.slug, place.code),
          lookup.postcode,
          place.name,
        );
      }
      const status = lookup.status === 'invalid' ? 400 : lookup.status === 'unknown' ? 404 : 200;
      return page(
        req,
        reply,
        campaign,
        views.postcodeStep(
          campaign,
          lookup.status === 'invalid' ? '' : lookup.postcode,
          renderConstituencyChooser(lookup, chooser),
        ),
        status,
      );
    }
    const search = q.q?.value;
    if (search !== undefined)
      return page(
        req,
        reply,
        campaign,
        views.postcodeStep(
          campaign,
          '',
          renderConstituencySearchResults(search, directory.search(search), chooser),
        ),
      );

    // A list without places (a company's board, say): choose from it directly.
    const first = await listTargets(db, list.id, { pageSize: TARGET_CHOICE_MAX });
    if (first.targets.length > 0 && first.targets.every((t) => !t.division_code))
      return page(
        req,
        reply,
        campaign,
        views.targetChoice(campaign, first.targets, '', 'Whom to write to'),
      );
    return page(req, reply, campaign, views.postcodeStep(campaign));
  });

  app.post(
    '/letters/:slug/write',
    {
      bodyLimit: WRITE_BODY_LIMIT,
      config: { rateLimit: { max: WRITE_IP_LIMIT.max, timeWindow: WRITE_IP_LIMIT.timeWindowMs } },
    },
    async (req, reply) => {
      const campaign = await openCampaign(req, reply);
      if (!campaign) return reply;
      if (campaign.status !== 'open')
        return notice(reply, 410, 'Campaign closed', 'This campaign no longer takes letters.');
      const form = formFromBody((name) => formField(req.body, name));
      const result = await submitLetter(services, campaign, form);
      if (result.ok) {
        reply.header('cache-control', 'no-store');
        return renderPublic(req, reply, {
          title: 'Check your email',
          body: views.checkEmailPage(result.letter, result.resent),
        });
      }
      const targetId = /^\d{1,12}$/.test(form.targetId) ? Number(form.targetId) : 0;
      const target = targetId ? await getTarget(db, campaign.target_list_id, targetId) : undefined;
      if (!target)
        return page(
          req,
          reply,
          campaign,
          views.postcodeStep(
            campaign,
            '',
            html`<p class="flash flash-error" role="alert">
              ${Object.values(result.errors).join(' ')}
            </p>`,
          ),
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
      return writeTo(req, reply, campaign, target, echo, result);
    },
  );

  const confirmAction = (slug: string, token: string) =>
    `/letters/${encodeURIComponent(slug)}/confirm/${encodeURIComponent(token)}`;
  const invalidLink = (reply: FastifyReply) =>
    notice(
      reply,
      404,
      'Link not recognised',
      'This confirmation link is not valid. If you wrote more than once, use the link in the latest email.',
    );

  const currentEmail = async (campaign: CampaignRow, targetId: number) =>
    (await getTarget(db, campaign.target_list_id, targetId))?.email ?? null;

  app.get('/letters/:slug/confirm/:token', async (req, reply) => {
    const { slug, token } = req.params as { slug: string; token: string };
    const found = await letterForToken(services, token);
    if (!found || found.campaign.slug !== slug) return invalidLink(reply);
    const { letter, campaign } = found;
    reply.header('cache-control', 'no-store');
    if (letter.status === 'unconfirmed')
      return renderPublic(req, reply, {
        title: 'Confirm your letter',
        body: views.confirmPage(campaign, letter, confirmAction(slug, token), reply.generateCsrf()),
      });
    return renderPublic(req, reply, {
      title: 'Your letter',
      body: views.confirmedPage(
        campaign,
        letter,
        true,
        await currentEmail(campaign, letter.target_id),
      ),
    });
  });

  app.post('/letters/:slug/confirm/:token', async (req, reply) => {
    const { slug, token } = req.params as { slug: string; token: string };
    const found = await letterForToken(services, token);
    if (!found || found.campaign.slug !== slug) return invalidLink(reply);
    const outcome = await confirmLetter(services, token);
    if (outcome.status === 'invalid') return invalidLink(reply);
    if (outcome.status === 'closed')
      return notice(
        reply,
        410,
        'Campaign closed',
        'This campaign closed before you confirmed, so your letter was not sent.',
      );
    reply.header('cache-control', 'no-store');
    return renderPublic(req, reply, {
      title: outcome.letter.status === 'mailto' ? 'Send your letter' : 'Thank you',
      body: views.confirmedPage(
        outcome.campaign,
        outcome.letter,
        outcome.status === 'already',
        await currentEmail(outcome.campaign, outcome.letter.target_id),
      ),
    });
  });

  const followUpAction = (token: string) => `/letters/follow-up/${encodeURIComponent(token)}`;
  const invalidFollowUp = (reply: FastifyReply) =>
    notice(reply, 404, 'Link not recognised', 'This link is not valid.');

  app.get('/letters/follow-up/:token', async (req, reply) => {
    const { token } = req.params as { token: string };
    const found = await followUpFor(services, token);
    if (found.status === 'invalid') return invalidFollowUp(reply);
    reply.header('cache-control', 'no-store');
    if (found.status === 'answered')
      return renderPublic(req, reply, {
        title: 'Thank you',
        body: views.followUpThanks(found.letter, true),
      });
    const answer = param(req.query, 'answer').value;
    return renderPublic(req, reply, {
      title: 'Did you have a reply?',
      body: views.followUpPage(
        found.letter,
        followUpAction(token),
        reply.generateCsrf(),
        answer === 'yes' || answer === 'no' ? answer : undefined,
      ),
    });
  });

  app.post('/letters/follow-up/:token', async (req, reply) => {
    const { token } = req.params as { token: string };
    const answer = formField(req.body, 'answer');
    if (answer !== 'yes' && answer !== 'no')
      return notice(
        reply,
        400,
        'Answer not understood',
        'Choose "Yes, I had a reply" or "No reply yet".',
      );
    const result = await answerFollowUp(services, token, answer);
    if (result.status === 'invalid') return invalidFollowUp(reply);
    reply.header('cache-control', 'no-store');
    return renderPublic(req, reply, {
      title: 'Thank you',
      body: views.followUpThanks(result.letter, result.status === 'answered'),
    });
  });
}
