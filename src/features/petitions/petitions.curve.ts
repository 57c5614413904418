import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { barChart } from '../../infra/html/bar-chart.js';
import { streamCsv } from '../../infra/csv/stream-csv.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import { idParams, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin } from '../../infra/http/render.js';
import { type ServiceContext, queries } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { adminBase } from './petitions.admin.views.js';
import * as repo from './petitions.repository.js';
import type { PetitionRow } from './petitions.repository.js';

export interface CurveDay {
  day: string;
  signed: number;
  confirmed: number;
}

/** Signatures made per UTC day, and how many of those are confirmed: every day from the first. */
export async function signatureCurve(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  petitionId: number,
): Promise<CurveDay[]> {
  const day =
    ctx.db.dialect === 'postgres'
      ? sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`
      : sql<string>`substr(created_at, 1, 10)`;
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
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return [];
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: CurveDay[] = [];
  for (
    let t = Date.parse(`${first.day}T00:00:00Z`);
    t <= Date.parse(`${last.day}T00:00:00Z`);
    t += 86_400_000
  ) {
    const d = new Date(t).toISOString().slice(0, 10);
    const r = byDay.get(d);
    out.push({ day: d, signed: Number(r?.signed ?? 0), confirmed: Number(r?.confirmed ?? 0) });
  }
  return out;
}

function curvePage(petition: PetitionRow, curve: CurveDay[]): SafeHtml {
  const base = adminBase(petition);
  if (curve.length === 0)
    return html`<p><a href="${base}">Back to ${petition.title}</a></p>
      <p class="empty">No signatures yet.</p>`;
  return html`<p><a href="${base}">Back to ${petition.title}</a></p>
    ${barChart({
      id: 'petition-curve',
      title: 'Signatures per day',
      description: `${curve.reduce((a, d) => a + d.signed, 0)} signatures over ${curve.length} days.`,
      series: [{ label: 'Signatures', className: 'storm-bar' }],
      groups: curve.map((d) => ({ label: d.day, values: [d.signed] })),
      width: 720,
      height: 220,
      padding: { top: 12, right: 8, bottom: 28, left: 44 },
      groupGap: 1,
      ticks: { start: curve[0]?.day ?? '', end: curve.at(-1)?.day ?? '' },
      barTitle: (g, _s, n) => `${g.label}: ${n} signatures`,
      classes: {
        figure: 'storm-curve',
        svg: 'storm-curve-svg',
        axis: 'storm-axis',
        label: 'storm-axis-label',
        caption: 'hint',
      },
      caption: 'Signatures made per day (UTC), confirmed or not.',
    })}
    <p><a href="${base}/curve.csv" download>Download the series (CSV)</a></p>
    ${dataTable({
      caption: 'By day',
      columns: [
        { label: 'Day', rowHeader: true, cell: (d) => d.day },
        { label: 'Signed', numeric: true, cell: (d) => d.signed },
        { label: 'Confirmed', numeric: true, cell: (d) => d.confirmed },
      ],
      rows: curve,
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
        body: curvePage(petition, await signatureCurve(services, petition.id)),
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
        rows: curve.map((d) => [d.day, d.signed, d.confirmed]),
      });
    },
  );
}
