import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { html } from '../../infra/html/html.js';
import { idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { jobDetailBody, jobsOverviewBody } from './jobs-admin.views.js';

/** Rows per list on the overview; the counts above them say how many there are in all. */
export const JOBS_LIST_LIMIT = 100;

function notFound(req: FastifyRequest, reply: FastifyReply) {
  return renderAdmin(req, reply, {
    title: 'Job not found',
    status: 404,
    body: html`<p>There is no job with that number.</p>
      <p><a href="/admin/jobs">Back to jobs</a></p>`,
  });
}

export async function jobsAdminRoutes(base: FastifyInstance, { db, jobs, audit }: Services) {
  const app = typedRoutes(base);
  const organiser = { config: { role: 'organiser' as const } };
  const organiserOnJob = { ...organiser, schema: { params: idParams } };

  app.get('/admin/jobs', organiser, async (req, reply) => {
    const [counts, dead, active] = await Promise.all([
      jobs.statusCounts(),
      jobs.listByStatus(['dead'], JOBS_LIST_LIMIT),
      jobs.listByStatus(['running', 'pending'], JOBS_LIST_LIMIT),
    ]);
    return renderAdmin(req, reply, {
      title: 'Jobs',
      body: jobsOverviewBody({
        counts,
        dead,
        active,
        csrfToken: reply.generateCsrf(),
      }),
    });
  });

  app.get('/admin/jobs/:id', organiserOnJob, async (req, reply) => {
    const job = await jobs.find(req.params.id);
    if (!job) return notFound(req, reply);
    return renderAdmin(req, reply, {
      title: `Job #${job.id}: ${job.type}`,
      body: jobDetailBody(job, reply.generateCsrf()),
    });
  });

  app.post('/admin/jobs/:id/retry', organiserOnJob, async (req, reply) => {
    const job = await jobs.find(req.params.id);
    if (!job) return notFound(req, reply);
    const staff = requireStaff(req);
    const retried = await db.kysely.transaction().execute(async (trx) => {
      const row = await jobs.retryDead(job.id, trx);
      if (row)
        await audit.record(
          {
            actorUserId: staff.id,
            action: 'job.retry',
            subjectType: 'job',
            subjectId: row.id,
            details: { type: row.type },
          },
          trx,
        );
      return row;
    });
    setFlash(
      reply,
      retried
        ? { kind: 'success', message: `Job #${job.id} (${job.type}) will run again shortly.` }
        : {
            kind: 'error',
            message: `Job #${job.id} is ${job.status}, not dead: only dead jobs can be retried.`,
          },
    );
    return reply.redirect('/admin/jobs', 303);
  });
}
