import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import { listTargetLists } from '../targets/targets.service.js';
import {
  STATUS_ACTIONS,
  changeCampaignStatus,
  createCampaign,
  isStatusAction,
  targetListOf,
  updateCampaign,
} from './campaigns.service.js';
import * as repo from './letters.repository.js';
import type { LetterRow } from './letters.repository.js';
import type { CampaignForm, Errors } from './letters.rules.js';
import { markBounced, moderateLetter, retryLetter } from './letters.service.js';
import {
  campaignFormBody,
  letterIdParams,
  lettersListQuery,
  moderationBody,
  noteBody,
  statusActionBody,
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

  const notFound = (req: FastifyRequest, reply: FastifyReply, what = 'letter campaign') =>
    renderAdmin(req, reply, {
      title: 'Not found',
      status: 404,
      body: views.notFound(what),
    });

  /** Runs `then` with the record the URL's (already parsed) id names, or answers not found. */
  const loadedBy =
    <T>(load: (id: number) => Promise<T | undefined>, what?: string) =>
    async <R>(
      req: FastifyRequest,
      reply: FastifyReply,
      id: number,
      then: (record: T) => R | Promise<R>,
    ) => {
      const record = await load(id);
      return record === undefined ? notFound(req, reply, what) : then(record);
    };
  const withCampaign = loadedBy((id) => repo.findCampaign(db.kysely, id));
  const withLetter = loadedBy((id) => repo.findLetter(db.kysely, id), 'letter');

  const onCampaign = (role: 'viewer' | 'organiser') => ({
    config: { role },
    schema: { params: idParams },
  });
  const onLetter = (role: 'moderator' | 'organiser') => ({
    config: { role },
    schema: { params: letterIdParams },
  });

  const renderForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: {
      title: string;
      action: string;
      form: CampaignForm;
      errors?: Errors;
      status?: number;
      submitLabel: string;
    },
  ) =>
    renderAdmin(req, reply, {
      title: opts.title,
      status: opts.status ?? 200,
      body: views.campaignForm({
        action: opts.action,
        form: opts.form,
        errors: opts.errors ?? {},
        csrf: reply.generateCsrf(),
        lists: await listTargetLists(db),
        submitLabel: opts.submitLabel,
      }),
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

  app.get('/admin/letters/new', { config: { role: 'organiser' } }, (req, reply) =>
    renderForm(req, reply, {
      title: 'New letter campaign',
      action: '/admin/letters',
      form: views.emptyForm(),
      submitLabel: 'Create draft',
    }),
  );

  app.post(
    '/admin/letters',
    { config: { role: 'organiser' }, schema: { body: campaignFormBody } },
    async (req, reply) => {
      const form = req.body;
      const result = await createCampaign(services, form, requireStaff(req));
      if (!result.ok)
        return renderForm(req, reply, {
          title: 'New letter campaign',
          action: '/admin/letters',
          form,
          errors: result.errors,
          status: 422,
          submitLabel: 'Create draft',
        });
      setFlash(reply, {
        kind: 'success',
        message: `Created the draft "${result.campaign.title}". Open it for letters when it is ready.`,
      });
      return reply.redirect(views.adminBase(result.campaign), 303);
    },
  );

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
    { ...onCampaign('viewer'), schema: { params: idParams, querystring: lettersListQuery } },
    (req, reply) =>
      withCampaign(req, reply, req.params.id, async (campaign) => {
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

  app.get('/admin/letters/:id/edit', onCampaign('organiser'), (req, reply) =>
    withCampaign(req, reply, req.params.id, (campaign) =>
      renderForm(req, reply, {
        title: `Edit: ${campaign.title}`,
        action: views.adminBase(campaign),
        form: views.formOf(campaign),
        submitLabel: 'Save',
      }),
    ),
  );

  app.post(
    '/admin/letters/:id',
    { config: { role: 'organiser' }, schema: { params: idParams, body: campaignFormBody } },
    (req, reply) =>
      withCampaign(req, reply, req.params.id, async (campaign) => {
        const form = req.body;
        const result = await updateCampaign(services, { campaign, form }, requireStaff(req));
        if (!result.ok)
          return renderForm(req, reply, {
            title: `Edit: ${campaign.title}`,
            action: views.adminBase(campaign),
            form,
            errors: result.errors,
            status: 422,
            submitLabel: 'Save',
          });
        setFlash(reply, { kind: 'success', message: 'Saved.' });
        return reply.redirect(views.adminBase(campaign), 303);
      }),
  );

  app.post(
    '/admin/letters/:id/status',
    { config: { role: 'organiser' }, schema: { params: idParams, body: statusActionBody } },
    (req, reply) =>
      withCampaign(req, reply, req.params.id, async (campaign) => {
        const { action } = req.body;
        if (!isStatusAction(action)) {
          setFlash(reply, { kind: 'error', message: 'Unknown action.' });
          return reply.redirect(views.adminBase(campaign), 303);
        }
        const result = await changeCampaignStatus(
          services,
          { campaign, action },
          requireStaff(req),
        );
        setFlash(
          reply,
          result.ok
            ? { kind: 'success', message: `${STATUS_ACTIONS[action].label}: done.` }
            : { kind: 'error', message: result.message },
        );
        return reply.redirect(views.adminBase(campaign), 303);
      }),
  );

  app.get('/admin/letters/letter/:letterId', onLetter('moderator'), (req, reply) =>
    withLetter(req, reply, req.params.letterId, async (letter) => {
      const campaign = await repo.findCampaign(db.kysely, letter.campaign_id);
      if (!campaign) return notFound(req, reply, 'letter');
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
      withLetter(req, reply, req.params.letterId, async (letter) => {
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
      withLetter(req, reply, req.params.letterId, async (letter) => {
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
    withLetter(req, reply, req.params.letterId, async (letter) => {
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
