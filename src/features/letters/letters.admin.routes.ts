import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/html/layout.js';
import { formField } from '../../infra/http/form-fields.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { withRecordById } from '../../infra/http/route-params.js';
import type { Services } from '../../infra/services.js';
import { campaignGuard } from '../civility/campaign-guard.js';
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
import { LETTER_STATUSES } from './letters.tables.js';
import * as views from './letters.admin.views.js';

/** Letters per page in a campaign's list, and held letters shown at once. */
export const LETTERS_PAGE_SIZE = 50;
export const HELD_PAGE_SIZE = 50;

function formFromBody(body: unknown): CampaignForm {
  return {
    title: formField(body, 'title'),
    slug: formField(body, 'slug'),
    targetListId: formField(body, 'targetListId'),
    brief: formField(body, 'brief'),
    points: formField(body, 'points'),
    subject: formField(body, 'subject'),
    minOwnWords: formField(body, 'minOwnWords'),
    minOwnPercent: formField(body, 'minOwnPercent'),
    reviewPolicy: formField(body, 'reviewPolicy'),
    deliveryMode: formField(body, 'deliveryMode'),
    hourlyLimit: formField(body, 'hourlyLimit'),
    followUp: formField(body, 'followUp') === '1',
  };
}

function guardText(letter: Pick<LetterRow, 'subject' | 'body'>): string {
  return `${letter.subject}\n\n${letter.body}`;
}

export async function lettersAdminRoutes(app: FastifyInstance, services: Services) {
  const { db, audit } = services;
  const ctx = { db, audit };

  const notFound = (req: FastifyRequest, reply: FastifyReply, what = 'letter campaign') =>
    renderAdmin(req, reply, {
      title: 'Not found',
      status: 404,
      body: views.notFound(what),
    });

  const withCampaign = withRecordById({
    load: (id) => repo.findCampaign(db.kysely, id),
    notFound: (req, reply) => notFound(req, reply),
  });

  const withLetter = withRecordById({
    load: (id) => repo.findLetter(db.kysely, id),
    notFound: (req, reply) => notFound(req, reply, 'letter'),
    param: 'letterId',
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

  app.post('/admin/letters', { config: { role: 'organiser' } }, async (req, reply) => {
    const form = formFromBody(req.body);
    const result = await createCampaign(ctx, form, requireStaff(req).id);
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

  app.get('/admin/letters/:id', { config: { role: 'viewer' } }, (req, reply) =>
    withCampaign(req, reply, async (campaign) => {
      const role = requireStaff(req).role;
      const query = req.query as Record<string, unknown>;
      const status = LETTER_STATUSES.find((s) => s === query.status);
      const requested =
        typeof query.page === 'string' && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 1;
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
            (await targetListOf(db, campaign))?.name ?? 'A target list that no longer exists',
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

  app.get('/admin/letters/:id/edit', { config: { role: 'organiser' } }, (req, reply) =>
    withCampaign(req, reply, (campaign) =>
      renderForm(req, reply, {
        title: `Edit: ${campaign.title}`,
        action: views.adminBase(campaign),
        form: views.formOf(campaign),
        submitLabel: 'Save',
      }),
    ),
  );

  app.post('/admin/letters/:id', { config: { role: 'organiser' } }, (req, reply) =>
    withCampaign(req, reply, async (campaign) => {
      const form = formFromBody(req.body);
      const result = await updateCampaign(ctx, campaign, form, requireStaff(req).id);
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

  app.post('/admin/letters/:id/status', { config: { role: 'organiser' } }, (req, reply) =>
    withCampaign(req, reply, async (campaign) => {
      const action = formField(req.body, 'action');
      if (!isStatusAction(action)) {
        setFlash(reply, { kind: 'error', message: 'Unknown action.' });
        return reply.redirect(views.adminBase(campaign), 303);
      }
      const result = await changeCampaignStatus(ctx, campaign, action, requireStaff(req).id);
      setFlash(
        reply,
        result.ok
          ? { kind: 'success', message: `${STATUS_ACTIONS[action].label}: done.` }
          : { kind: 'error', message: result.message },
      );
      return reply.redirect(views.adminBase(campaign), 303);
    }),
  );

  app.get('/admin/letters/letter/:letterId', { config: { role: 'moderator' } }, (req, reply) =>
    withLetter(req, reply, async (letter) => {
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
    { config: { role: 'moderator' } },
    (req, reply) =>
      withLetter(req, reply, async (letter) => {
        const decision = formField(req.body, 'decision');
        if (decision !== 'approve' && decision !== 'reject') {
          setFlash(reply, { kind: 'error', message: 'Choose to approve or refuse the letter.' });
          return reply.redirect('/admin/letters/held', 303);
        }
        const result = await moderateLetter(
          services,
          letter.id,
          decision,
          formField(req.body, 'note', 2000),
          requireStaff(req).id,
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
    { config: { role: 'organiser' } },
    (req, reply) =>
      withLetter(req, reply, async (letter) => {
        const ok = await markBounced(
          services,
          letter.id,
          formField(req.body, 'note', 2000),
          requireStaff(req).id,
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

  app.post(
    '/admin/letters/letter/:letterId/retry',
    { config: { role: 'organiser' } },
    (req, reply) =>
      withLetter(req, reply, async (letter) => {
        const ok = await retryLetter(services, letter.id, requireStaff(req).id);
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
