import { utcDayOf } from '../../infra/db/utc-day.js';
import type { FastifyInstance } from 'fastify';
import { type SeriesDay, dailySeriesSection, fillDays } from '../../infra/html/daily-series.js';
import { streamCsv } from '../../infra/csv/stream-csv.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin } from '../../infra/http/render.js';
import { type ServiceContext, queries } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { type ReachReport, reachReport } from '../reach/reach.service.js';
import { reachSummarySection } from '../reach/reach.views.js';
import { adminBase } from './petitions.admin.views.js';
import * as repo from './petitions.repository.js';
import type { PetitionRow } from './petitions.repository.js';

/** Signatures made per UTC day (and how many of those are confirmed), every day from the first. */
export async function signatureCurve(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  petitionId: number,
): Promise<SeriesDay[]> {
  const day = utcDayOf(ctx, 'created_at');
  const rows = await queries(ctx)
    .selectFrom('petition_signatures')
    .select([
      day.as('day'),
      (eb) => eb.fn.countAll<number>().as('signed'),
      (eb) => eb.fn.count<number>('confirmed_at').as('confirmed'),
    ])
    .where('petition_id', '=', petitionId)
    .groupBy(day)
    .orderBy(day)
    .execute();
  return fillDays(
    rows.map((r) => ({ day: r.day, values: [Number(r.signed), Number(r.confirmed)] })),
    2,
  );
}

function curvePage(petition: PetitionRow, curve: SeriesDay[], reach: ReachReport): SafeHtml {
  const base = adminBase(petition);
  return html`<p><a href="${base}">Back to ${petition.title}</a></p>
    ${dailySeriesSection({
      id: 'petition-curve',
      title: 'Signatures per day',
      labels: ['Signed', 'Confirmed'],
      days: curve,
      csvHref: `${base}/curve.csv`,
      empty: 'No signatures yet.',
    })}
    ${reachSummarySection({
      subject: { type: 'petition', id: petition.id },
      report: reach,
      heading: 'Reach',
    })}`;
}

/** The petition's time curve: a page with chart and table, and the same series as CSV. */
export async function petitionCurveRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const load = async (id: number) => repo.findPetition(services.db.kysely, id);
  app.get(
    '/admin/petitions/:id/curve',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    async (req, reply) => {
      const petition = await load(req.params.id);
      if (!petition) return reply.callNotFound();
      return renderAdmin(req, reply, {
        title: `Signatures over time: ${petition.title}`,
        body: curvePage(
          petition,
          await signatureCurve(services, petition.id),
          await reachReport(services, { type: 'petition', id: petition.id }),
        ),
      });
    },
  );
  app.get(
    '/admin/petitions/:id/curve.csv',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    async (req, reply) => {
      const petition = await load(req.params.id);
      if (!petition) return reply.callNotFound();
      const curve = await signatureCurve(services, petition.id);
      return streamCsv(reply, {
        filename: `${petition.slug}-signatures-by-day.csv`,
        header: ['day', 'signed', 'confirmed'],
        rows: curve.map((d) => [d.day, ...d.values]),
      });
    },
  );
}
