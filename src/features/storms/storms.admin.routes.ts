import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { registerAdminResource } from '../../infra/http/admin-resource.js';
import { formList, formText, idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin } from '../../infra/http/render.js';
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
import { reachReport } from '../reach/reach.service.js';
import { reachSummarySection } from '../reach/reach.views.js';
import { html } from '../../infra/html/html.js';
import { streamCsv } from '../../infra/csv/stream-csv.js';
import { MAX_TARGETS, type StormForm, nonEmptyVariants } from './storms.rules.js';
import type { StormsRuntime } from './storms.runtime.js';
import * as service from './storms.service.js';
import { STORM_STATUS } from './storms.service.js';
import * as views from './storms.admin.views.js';

/** Search results offered in the target picker at once. */
export const TARGET_SEARCH_RESULTS = 30;
/** Admin forms carry up to ten suggestions of 500 characters and a few fields. */
const FORM_BODY_LIMIT = 64 * 1024;

/** The storm form as posted: lenient text (the service answers with field errors). */
const stormBody = z.object({
  title: formText,
  slug: formText,
  description: formText,
  startsAt: formText,
  endsAt: formText,
  hashtag: formText,
  linkUrl: formText,
  targetListId: formText,
  targetIds: formList,
  handles: formText,
  variants: formList,
  /** "find": the target search button, which refreshes the form without saving. */
  op: formText,
  targetQuery: formText,
});
type StormBody = z.output<typeof stormBody>;

function formFromBody(body: StormBody): StormForm {
  return {
    title: body.title,
    slug: body.slug,
    description: body.description,
    startsAt: body.startsAt,
    endsAt: body.endsAt,
    hashtag: body.hashtag,
    linkUrl: body.linkUrl,
    targetListId: body.targetListId,
    targetIds: body.targetIds.slice(0, MAX_TARGETS * 5),
    handles: body.handles.slice(0, 10_000),
    variants: nonEmptyVariants(body.variants.slice(0, 50)),
  };
}

export async function stormsAdminRoutes(
  base: FastifyInstance,
  services: Services,
  rt: StormsRuntime,
) {
  const app = typedRoutes(base);
  const { db } = services;

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

  const { withRecord: withStorm } = registerAdminResource(app, {
    base: '/admin/storms',
    noun: 'storm',
    listLabel: 'All storms',
    bodyLimit: FORM_BODY_LIMIT,
    load: (id) => repo.findStorm(db.kysely, id),
    href: views.adminBase,
    title: (storm) => storm.title,
    body: stormBody,
    toForm: formFromBody,
    emptyForm: async () => {
      const form = views.emptyForm(services.clock.now().getTime());
      // Campaigns mostly address MPs: start from the first list when there is one.
      const lists = await listTargetLists(db);
      if (lists[0]) form.targetListId = String(lists[0].id);
      return form;
    },
    formOf: views.formOf,
    isRefresh: (body) => body.op === 'find',
    create: (form, actor) => service.createStorm(services, form, actor),
    update: (storm, form, actor) => service.updateStorm(services, { storm, form }, actor),
    renderForm: async (req, reply, page, body) => {
      const targetQuery = body?.targetQuery.slice(0, 100) ?? '';
      return renderAdmin(req, reply, {
        title: page.title,
        status: page.status,
        body: views.stormForm({
          action: page.action,
          form: page.form,
          errors: page.failure?.errors ?? {},
          flagged: page.failure?.flagged ?? [],
          csrf: reply.generateCsrf(),
          lists: await listTargetLists(db),
          pickable: await pickableTargets(page.form, targetQuery),
          targetQuery,
          submitLabel: page.submitLabel,
        }),
      });
    },
    createdMessage: (storm) =>
      `Created the draft storm "${storm.title}". Publish it when it is ready.`,
    forgetCached: (record) => rt.cache.forget(record.slug),
    status: {
      ...STORM_STATUS,
      change: (storm, action, actor) => service.changeStatus(services, { storm, action }, actor),
    },
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

  app.get(
    '/admin/storms/:id',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    (req, reply) =>
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

  app.get(
    '/admin/storms/:id/report',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    (req, reply) =>
      withStorm(req, reply, async (storm) =>
        renderAdmin(req, reply, {
          title: `Report: ${storm.title}`,
          body: html`${views.reportPage({
            storm,
            report: await stormReport(db, storm),
            now: services.clock.now().getTime(),
          })}
          ${reachSummarySection({
            subject: { type: 'storm', id: storm.id },
            report: await reachReport(services, { type: 'storm', id: storm.id }),
            heading: 'Reach',
          })}`,
        }),
      ),
  );

  // The time curve's series, for a spreadsheet: the buckets the chart draws.
  app.get(
    '/admin/storms/:id/curve.csv',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    (req, reply) =>
      withStorm(req, reply, async (storm) => {
        const { curve } = await stormReport(db, storm);
        return streamCsv(reply, {
          filename: `${storm.slug}-posts-over-time.csv`,
          header: ['bucket_start_utc', 'bucket_minutes', 'posts'],
          rows: curve.buckets.map((b) => [b.start, curve.bucketMinutes, b.posts]),
        });
      }),
  );
}
