import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../infra/auth/guard.js';
import { readCsv } from '../../infra/csv/read-csv.js';
import { csvFileField } from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { readUpload } from '../../infra/http/file-upload.js';
import { typedRoutes } from '../../infra/http/input.js';
import { renderAdmin } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { BOUNCE_CSV_MAX_ROWS, type BounceCsvReport, importBounceRows } from './bounces.service.js';
import * as repo from './mailings.repository.js';

export const BOUNCE_CSV_MAX_BYTES = 10 * 1024 * 1024;

function page(o: {
  csrf: string;
  counts: Record<string, number>;
  error?: string;
  report?: BounceCsvReport;
}): SafeHtml {
  return html`<p>
      Never mailed: ${o.counts.unsubscribed ?? 0} unsubscribed, ${o.counts.bounced ?? 0} bounced,
      ${o.counts.complained ?? 0} complained. Bounces and complaints also arrive by themselves at
      <code>rally inbound</code>.
    </p>
    ${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
    ${
      o.report
        ? html`<p class="success" role="status" data-bounce-report>
              Suppressed ${o.report.suppressed} addresses; ${o.report.alreadySuppressed} were
              already suppressed; ${o.report.invalid.length} lines were not addresses.
            </p>
            ${
              o.report.invalid.length
                ? html`<ul>
                    ${o.report.invalid.slice(0, 100).map((i) => html`<li>Line ${i.line}: <code>${i.value}</code></li>`)}
                  </ul>`
                : ''
            }`
        : ''
    }
    <form method="post" action="/admin/mailings/bounces" enctype="multipart/form-data">
      ${csrfField(o.csrf)}
      <p>
        A CSV from your mail provider: an <code>email</code> column and, optionally, a
        <code>type</code> column (bounce or complaint). Up to
        ${BOUNCE_CSV_MAX_ROWS.toLocaleString('en-GB')} rows.
      </p>
      ${csvFileField('bounce-file')}
      <button type="submit">Upload and suppress</button>
    </form>`;
}

export async function bouncesRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const render = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: { status?: number; error?: string; report?: BounceCsvReport } = {},
  ) =>
    renderAdmin(req, reply, {
      title: 'Suppression list',
      status: extra.status ?? 200,
      body: page({
        csrf: reply.generateCsrf(),
        counts: await repo.countSuppressions(services.db.kysely),
        ...(extra.error ? { error: extra.error } : {}),
        ...(extra.report ? { report: extra.report } : {}),
      }),
    });

  app.get('/admin/mailings/bounces', { config: { role: 'organiser' } }, (req, reply) =>
    render(req, reply),
  );

  await app.register(async (plain) => {
    const scope = typedRoutes(plain);
    await scope.register(multipart);
    scope.post(
      '/admin/mailings/bounces',
      { config: { role: 'organiser', csrf: false } },
      async (req, reply) => {
        const upload = await readUpload(req, reply, {
          baseUrl: services.config.baseUrl,
          maxFileBytes: BOUNCE_CSV_MAX_BYTES,
          tooLargeMessage: `The file is larger than ${BOUNCE_CSV_MAX_BYTES / 1024 / 1024} MB: split it.`,
        });
        if (upload === 'refused') return reply;
        if (!upload.ok) return render(req, reply, { status: upload.status, error: upload.message });
        if (!upload.file || upload.file.bytes.length === 0)
          return render(req, reply, {
            status: 400,
            error: upload.file ? 'The file is empty.' : 'Choose a CSV file to upload.',
          });
        const csv = readCsv(upload.file.bytes, {
          maxBytes: BOUNCE_CSV_MAX_BYTES,
          maxRows: BOUNCE_CSV_MAX_ROWS,
        });
        if (!csv.ok) return render(req, reply, { status: csv.status, error: csv.message });
        const report = await importBounceRows(services, [
          csv.header,
          ...csv.rows.map((r) => r.cells),
        ]);
        await services.audit.record({
          actorUserId: requireStaff(req).id,
          action: 'mailing.bounce-csv',
          subjectType: 'mailings',
          details: { file: upload.file.name, suppressed: report.suppressed },
        });
        return render(req, reply, { report });
      },
    );
  });
}
