import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/html/layout.js';
import { formField, formFieldList } from '../../infra/http/form-fields.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import { renderAdminNotFound, withRecordById } from '../../infra/http/route-params.js';
import { parsePositiveId } from '../../infra/validation/ids.js';
import type { Services } from '../../infra/services.js';
import {
  type Target,
  getTargets,
  listTargetLists,
  listTargets,
} from '../targets/targets.service.js';
import * as repo from './storms.repository.js';
import { stormReport } from './storms.report.js';
import { type Errors, MAX_TARGETS, type StormForm, nonEmptyVariants } from './storms.rules.js';
import type { StormsRuntime } from './storms.runtime.js';
import * as service from './storms.service.js';
import { STATUS_ACTIONS, isStatusAction } from './storms.service.js';
import { html } from '../../infra/html/html.js';
import * as views from './storms.admin.views.js';

/** Search results offered in the target picker at once. */
export const TARGET_SEARCH_RESULTS = 30;
/** Admin forms carry up to ten suggestions of 500 characters and a few fields. */
const FORM_BODY_LIMIT = 64 * 1024;

function formFromBody(body: unknown): StormForm {
  return {
    title: formField(body, 'title'),
    slug: formField(body, 'slug'),
    description: formField(body, 'description'),
    startsAt: formField(body, 'startsAt'),
    endsAt: formField(body, 'endsAt'),
    hashtag: formField(body, 'hashtag'),
    linkUrl: formField(body, 'linkUrl'),
    targetListId: formField(body, 'targetListId'),
    targetIds: formFieldList(body, 'targetIds').slice(0, MAX_TARGETS * 5),
    handles: formField(body, 'handles', 10_000),
    variants: nonEmptyVariants(formFieldList(body, 'variants').slice(0, 50)),
  };
}

export async function stormsAdminRoutes(
  app: FastifyInstance,
  services: Services,
  rt: StormsRuntime,
) {
  const { db } = services;
  const ctx: service.StormsContext = { db, audit: services.audit };

  const withStorm = withRecordById({
    load: (id) => repo.findStorm(db.kysely, id),
    notFound: (req, reply) =>
      renderAdminNotFound(req, reply, 'There is no such storm.', {
        href: '/admin/storms',
        label: 'All storms',
      }),
  });

  /** The chosen targets, then the search's other results, to tick. */
  async function pickableTargets(form: StormForm, query: string): Promise<Target[]> {
    const listId = Number(form.targetListId);
    if (!Number.isInteger(listId) || listId <= 0) return [];
    const chosen = await getTargets(
      db,
      listId,
      form.targetIds.map(parsePositiveId).filter((id): id is number => id !== null),
    );
    const found = query.trim()
      ? (await listTargets(db, listId, { q: query.trim(), pageSize: TARGET_SEARCH_RESULTS }))
          .targets
      : [];
    return [...chosen, ...found.filter((t) => !chosen.some((c) => c.id === t.id))];
  }

  const renderForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: {
      title: string;
      action: string;
      form: StormForm;
      errors?: Errors;
      flagged?: service.FlaggedText[];
      status?: number;
      submitLabel: string;
      targetQuery?: string;
    },
  ) =>
    renderAdmin(req, reply, {
      title: opts.title,
      status: opts.status ?? 200,
      body: views.stormForm({
        action: opts.action,
        form: opts.form,
        errors: opts.errors ?? {},
        flagged: opts.flagged ?? [],
        csrf: reply.generateCsrf(),
        lists: await listTargetLists(db),
        pickable: await pickableTargets(opts.form, opts.targetQuery ?? ''),
        targetQuery: opts.targetQuery ?? '',
        submitLabel: opts.submitLabel,
      }),
    });

  app.get('/admin/storms', { config: { role: 'viewer' } }, async (req, reply) => {
    const storms = await repo.listStorms(db.kysely);
    const counts = await repo.countPostsByStorm(db.kysely);
    return renderAdmin(req, reply, {
      title: 'Storms',
      body: views.listPage({
        storms,
        counts,
        canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
      }),
    });
  });

  app.get('/admin/storms/new', { config: { role: 'organiser' } }, async (req, reply) => {
    const form = views.emptyForm();
    // Campaigns mostly address MPs: start from the first list when there is one.
    const lists = await listTargetLists(db);
    if (lists[0]) form.targetListId = String(lists[0].id);
    return renderForm(req, reply, {
      title: 'New storm',
      action: '/admin/storms',
      form,
      submitLabel: 'Create draft',
    });
  });

  app.post(
    '/admin/storms',
    { config: { role: 'organiser' }, bodyLimit: FORM_BODY_LIMIT },
    async (req, reply) => {
      const form = formFromBody(req.body);
      const page = { title: 'New storm', action: '/admin/storms', submitLabel: 'Create draft' };
      if (formField(req.body, 'op') === 'find')
        return renderForm(req, reply, {
          ...page,
          form,
          targetQuery: formField(req.body, 'targetQuery', 100),
        });
      const result = await service.createStorm(ctx, form, requireStaff(req).id);
      if (!result.ok)
        return renderForm(req, reply, {
          ...page,
          form,
          errors: result.errors,
          flagged: result.flagged,
          status: 422,
        });
      setFlash(reply, {
        kind: 'success',
        message: `Created the draft storm "${result.storm.title}". Publish it when it is ready.`,
      });
      return reply.redirect(views.adminBase(result.storm), 303);
    },
  );

  app.get('/admin/storms/:id', { config: { role: 'viewer' } }, (req, reply) =>
    withStorm(req, reply, async (storm) =>
      renderAdmin(req, reply, {
        title: storm.title,
        body: views.detailPage({
          storm,
          targets: await service.stormTargets(db, storm),
          posts: await repo.countPosts(db.kysely, storm.id),
          canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
          csrf: reply.generateCsrf(),
        }),
      }),
    ),
  );

  app.get('/admin/storms/:id/edit', { config: { role: 'organiser' } }, (req, reply) =>
    withStorm(req, reply, (storm) =>
      renderForm(req, reply, {
        title: `Edit: ${storm.title}`,
        action: views.adminBase(storm),
        form: views.formOf(storm),
        submitLabel: 'Save',
      }),
    ),
  );

  app.post(
    '/admin/storms/:id',
    { config: { role: 'organiser' }, bodyLimit: FORM_BODY_LIMIT },
    (req, reply) =>
      withStorm(req, reply, async (storm) => {
        const form = formFromBody(req.body);
        const page = {
          title: `Edit: ${storm.title}`,
          action: views.adminBase(storm),
          submitLabel: 'Save',
        };
        if (formField(req.body, 'op') === 'find')
          return renderForm(req, reply, {
            ...page,
            form,
            targetQuery: formField(req.body, 'targetQuery', 100),
          });
        const result = await service.updateStorm(ctx, storm, form, requireStaff(req).id);
        if (!result.ok)
          return renderForm(req, reply, {
            ...page,
            form,
            errors: result.errors,
            flagged: result.flagged,
            status: 422,
          });
        rt.cache.forget(storm.slug);
        rt.cache.forget(result.storm.slug);
        setFlash(reply, { kind: 'success', message: 'Saved.' });
        return reply.redirect(views.adminBase(storm), 303);
      }),
  );

  app.post('/admin/storms/:id/status', { config: { role: 'organiser' } }, (req, reply) =>
    withStorm(req, reply, async (storm) => {
      const action = formField(req.body, 'action');
      if (!isStatusAction(action))
        return renderAdmin(req, reply, {
          title: 'Unknown action',
          status: 400,
          body: html`<p>Unknown action: choose one of the buttons on the storm's page.</p>
            <p><a href="${views.adminBase(storm)}">Back to the storm</a></p>`,
        });
      const result = await service.changeStatus(ctx, storm, action, requireStaff(req).id);
      rt.cache.forget(storm.slug);
      setFlash(
        reply,
        result.ok
          ? {
              kind: 'success',
              message: `${STATUS_ACTIONS[action].label}: done.`,
            }
          : { kind: 'error', message: result.message },
      );
      return reply.redirect(views.adminBase(storm), 303);
    }),
  );

  app.get('/admin/storms/:id/report', { config: { role: 'viewer' } }, (req, reply) =>
    withStorm(req, reply, async (storm) =>
      renderAdmin(req, reply, {
        title: `Report: ${storm.title}`,
        body: views.reportPage({ storm, report: await stormReport(db, storm), now: Date.now() }),
      }),
    ),
  );
}
