import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { streamCsv } from '../../infra/csv/stream-csv.js';
import { formText, positiveId, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import {
  REACH_SUBJECTS,
  type ReachErrors,
  type ReachForm,
  type ReachSubject,
  deleteReachRecord,
  findReachSubject,
  reachHref,
  reachReport,
  recordReach,
} from './reach.service.js';
import { reachPage } from './reach.views.js';

const subjectParams = z.object({ kind: z.enum(REACH_SUBJECTS), id: positiveId });
const recordParams = subjectParams.extend({ recordId: positiveId });
const reachBody = z.object({
  _csrf: z.string().optional(),
  platform: formText,
  handle: formText,
  followers: formText,
  kind: formText,
  occurredAt: formText,
});

/** /admin/reach/{storm|petition}/:id: the tally, its curve and CSV; organisers record counts. */
export async function reachRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);

  const show = async (
    req: FastifyRequest,
    reply: FastifyReply,
    subject: ReachSubject,
    extra: { status?: number; values?: ReachForm; errors?: ReachErrors } = {},
  ) =>
    renderAdmin(req, reply, {
      title: `Reach: ${subject.title}`,
      status: extra.status ?? 200,
      body: reachPage({
        subject,
        report: await reachReport(services, subject),
        canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
        csrf: reply.generateCsrf(),
        ...(extra.values ? { values: extra.values } : {}),
        ...(extra.errors ? { errors: extra.errors } : {}),
      }),
    });

  app.get(
    '/admin/reach/:kind/:id',
    { config: { role: 'viewer' }, schema: { params: subjectParams } },
    async (req, reply) => {
      const subject = await findReachSubject(services, req.params.kind, req.params.id);
      if (!subject) return reply.callNotFound();
      return show(req, reply, subject);
    },
  );

  app.post(
    '/admin/reach/:kind/:id',
    { config: { role: 'organiser' }, schema: { params: subjectParams, body: reachBody } },
    async (req, reply) => {
      const subject = await findReachSubject(services, req.params.kind, req.params.id);
      if (!subject) return reply.callNotFound();
      const { platform, handle, followers, kind, occurredAt } = req.body;
      const values = { platform, handle, followers, kind, occurredAt };
      const result = await recordReach(services, subject, values, requireStaff(req));
      if (!result.ok)
        return show(req, reply, subject, { status: 422, values, errors: result.errors });
      setFlash(reply, { kind: 'success', message: 'Recorded.' });
      return reply.redirect(`${reachHref(subject)}#record`, 303);
    },
  );

  app.post(
    '/admin/reach/:kind/:id/records/:recordId/delete',
    { config: { role: 'organiser' }, schema: { params: recordParams } },
    async (req, reply) => {
      const subject = await findReachSubject(services, req.params.kind, req.params.id);
      if (!subject) return reply.callNotFound();
      const deleted = await deleteReachRecord(
        services,
        subject,
        req.params.recordId,
        requireStaff(req),
      );
      if (!deleted) return reply.callNotFound();
      setFlash(reply, { kind: 'success', message: 'Record deleted.' });
      return reply.redirect(reachHref(subject), 303);
    },
  );

  // The curve's series, for a spreadsheet: the days the chart and table show.
  app.get(
    '/admin/reach/:kind/:id/series.csv',
    { config: { role: 'viewer' }, schema: { params: subjectParams } },
    async (req, reply) => {
      const subject = await findReachSubject(services, req.params.kind, req.params.id);
      if (!subject) return reply.callNotFound();
      const { series } = await reachReport(services, subject);
      return streamCsv(reply, {
        filename: `${subject.type}-${subject.id}-reach-by-day.csv`,
        header: ['day', 'estimated_reach', 'new_accounts', 'posts_and_shares'],
        rows: series.map((d) => [d.day, ...d.values]),
      });
    },
  );
}
