import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../../infra/auth/guard.js';
import { idParams, typedRoutes } from '../../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../../infra/http/render.js';
import type { Services } from '../../../infra/services.js';
import { receiveUpload as receiveFileUpload } from '../../../infra/http/file-upload.js';
import { type ColumnMapping, guessMapping, isColumnTarget } from './column-mapping.js';
import { MAX_UPLOAD_BYTES, REJECTS_SHOWN } from './import.limits.js';
import {
  ImportStateError,
  type PeopleImport,
  UploadTooLargeError,
  dryRun,
  getImport,
  importRepository,
  listImports,
  previewRows,
  receiveUpload,
  rejectPhaseFor,
  startImport,
} from './import.service.js';
import type { RejectPhase } from './import.tables.js';
import * as views from './import.views.js';
import { IMPORT_BASE } from './import.views.js';
import { rejectedHeaderLine, rejectedLine } from './rejected-csv.js';
import { SpreadsheetError } from './spreadsheet-reader.js';

const ROLE = { role: 'organiser' } as const;

/** Rejected rows read per query while streaming the CSV download. */
const DOWNLOAD_PAGE_ROWS = 1000;

/** The mapping form: one `map_<column>` choice per column (and the `_csrf` token). */
const mappingBody = z.record(z.string(), z.string());
const rejectedQuery = z.object({ phase: z.string().optional() });

export async function importRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;

  const notFound = (reply: FastifyReply) => reply.callNotFound();

  /** Runs `then` with the import named in the URL, or answers 404. */
  async function withImport<Req extends FastifyRequest & { params: { id: number } }>(
    req: Req,
    reply: FastifyReply,
    then: (imp: PeopleImport) => Promise<unknown>,
  ) {
    const imp = await getImport(db, req.params.id);
    if (!imp) return notFound(reply);
    return then(imp);
  }

  const renderUpload = async (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { status?: number; error?: string } = {},
  ) =>
    renderAdmin(req, reply, {
      title: 'Import people',
      status: opts.status ?? 200,
      body: views.uploadPage({
        csrf: reply.generateCsrf(),
        imports: await listImports(db),
        ...(opts.error ? { error: opts.error } : {}),
      }),
    });

  const renderMapping = async (
    imp: PeopleImport,
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { mapping?: ColumnMapping; problems?: string[]; status?: number } = {},
  ) =>
    renderAdmin(req, reply, {
      title: `Import ${imp.filename}`,
      status: opts.status ?? 200,
      body: views.mappingPage({
        imp,
        preview: await previewRows(db, imp),
        mapping: opts.mapping ?? imp.mapping ?? guessMapping(imp.headers),
        csrf: reply.generateCsrf(),
        ...(opts.problems ? { problems: opts.problems } : {}),
      }),
    });

  app.get(IMPORT_BASE, { config: ROLE }, (req, reply) => renderUpload(req, reply));

  // Multipart is registered only in this scope, with the import's own size limit.
  await app.register(async (plain) => {
    const scope = typedRoutes(plain);
    await scope.register(multipart);
    scope.post(IMPORT_BASE, { config: { ...ROLE, csrf: false } }, async (req, reply) => {
      let upload: Awaited<ReturnType<typeof receiveFileUpload<PeopleImport>>>;
      try {
        upload = await receiveFileUpload(req, reply, {
          baseUrl: services.config.baseUrl,
          maxFileBytes: MAX_UPLOAD_BYTES,
          tooLargeMessage: new UploadTooLargeError().message,
          // Stored in chunks as it arrives: a file this large is never held whole.
          receive: ({ name, stream }) =>
            receiveUpload(services, { filename: name, stream }, requireStaff(req)),
        });
      } catch (err) {
        if (err instanceof UploadTooLargeError)
          return renderUpload(req, reply, { status: 413, error: err.message });
        if (err instanceof SpreadsheetError)
          return renderUpload(req, reply, { status: 400, error: err.message });
        throw err;
      }
      if (upload === 'refused') return reply;
      if (!upload.ok)
        return renderUpload(req, reply, { status: upload.status, error: upload.message });
      const imp = upload.file;
      if (!imp) return renderUpload(req, reply, { status: 400, error: 'Choose a file to upload.' });
      return reply.redirect(`${IMPORT_BASE}/${imp.id}`, 303);
    });
  });

  app.get(`${IMPORT_BASE}/:id`, { config: ROLE, schema: { params: idParams } }, (req, reply) =>
    withImport(req, reply, async (imp) => {
      if (imp.status === 'uploaded') return renderMapping(imp, req, reply);
      if (imp.status === 'queued' || imp.status === 'running') {
        const job = imp.jobId === null ? undefined : await services.jobs.find(imp.jobId);
        return renderAdmin(req, reply, {
          title: `Importing ${imp.filename}`,
          body: views.progressPage({ imp, progress: job?.progress ?? 0 }),
        });
      }
      const rejects = await importRepository.listRejects(db.kysely, imp.id, 'import', {
        limit: REJECTS_SHOWN,
      });
      return renderAdmin(req, reply, {
        title:
          imp.status === 'failed' ? `Import of ${imp.filename} failed` : `Imported ${imp.filename}`,
        body: views.resultPage({ imp, counts: imp.counts, rejects }),
      });
    }),
  );

  app.post(
    `${IMPORT_BASE}/:id/dry-run`,
    { config: ROLE, schema: { params: idParams, body: mappingBody } },
    (req, reply) =>
      withImport(req, reply, async (imp) => {
        if (imp.status !== 'uploaded') return reply.redirect(`${IMPORT_BASE}/${imp.id}`, 303);
        const form = req.body;
        const mapping = imp.headers.map((_, i) => {
          const value = form[`map_${i}`];
          return typeof value === 'string' && isColumnTarget(value) ? value : 'ignore';
        });
        const missing = imp.headers.some((_, i) => typeof form[`map_${i}`] !== 'string');
        if (missing)
          return renderMapping(imp, req, reply, {
            mapping,
            status: 400,
            problems: ['Choose what to do with every column.'],
          });
        const result = await dryRun(services, { imp, mapping });
        if (!result.ok)
          return renderMapping(imp, req, reply, {
            mapping,
            problems: result.problems,
            status: 400,
          });
        return reply.redirect(`${IMPORT_BASE}/${imp.id}/dry-run`, 303);
      }),
  );

  app.get(
    `${IMPORT_BASE}/:id/dry-run`,
    { config: ROLE, schema: { params: idParams } },
    (req, reply) =>
      withImport(req, reply, async (imp) => {
        if (imp.status !== 'uploaded' || !imp.dryRunCounts)
          return reply.redirect(`${IMPORT_BASE}/${imp.id}`, 303);
        const rejects = await importRepository.listRejects(db.kysely, imp.id, 'dry-run', {
          limit: REJECTS_SHOWN,
        });
        return renderAdmin(req, reply, {
          title: `Dry run: ${imp.filename}`,
          body: views.dryRunPage({
            imp,
            counts: imp.dryRunCounts,
            rejects,
            csrf: reply.generateCsrf(),
          }),
        });
      }),
  );

  app.post(
    `${IMPORT_BASE}/:id/start`,
    { config: ROLE, schema: { params: idParams } },
    (req, reply) =>
      withImport(req, reply, async (imp) => {
        try {
          await startImport(services, { imp }, requireStaff(req));
        } catch (err) {
          if (!(err instanceof ImportStateError)) throw err;
          setFlash(reply, { kind: 'error', message: err.message });
        }
        return reply.redirect(`${IMPORT_BASE}/${imp.id}`, 303);
      }),
  );

  app.get(
    `${IMPORT_BASE}/:id/status.json`,
    { config: ROLE, schema: { params: idParams } },
    (req, reply) =>
      withImport(req, reply, async (imp) => {
        const job = imp.jobId === null ? undefined : await services.jobs.find(imp.jobId);
        const finished = imp.status === 'done' || imp.status === 'failed';
        return reply.header('cache-control', 'no-store').send({
          status: imp.status,
          progress: finished ? 100 : (job?.progress ?? 0),
          finished,
          counts: imp.counts,
          error: imp.error,
        });
      }),
  );

  app.get(
    `${IMPORT_BASE}/:id/rejected.csv`,
    { config: ROLE, schema: { params: idParams, querystring: rejectedQuery } },
    (req, reply) =>
      withImport(req, reply, async (imp) => {
        const asked = req.query.phase;
        const phase: RejectPhase = asked === 'dry-run' ? 'dry-run' : rejectPhaseFor(imp);
        const base = imp.filename.replace(/\.(csv|tsv|txt|xlsx|xlsm)$/i, '');
        const name = `${base}-rejected${phase === 'dry-run' ? '-dry-run' : ''}.csv`;
        reply
          .header('cache-control', 'no-store')
          .header(
            'content-disposition',
            `attachment; filename="${name.replace(/[^\w.-]+/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
          )
          .type('text/csv; charset=utf-8');
        return reply.send(Readable.from(rejectedCsv(imp, phase)));
      }),
  );

  async function* rejectedCsv(imp: PeopleImport, phase: RejectPhase): AsyncGenerator<string> {
    yield rejectedHeaderLine(imp.headers);
    let afterRow = 0;
    for (;;) {
      const page = await importRepository.listRejects(db.kysely, imp.id, phase, {
        afterRow,
        limit: DOWNLOAD_PAGE_ROWS,
      });
      if (page.length === 0) return;
      let chunk = '';
      for (const r of page) {
        let cells: string[] = [];
        try {
          cells = JSON.parse(r.cells) as string[];
        } catch {
          // A row stored unreadably still gets its reason.
        }
        chunk += rejectedLine(imp.headers.length, cells, r.reason);
      }
      yield chunk;
      afterRow = page[page.length - 1]?.row_number ?? afterRow;
    }
  }
}
