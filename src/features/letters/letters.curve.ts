import { utcDayOf } from '../../infra/db/utc-day.js';
import type { FastifyInstance } from 'fastify';
import { streamCsv } from '../../infra/csv/stream-csv.js';
import { type SeriesDay, dailySeriesSection, fillDays } from '../../infra/html/daily-series.js';
import { html } from '../../infra/html/html.js';
import { idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin } from '../../infra/http/render.js';
import { type ServiceContext, queries } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { adminBase } from './letters.admin.views.js';
import * as repo from './letters.repository.js';

/** Letters written per UTC day in a campaign, and how many of those were confirmed and delivered. */
export async function letterCurve(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  campaignId: number,
): Promise<SeriesDay[]> {
  const day = utcDayOf(ctx, 'created_at');
  const rows = await queries(ctx)
    .selectFrom('letters')
    .select([
      day.as('day'),
      (eb) => eb.fn.countAll<number>().as('written'),
      (eb) => eb.fn.count<number>('confirmed_at').as('confirmed'),
      (eb) => eb.fn.count<number>('delivered_at').as('delivered'),
    ])
    .where('campaign_id', '=', campaignId)
    .groupBy(day)
    .orderBy(day)
    .execute();
  return fillDays(
    rows.map((r) => ({
      day: r.day,
      values: [Number(r.written), Number(r.confirmed), Number(r.delivered)],
    })),
    3,
  );
}

const LABELS = ['Written', 'Confirmed', 'Delivered'];

/** The campaign's time curve: a page with chart and table, and the same series as CSV. */
export async function letterCurveRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  app.get(
    '/admin/letters/:id/curve',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    async (req, reply) => {
      const campaign = await repo.findCampaign(services.db.kysely, req.params.id);
      if (!campaign) return reply.callNotFound();
      const b = adminBase(campaign);
      return renderAdmin(req, reply, {
        title: `Letters over time: ${campaign.title}`,
        body: html`<p><a href="${b}">Back to ${campaign.title}</a></p>
          ${dailySeriesSection({
            id: 'letters-curve',
            title: 'Letters written per day',
            labels: LABELS,
            days: await letterCurve(services, campaign.id),
            csvHref: `${b}/curve.csv`,
            empty: 'No letters yet.',
          })}`,
      });
    },
  );
  app.get(
    '/admin/letters/:id/curve.csv',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    async (req, reply) => {
      const campaign = await repo.findCampaign(services.db.kysely, req.params.id);
      if (!campaign) return reply.callNotFound();
      const days = await letterCurve(services, campaign.id);
      return streamCsv(reply, {
        filename: `${campaign.slug}-letters-by-day.csv`,
        header: ['day', 'written', 'confirmed', 'delivered'],
        rows: days.map((d) => [d.day, ...d.values]),
      });
    },
  );
}
