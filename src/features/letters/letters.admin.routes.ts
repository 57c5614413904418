import { letterCurveRoutes } from './letters.curve.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { registerAdminResource } from '../../infra/http/admin-resource.js';
import { idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { renderAdminNotFound } from '../../infra/http/admin-not-found.js';
import type { Services } from '../../infra/services.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import { listTargetLists } from '../targets/targets.service.js';
import {
  changeCampaignStatus,
  createCampaign,
  targetListOf,
  updateCampaign,
  CAMPAIGN_STATUS,
} from './campaigns.service.js';
import * as repo from './letters.repository.js';
import type { LetterRow } from './letters.repository.js';
import { markBounced, moderateLetter, retryLetter } from './letters.service.js';
import {
  campaignFormBody,
  letterIdParams,
  lettersListQuery,
  moderationBody,
  noteBody,
} from './letters.input.js';
import * as views from './letters.admin.views.js';

/** Letters per page in a campaign's list, and held letters shown at once. */
export const LETTERS_PAGE_SIZE = 50;
export const HELD_PAGE_SIZE = 50;

function guardText(letter: Pick<LetterRow, 'subject' | 'body'>): string {
  return `${letter.subject}\n\n${letter.body}`;
}

export async function lettersAdminRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;
  await letterCurveRoutes(base, services);

  const { withRecord: withCampaign } = registerAdminResource(app, {
    base: '/admin/letters',
    noun: 'letter campaign',
    listLabel: 'All letter campaigns',
    load: (id) => repo.findCampaign(db.kysely, id),
    href: views.adminBase,
    title: (campaign) => campaign.title,
    body: campaignFormBody,
    toForm: (body) => body,
    emptyForm: views.emptyForm,
    formOf: views.formOf,
    create: (form, actor) => createCampaign(services, form, actor),
    update: (campaign, form, actor) => updateCampaign(services, { campaign, form }, actor),
    renderForm: async (req, reply, page) =>
      renderAdmin(req, reply, {
        title: page.title,
        status: page.status,
        body: views.campaignForm({
          action: page.action,
          form: page.form,
          errors: page.failure?.errors ?? {},
          csrf: reply.generateCsrf(),
          lists: await listTargetLists(db),
          submitLabel: page.submitLabel,
        }),
      }),
    createdMessage: (campaign) =>
      `Created the draft "${campaign.title}". Open it for letters when it is ready.`,
    status: {
      ...CAMPAIGN_STATUS,
      change: (campaign, action, actor) =>
        changeCampaignStatus(services, { campaign, action }, actor),
    },
  });

  const letterNotFound = (req: FastifyRequest, reply: FastifyReply) =>
    renderAdminNotFound(req, reply, 'There is no such letter.', {
      href: '/admin/letters',
      label: 'All letter campaigns',
    });

  /** Runs `then` with the letter the URL names, or answers not found. */
  async function withLetter<T>(
    req: FastifyRequest & { params: { letterId: number } },
    reply: FastifyReply,
    then: (letter: LetterRow) => T | Promise<T>,
  ) {
    const letter = await repo.findLetter(db.kysely, req.params.letterId);
    return letter === undefined ? letterNotFound(req, reply) : then(letter);
  }

  const onLetter = (role: 'moderator' | 'organiser') => ({
    config: { role },
    schema: { params: letterIdParams },
  });

  app.get('/admin/letters', { config: { role: 'viewer' } }, async (req, reply) => {
    const role = requireStaff(req).role;
    return renderAdmin(req, reply, {
      title: 'Letters',
      body: views.listPage({
        campaigns: await repo.listCampaigns(db.kysely),
        counts: await repo.statusCountsByCampaign(db.kysely),
        held: await repo.countHeld(db.kysely),
        canEdit: roleAtLeast(role, 'organiser'),
        canModerate: roleAtLeast(role, 'moderator'),
      }),
    });
  });

  app.get('/admin/letters/held', { config: { role: 'moderator' } }, async (req, reply) => {
    const guard = await campaignGuard(db);
    const letters = (await repo.heldLetters(db.kysely, HELD_PAGE_SIZE)).map((l) => {
      const text = guardText(l);
      return { ...l, text, spans: guard.assess(text).spans };
    });
    return renderAdmin(req, reply, {
      title: 'Held letters',
      body: views.heldPage({ letters, csrf: reply.generateCsrf() }),
    });
  });

  app.get(
    '/admin/letters/:id',
    { config: { role: 'viewer' }, schema: { params: idParams, querystring: lettersListQuery } },
    (req, reply) =>
      withCampaign(req, reply, async (campaign) => {
        const role = requireStaff(req).role;
        const { status, page: requested } = req.query;
        const first = await repo.pageOfLetters(db.kysely, campaign.id, { status }, 0, 0);
        const pages = Math.max(1, Math.ceil(first.total / LETTERS_PAGE_SIZE));
        const page = Math.min(Math.max(1, requested), pages);
        const letters = await repo.pageOfLetters(
          db.kysely,
          campaign.id,
          { status },
          (page - 1) * LETTERS_PAGE_SIZE,
          LETTERS_PAGE_SIZE,
        );
        return renderAdmin(req, reply, {
          title: campaign.title,
          body: views.detailPage({
            campaign,
            listName:
              (await targetListOf(services, campaign))?.name ??
              'A target list that no longer exists',
            counts:
              (await repo.statusCountsByCampaign(db.kysely, campaign.id)).get(campaign.id) ?? {},
            responses: await repo.responseRates(db.kysely, campaign.id),
            missingEmail: await repo.targetsWithoutEmail(db.kysely, campaign.id),
            letters: letters.items,
            total: letters.total,
            page,
            pages,
            statusFilter: status,
            canEdit: roleAtLeast(role, 'organiser'),
            canModerate: roleAtLeast(role, 'moderator'),
            csrf: reply.generateCsrf(),
          }),
        });
      }),
  );

  app.get('/admin/letters/letter/:letterId', onLetter('moderator'), (req, reply) =>
    withLetter(req, reply, async (letter) => {
      const campaign = await repo.findCampaign(db.kysely, letter.campaign_id);
      if (!campaign) return letterNotFound(req, reply);
      const role = requireStaff(req).role;
      const text = guardText(letter);
      return renderAdmin(req, reply, {
        title: `Letter to ${letter.target_name}`,
        body: views.letterPage({
          letter,
          campaign,
          text,
          spans: (await campaignGuard(db)).assess(text).spans,
          canEdit: roleAtLeast(role, 'organiser'),
          canModerate: true,
          csrf: reply.generateCsrf(),
        }),
      });
    }),
  );

  app.post(
    '/admin/letters/letter/:letterId/moderate',
    { config: { role: 'moderator' }, schema: { params: letterIdParams, body: moderationBody } },
    (req, reply) =>
      withLetter(req, reply, async (letter) => {
        const { decision, note } = req.body;
        if (decision !== 'approve' && decision !== 'reject') {
          setFlash(reply, { kind: 'error', message: 'Choose to approve or refuse the letter.' });
          return reply.redirect('/admin/letters/held', 303);
        }
        const result = await moderateLetter(
          services,
          { letterId: letter.id, decision, note },
          requireStaff(req),
        );
        setFlash(
          reply,
          result.ok
            ? {
                kind: 'success',
                message:
                  decision === 'approve'
                    ? `Approved the letter to ${letter.target_name}: it goes on to delivery.`
                    : `Refused the letter to ${letter.target_name}; its writer has been told.`,
              }
            : { kind: 'error', message: result.message },
        );
        return reply.redirect('/admin/letters/held', 303);
      }),
  );

  app.post(
    '/admin/letters/letter/:letterId/bounced',
    { config: { role: 'organiser' }, schema: { params: letterIdParams, body: noteBody } },
    (req, reply) =>
      withLetter(req, reply, async (letter) => {
        const ok = await markBounced(
          services,
          { letterId: letter.id, note: req.body.note },
          requireStaff(req),
        );
        setFlash(
          reply,
          ok
            ? { kind: 'success', message: 'Marked as bounced.' }
            : { kind: 'error', message: 'Only a sent letter can be marked as bounced.' },
        );
        return reply.redirect(views.letterBase(letter), 303);
      }),
  );

  app.post('/admin/letters/letter/:letterId/retry', onLetter('organiser'), (req, reply) =>
    withLetter(req, reply, async (letter) => {
      const ok = await retryLetter(services, letter.id, requireStaff(req));
      setFlash(
        reply,
        ok
          ? { kind: 'success', message: 'Queued to be sent again.' }
          : { kind: 'error', message: 'Only a failed letter can be sent again.' },
      );
      return reply.redirect(views.letterBase(letter), 303);
    }),
  );
}
