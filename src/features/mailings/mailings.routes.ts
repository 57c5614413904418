import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { registerAdminResource } from '../../infra/http/admin-resource.js';
import { formCheckbox, formList, formText, idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import type { Services } from '../../infra/services.js';
import { findMp } from '../constituencies/constituencies.service.js';
import { findPersonByEmail } from '../people/people.service.js';
import { listSegments } from '../people/segments.service.js';
import { listStaff } from '../staff/staff.service.js';
import { type AudienceBreakdown, AudienceError, mergeValuesOf, walkAudience } from './audience.js';
import { deliveryAudit } from './delivery-audit.service.js';
import { compileMailing, personalise, withSource } from './mail-render.js';
import { mailingSecret } from './mailing-tokens.js';
import { SettingsSchema, loadMailingSettings, saveMailingSettings } from './mailing-settings.js';
import type { MergeValues } from './merge-fields.js';
import { MessageLinks } from './message-links.js';
import * as repo from './mailings.repository.js';
import * as service from './mailings.service.js';
import { mailingActions } from './mailings.service.js';
import type { Mailing, MailingForm } from './mailings.service.js';
import * as views from './mailings.views.js';
import { subjectTestResults } from './subject-test.js';
import { ACTION_LINKS, actionLinkValues, actionPaths } from './action-links.js';

/** Test sends go to at most this many staff addresses at once. */
export const MAX_TEST_RECIPIENTS = 5;
const FORM_BODY_LIMIT = 128 * 1024;

const mailingBody = z.object({
  subject: formText,
  preheader: formText,
  fromName: formText,
  replyTo: formText,
  body: formText,
  segmentIds: formList,
  excludeSegmentIds: formList,
  clickTracking: formCheckbox,
  petitionId: formText,
  letterCampaignId: formText,
  eventId: formText,
  subjectVariants: formList,
  testPercent: formText,
  testWaitHours: formText,
});

function toForm(b: z.output<typeof mailingBody>): MailingForm {
  return { ...b, clickTracking: b.clickTracking };
}

/** One person's message as it will be sent (the preview and the test send). */
async function renderAs(services: Services, mailing: Mailing, values: MergeValues, email: string) {
  const links = new MessageLinks(services.config, await mailingSecret(services.db));
  const subject = { kind: 'address' as const, email };
  const { baseUrl } = services.config;
  const source = service.mailingSource(mailing.id);
  return personalise(compileMailing(mailing), {
    values: {
      ...values,
      ...actionLinkValues(await actionPaths(services, mailing), baseUrl, source),
    },
    unsubscribeUrl: links.unsubscribeUrl(subject),
    link: (url) => withSource(url, baseUrl, source),
  });
}

export async function mailingsAdminRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;
  const segmentChoices = async () =>
    (await listSegments(services)).map((s) => ({ id: s.id, name: s.name, count: s.count }));
  const load = (id: number) => service.getMailing(services, id);

  const { withRecord: withMailing } = registerAdminResource(app, {
    base: '/admin/mailings',
    noun: 'mailing',
    listLabel: 'All mailings',
    bodyLimit: FORM_BODY_LIMIT,
    load,
    href: views.adminBase,
    title: (m) => m.subject,
    body: mailingBody,
    toForm,
    emptyForm: () => views.emptyForm(),
    formOf: service.formOf,
    create: async (form, actor) => {
      const r = await service.createMailing(services, form, actor);
      if (!r.ok) return { ok: false, errors: r.errors };
      return { ok: true, record: (await load(r.id))! };
    },
    update: async (mailing, form, actor) => {
      if (mailing.status !== 'draft')
        return {
          ok: false,
          errors: {
            subject: 'Only a draft can be edited: this one is already ' + mailing.status + '.',
          },
        };
      const r = await service.updateMailing(services, { mailing, form }, actor);
      if (!r.ok) return { ok: false, errors: r.errors };
      return { ok: true, record: (await load(r.id))! };
    },
    renderForm: async (req, reply, page) =>
      renderAdmin(req, reply, {
        title: page.title,
        status: page.status,
        body: views.mailingForm({
          action: page.action,
          form: page.form,
          errors: page.failure?.errors ?? {},
          csrf: reply.generateCsrf(),
          segments: await segmentChoices(),
          actionChoices: Object.fromEntries(
            await Promise.all(
              ACTION_LINKS.map(async (l) => [l.key, await l.choices(services)] as const),
            ),
          ),
          submitLabel: page.submitLabel,
        }),
      }),
    createdMessage: () => 'Saved the draft. Check the audience and the preview, then send a test.',
  });

  app.get('/admin/mailings', { config: { role: 'viewer' } }, async (req, reply) =>
    renderAdmin(req, reply, {
      title: 'Mailings',
      body: views.listPage({
        mailings: await service.listMailings(services),
        canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
        suppressed: await repo.countSuppressions(db.kysely),
      }),
    }),
  );

  app.get(
    '/admin/mailings/:id',
    {
      config: { role: 'viewer' },
      schema: { params: idParams, querystring: z.object({ as: formText }) },
    },
    (req, reply) =>
      withMailing(req, reply, async (mailing) => {
        let breakdown: AudienceBreakdown | null = null;
        let breakdownError: string | null = null;
        if (mailing.status === 'draft') {
          try {
            breakdown = await walkAudience(services, mailing, await loadMailingSettings(db));
          } catch (err) {
            if (!(err instanceof AudienceError)) throw err;
            breakdownError = err.message;
          }
        } else {
          const row = await repo.findMailing(db.kysely, mailing.id);
          breakdown = row?.audience ? (JSON.parse(row.audience) as AudienceBreakdown) : null;
        }
        const as = req.query.as.trim().slice(0, 254);
        let preview: Parameters<typeof views.detailPage>[0]['preview'];
        if (as) {
          const person = await findPersonByEmail(db, as);
          if (!person) preview = { as, error: `Nobody with the address ${as} is on the list.` };
          else {
            const values = mergeValuesOf(person);
            if (person.constituencyCode)
              values.mp_name =
                (await findMp(services, { code: person.constituencyCode }))?.name ?? null;
            preview = { as, message: await renderAs(services, mailing, values, person.email) };
          }
        } else
          preview = {
            as: '',
            message: await renderAs(services, mailing, {}, 'preview@example.invalid'),
          };
        const failures = [
          ...(await repo.listRecipientsByStatus(db.kysely, mailing.id, 'failed', 50)),
          ...(await repo.listRecipientsByStatus(db.kysely, mailing.id, 'bounced', 50)),
        ].map((r) => ({ email: r.email, status: r.status, response: r.smtp_response }));
        return renderAdmin(req, reply, {
          title: mailing.subject,
          body: views.detailPage({
            mailing,
            csrf: reply.generateCsrf(),
            canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
            breakdown,
            breakdownError,
            counts: await repo.statusCounts(db.kysely, mailing.id),
            clicks: mailing.clickTracking ? await repo.countClicked(db.kysely, mailing.id) : 0,
            actions: mailing.status === 'draft' ? [] : await mailingActions(services, mailing.id),
            subjectTest: await subjectTestResults(services, mailing),
            preview,
            failures,
          }),
        });
      }),
  );

  app.post(
    '/admin/mailings/:id/test',
    {
      config: { role: 'organiser' },
      schema: { params: idParams, body: z.object({ to: formText }) },
    },
    (req, reply) =>
      withMailing(req, reply, async (mailing) => {
        const wanted = req.body.to.split(/[,;\s]+/).filter(Boolean);
        const staff = new Set(
          (await listStaff(services))
            .filter((s) => !s.disabled_at)
            .map((s) => s.email.toLowerCase()),
        );
        const to = wanted.map((w) => normaliseEmail(w));
        let problem: string | null = null;
        if (wanted.length === 0) problem = 'Enter at least one staff address.';
        else if (wanted.length > MAX_TEST_RECIPIENTS)
          problem = `Send a test to at most ${MAX_TEST_RECIPIENTS} addresses.`;
        else {
          const outsider = wanted.find((w, i) => !to[i] || !staff.has(to[i]));
          if (outsider)
            problem = `${outsider} is not a staff account: test sends go to staff only.`;
        }
        if (problem)
          return renderAdmin(req, reply, {
            title: mailing.subject,
            status: 422,
            body: views.refusal(problem, views.adminBase(mailing)),
          });
        for (const address of to as string[]) {
          const message = await renderAs(services, mailing, {}, address);
          await services.mailer.send({
            to: address,
            subject: `[Test] ${message.subject}`,
            text: message.text,
            html: message.html,
            ...(mailing.replyTo ? { replyTo: mailing.replyTo } : {}),
            category: 'mailings.test',
          });
        }
        await services.audit.record({
          actorUserId: requireStaff(req).id,
          action: 'mailing.test-send',
          subjectType: 'mailing',
          subjectId: mailing.id,
          details: { to },
        });
        setFlash(reply, { kind: 'success', message: `Test sent to ${to.join(', ')}.` });
        return reply.redirect(views.adminBase(mailing), 303);
      }),
  );

  app.post(
    '/admin/mailings/:id/schedule',
    {
      config: { role: 'organiser' },
      schema: { params: idParams, body: z.object({ when: formText }) },
    },
    (req, reply) =>
      withMailing(req, reply, async (mailing) => {
        const r = await service.scheduleMailing(
          services,
          { mailing, when: req.body.when },
          requireStaff(req),
        );
        if (!r.ok)
          return renderAdmin(req, reply, {
            title: mailing.subject,
            status: 422,
            body: views.refusal(r.error, views.adminBase(mailing)),
          });
        setFlash(reply, {
          kind: 'success',
          message: req.body.when.trim()
            ? 'Scheduled.'
            : 'Sending: the report below fills in as it goes.',
        });
        return reply.redirect(views.adminBase(mailing), 303);
      }),
  );

  app.post(
    '/admin/mailings/:id/cancel',
    { config: { role: 'organiser' }, schema: { params: idParams } },
    (req, reply) =>
      withMailing(req, reply, async (mailing) => {
        const r = await service.cancelMailing(services, { mailing }, requireStaff(req));
        setFlash(
          reply,
          r.ok
            ? { kind: 'success', message: `Cancelled: ${r.notSent} recipients will not get it.` }
            : { kind: 'error', message: r.error },
        );
        return reply.redirect(views.adminBase(mailing), 303);
      }),
  );

  app.post(
    '/admin/mailings/:id/audit-visibility',
    {
      config: { role: 'organiser' },
      schema: { params: idParams, body: z.object({ public: formText }) },
    },
    (req, reply) =>
      withMailing(req, reply, async (mailing) => {
        await service.setAuditPublic(
          services,
          { mailing, isPublic: req.body.public === '1' },
          requireStaff(req),
        );
        setFlash(reply, {
          kind: 'success',
          message:
            req.body.public === '1'
              ? 'The count-only audit is public.'
              : 'The audit is private again.',
        });
        return reply.redirect(views.adminBase(mailing), 303);
      }),
  );

  app.get(
    '/admin/mailings/:id/audit',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    (req, reply) =>
      withMailing(req, reply, async (mailing) =>
        renderAdmin(req, reply, {
          title: `Delivery audit: ${mailing.subject}`,
          body: views.auditBody(await deliveryAudit(services, mailing), { isPublic: false }),
        }),
      ),
  );

  app.get('/admin/mailings/settings', { config: { role: 'organiser' } }, async (req, reply) =>
    renderAdmin(req, reply, {
      title: 'Mailing settings',
      body: views.settingsForm({
        settings: await loadMailingSettings(db),
        csrf: reply.generateCsrf(),
      }),
    }),
  );

  app.post(
    '/admin/mailings/settings',
    {
      config: { role: 'organiser' },
      schema: {
        body: z.object({
          capCount: formText,
          capDays: formText,
          perMinute: formText,
          softBounceLimit: formText,
        }),
      },
    },
    async (req, reply) => {
      const parsed = SettingsSchema.safeParse(req.body);
      if (!parsed.success)
        return renderAdmin(req, reply, {
          title: 'Mailing settings',
          status: 422,
          body: views.settingsForm({
            settings: await loadMailingSettings(db),
            csrf: reply.generateCsrf(),
            error: parsed.error.issues[0]?.message ?? 'Check the settings.',
          }),
        });
      await saveMailingSettings(db, parsed.data);
      await services.audit.record({
        actorUserId: requireStaff(req).id,
        action: 'mailing.settings',
        subjectType: 'mailings',
        details: parsed.data,
      });
      setFlash(reply, { kind: 'success', message: 'Settings saved.' });
      return reply.redirect('/admin/mailings/settings', 303);
    },
  );
}
