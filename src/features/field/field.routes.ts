import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { html } from '../../infra/html/html.js';
import { formText, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, renderPublic, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { POSTCODE_INPUT_MAX_LENGTH } from '../../infra/validation/postcode.js';
import {
  FieldInputError,
  getFieldPlan,
  listTargetSeats,
  markTargetSeat,
  rankSeatsFor,
  setFieldPlan,
  unmarkTargetSeat,
} from './field.service.js';
import { type ElectionImportForm, SEAT_SORTS, electionsSection, seatsPage } from './field.views.js';
import { readUpload } from '../../infra/http/file-upload.js';
import {
  ELECTION_CSV_MAX_BYTES,
  ELECTION_NAME_MAX_LENGTH,
  deleteImportedElection,
  electionKey,
  electionNames,
  importElection,
  listImportedElections,
} from './elections.service.js';
import { allocationReport, assignToSeat, removeAllocation } from './allocation.service.js';
import { allocationPage } from './allocation.views.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { listStaff } from '../staff/staff.service.js';
import { idParams } from '../../infra/http/input.js';
import { nearestMarginal } from './nearest.service.js';
import { NEAREST_PATH, nearestAnswer, nearestForm, nearestJson } from './nearest.views.js';

const seatsQuery = z.object({
  party: z.string().max(20, 'The party is at most 20 characters.').optional(),
  election: z
    .string()
    .max(ELECTION_NAME_MAX_LENGTH, 'The election is a year such as 2017 or the name of an import.')
    .optional(),
  list: z.enum(['win', 'defend']).default('win'),
  sort: z.enum(SEAT_SORTS).default('swing'),
  dir: z.enum(['asc', 'desc']).default('asc'),
});
const codeParams = z.object({ code: z.string().max(20) });
const nearestQuery = z.object({
  postcode: z
    .string('Give one postcode.')
    .max(200, 'That is too long to be a postcode.')
    .optional(),
});

/** A FieldInputError as the organiser should read it: the status it carries and its message. */
function adminProblem(req: FastifyRequest, reply: FastifyReply, err: unknown, title: string) {
  if (!(err instanceof FieldInputError)) throw err;
  return renderAdmin(req, reply, {
    title,
    status: err.status,
    body: html`<p><a href="/admin/field/seats">Back to the seats</a></p>`,
    flash: { kind: 'error', message: err.message },
  });
}

export async function fieldRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);

  app.get(
    '/admin/field/seats',
    { config: { role: 'viewer' }, schema: { querystring: seatsQuery } },
    async (req, reply) => {
      const plan = await getFieldPlan(services);
      try {
        const ranking = await rankSeatsFor(services, {
          party: req.query.party ?? plan.party,
          election: req.query.election ?? plan.election,
        });
        const targets = new Map((await listTargetSeats(services)).map((t) => [t.code, t.note]));
        const [elections, imported] = await Promise.all([
          electionNames(services),
          listImportedElections(services),
        ]);
        return renderAdmin(req, reply, {
          title: 'Seats',
          body: seatsPage({
            ranking,
            list: req.query.list,
            sort: req.query.sort,
            desc: req.query.dir === 'desc',
            targets,
            csrf: reply.generateCsrf(),
            canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
            elections,
            imported,
          }),
        });
      } catch (err) {
        return adminProblem(req, reply, err, 'Seats');
      }
    },
  );

  app.post(
    '/admin/field/plan',
    {
      config: { role: 'organiser' },
      schema: { body: z.object({ party: formText, election: formText }) },
    },
    async (req, reply) => {
      try {
        const plan = await setFieldPlan(services, req.body, requireStaff(req));
        setFlash(reply, {
          kind: 'success',
          message: `The campaign now plans on ${plan.party} at ${plan.election}.`,
        });
        return reply.redirect(
          `/admin/field/seats?party=${plan.party}&election=${plan.election}`,
          303,
        );
      } catch (err) {
        return adminProblem(req, reply, err, 'Seats');
      }
    },
  );

  // Multipart is registered only in this scope; readUpload checks the form token before it reads
  // a byte of the file.
  await base.register(async (plain) => {
    const scope = typedRoutes(plain);
    await scope.register(multipart);
    scope.post(
      '/admin/field/elections',
      { config: { role: 'organiser', csrf: false } },
      async (req, reply) => {
        const upload = await readUpload(req, reply, {
          baseUrl: services.config.baseUrl,
          maxFileBytes: ELECTION_CSV_MAX_BYTES,
          fields: { name: 200, replace: 10 },
          tooLargeMessage: `The file is larger than ${ELECTION_CSV_MAX_BYTES / 1024 / 1024} MB: a results file for all 650 seats is about 130 KB.`,
        });
        if (upload === 'refused') return reply;
        const form: ElectionImportForm = {
          name: upload.ok ? (upload.fields.name ?? '').trim() : '',
          replace: upload.ok && upload.fields.replace === '1',
        };
        const refuse = async (status: number, error: string, problems: readonly string[] = []) =>
          renderAdmin(req, reply, {
            title: 'Import election results',
            status,
            body: html`${electionsSection({
                imported: await listImportedElections(services),
                csrf: reply.generateCsrf(),
                canEdit: true,
                form: { ...form, error, problems },
              })}
              <p><a href="/admin/field/seats">Back to the seats</a></p>`,
          });
        if (!upload.ok) return refuse(upload.status, upload.message);
        const { file } = upload;
        if (!file || file.bytes.length === 0)
          return refuse(400, file ? 'The file is empty.' : 'Choose a CSV file to upload.');
        try {
          const done = await importElection(
            services,
            { name: form.name, fileName: file.name, bytes: file.bytes, replace: form.replace },
            requireStaff(req),
          );
          setFlash(reply, {
            kind: 'success',
            message: `Imported ${done.seats} seats as the election "${done.name}"${done.replaced ? ', replacing the earlier import' : ''}.`,
          });
          const plan = await getFieldPlan(services);
          return reply.redirect(
            `/admin/field/seats?party=${encodeURIComponent(plan.party)}&election=${done.name}`,
            303,
          );
        } catch (err) {
          if (err instanceof FieldInputError) return refuse(err.status, err.message, err.problems);
          throw err;
        }
      },
    );
  });

  app.post(
    '/admin/field/elections/:name/delete',
    {
      config: { role: 'organiser' },
      schema: { params: z.object({ name: z.string().max(ELECTION_NAME_MAX_LENGTH) }) },
    },
    async (req, reply) => {
      const plan = await getFieldPlan(services);
      if (plan.election === electionKey(req.params.name))
        return adminProblem(
          req,
          reply,
          new FieldInputError(
            `The campaign plans on ${plan.election}: plan on another election before removing it.`,
            409,
          ),
          'Seats',
        );
      if (!(await deleteImportedElection(services, req.params.name, requireStaff(req))))
        return reply.callNotFound();
      setFlash(reply, {
        kind: 'success',
        message: `Removed the election "${electionKey(req.params.name)}".`,
      });
      return reply.redirect('/admin/field/seats', 303);
    },
  );

  app.post(
    '/admin/field/seats/:code/target',
    {
      config: { role: 'organiser' },
      schema: { params: codeParams, body: z.object({ note: formText }) },
    },
    async (req, reply) => {
      try {
        await markTargetSeat(
          services,
          { code: req.params.code, note: req.body.note },
          requireStaff(req),
        );
        setFlash(reply, { kind: 'success', message: 'Marked as a target seat.' });
        return reply.redirect(
          req.headers.referer?.startsWith(services.config.baseUrl)
            ? req.headers.referer
            : '/admin/field/seats',
          303,
        );
      } catch (err) {
        return adminProblem(req, reply, err, 'Seats');
      }
    },
  );

  app.post(
    '/admin/field/seats/:code/untarget',
    { config: { role: 'organiser' }, schema: { params: codeParams } },
    async (req, reply) => {
      try {
        await unmarkTargetSeat(services, req.params.code, requireStaff(req));
        setFlash(reply, { kind: 'success', message: 'No longer a target seat.' });
        return reply.redirect('/admin/field/seats', 303);
      } catch (err) {
        return adminProblem(req, reply, err, 'Seats');
      }
    },
  );

  const nearestPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    postcode: string,
    body: ReturnType<typeof html>,
  ) =>
    renderPublic(req, reply, {
      title: 'Your nearest marginal',
      description: 'Find the target seats nearest to you and the next sessions there.',
      status,
      body: html`<section class="nearest-marginal">
        <h1>Where can I help?</h1>
        <p>
          Enter your postcode to find the seats nearest to you where a few more volunteers make the
          difference.
        </p>
        ${nearestForm(postcode.length <= POSTCODE_INPUT_MAX_LENGTH ? postcode : '')} ${body}
      </section>`,
    });

  app.get(NEAREST_PATH, { schema: { querystring: nearestQuery } }, async (req, reply) => {
    const postcode = req.query.postcode?.trim() ?? '';
    if (!postcode) return nearestPage(req, reply, 200, '', html``);
    try {
      const answer = await nearestMarginal(services, postcode);
      const status = answer.status === 'invalid' ? 400 : answer.status === 'unknown' ? 404 : 200;
      return nearestPage(
        req,
        reply,
        status,
        answer.status === 'found' ? answer.postcode : postcode,
        nearestAnswer(answer),
      );
    } catch (err) {
      if (err instanceof FieldInputError)
        return nearestPage(
          req,
          reply,
          err.status,
          postcode,
          html`<p class="flash flash-error" role="alert">${err.message}</p>`,
        );
      throw err;
    }
  });

  app.get(`${NEAREST_PATH}.json`, { schema: { querystring: nearestQuery } }, async (req, reply) => {
    const postcode = req.query.postcode?.trim() ?? '';
    if (!postcode)
      return reply
        .code(400)
        .send({ status: 'invalid', message: 'Give a postcode: ?postcode=LS28+5AB' });
    try {
      const answer = await nearestMarginal(services, postcode);
      const status = answer.status === 'invalid' ? 400 : answer.status === 'unknown' ? 404 : 200;
      return reply
        .code(status)
        .header('access-control-allow-origin', '*')
        .send(nearestJson(answer));
    } catch (err) {
      if (err instanceof FieldInputError)
        return reply.code(err.status).send({ status: 'error', message: err.message });
      throw err;
    }
  });

  app.get('/admin/field/allocation', { config: { role: 'viewer' } }, async (req, reply) => {
    try {
      const report = await allocationReport(services);
      const directory = await getConstituencyDirectory(services.db);
      const staff = (await listStaff(services)).filter((s) => !s.disabled_at);
      return renderAdmin(req, reply, {
        title: 'Where the effort goes',
        body: allocationPage(report, {
          csrf: reply.generateCsrf(),
          canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
          seats: directory.all().map((c) => ({ value: c.code, label: c.name })),
          staff: staff.map((s) => ({ value: s.id, label: s.name })),
        }),
      });
    } catch (err) {
      return adminProblem(req, reply, err, 'Where the effort goes');
    }
  });

  app.post(
    '/admin/field/allocation',
    {
      config: { role: 'organiser' },
      schema: {
        body: z.object({
          seatCode: formText,
          staffUserId: formText,
          personEmail: formText,
          hours: formText,
        }),
      },
    },
    async (req, reply) => {
      try {
        await assignToSeat(services, req.body, requireStaff(req));
        setFlash(reply, { kind: 'success', message: 'Assigned.' });
        return reply.redirect('/admin/field/allocation', 303);
      } catch (err) {
        return adminProblem(req, reply, err, 'Where the effort goes');
      }
    },
  );

  app.post(
    '/admin/field/allocation/:id/remove',
    { config: { role: 'organiser' }, schema: { params: idParams } },
    async (req, reply) => {
      if (!(await removeAllocation(services, req.params.id, requireStaff(req))))
        return reply.callNotFound();
      setFlash(reply, { kind: 'success', message: 'Removed.' });
      return reply.redirect('/admin/field/allocation', 303);
    },
  );
}
