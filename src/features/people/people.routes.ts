import { streamCsv } from '../../infra/csv/stream-csv.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { html } from '../../infra/html/html.js';
import { roleAtLeast } from '../../infra/html/layout.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { erasePerson, exportPersonData } from './data-rights.service.js';
import { normaliseEmail } from './email.js';
import {
  changeTags,
  editPerson,
  filterChoices,
  listPeople,
  recordConsentByStaff,
} from './people-admin.service.js';
import { MAX_PAGE, type PeopleFilters, parseFilters } from './people.filters.js';
import * as repo from './people.repository.js';
import { getPerson, listActivities, listConsentHistory } from './people.service.js';
import { CONSENT_CHANNELS } from './people.tables.js';
import { eraseBody, peopleListBody, personBody, segmentsBody } from './people.views.js';
import { PersonInputError } from './person-input.js';
import {
  type Segment,
  deleteSegment,
  getSegment,
  listSegments,
  CSV_COLUMNS,
  peopleCsvRows,
  recordCsvExport,
  saveSegment,
} from './segments.service.js';

/** The person page shows this many recent activities; the JSON export has them all. */
export const TIMELINE_LIMIT = 200;

const viewer = { config: { role: 'viewer' as const } };
const organiser = { config: { role: 'organiser' as const } };

const IdParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const PageQuery = z.object({
  page: z.coerce
    .number({ error: 'Page must be a number.' })
    .int({ error: 'Page must be a whole number.' })
    .min(1, { error: 'Page must be 1 or more.' })
    .max(MAX_PAGE, { error: 'That page does not exist.' })
    .default(1),
  segment: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

const EditForm = z.object({
  email: z.string().default(''),
  firstName: z.string().default(''),
  lastName: z.string().default(''),
  postcode: z.string().default(''),
  phone: z.string().default(''),
  customFields: z.string().max(60_000, 'Custom fields are too long.').default(''),
});

const TagForm = z.object({ tag: z.string().default('') });

const ConsentForm = z.object({
  channel: z.enum(CONSENT_CHANNELS, { error: 'Choose a channel from the list.' }),
  status: z.enum(['granted', 'withdrawn'], { error: 'Choose granted or withdrawn.' }),
  note: z.string().default(''),
});

const SegmentForm = z.object({ name: z.string().default('') });
const EraseForm = z.object({ confirm: z.string().default('') });

function canEdit(req: FastifyRequest): boolean {
  return roleAtLeast(requireStaff(req).role, 'organiser');
}

/** "name: value" per line; a line without a colon is a mistake worth telling about. */
export function parseCustomFieldsText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new PersonInputError(`Custom fields line ${i + 1} must look like "name: value".`);
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  return out;
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'That was not valid.';
}

function notFound(req: FastifyRequest, reply: FastifyReply, what = 'person') {
  return renderAdmin(req, reply, {
    title: 'Not found',
    status: 404,
    body: html`<p>There is no ${what} with that number.</p>
      <p><a href="/admin/people">Back to people</a></p>`,
  });
}

function csvFilename(label: string): string {
  return `${label}-${new Date().toISOString().slice(0, 10)}.csv`;
}

function sendCsv(
  reply: FastifyReply,
  filename: string,
  filters: PeopleFilters,
  services: Services,
) {
  return streamCsv(reply, {
    filename,
    header: CSV_COLUMNS,
    rows: peopleCsvRows(services.db, filters),
    bom: true,
  });
}

export async function peopleRoutes(app: FastifyInstance, services: Services) {
  const { db } = services;

  async function renderList(
    req: FastifyRequest,
    reply: FastifyReply,
    filters: PeopleFilters,
    opts: { page: number; segment?: Segment; error?: string },
  ) {
    const choices = await filterChoices(db);
    const result = opts.error ? undefined : await listPeople(db, filters, opts.page);
    return renderAdmin(req, reply, {
      title: opts.segment ? `People: ${opts.segment.name}` : 'People',
      status: opts.error ? 400 : 200,
      body: peopleListBody({
        filters,
        choices,
        result,
        error: opts.error,
        segment: opts.segment,
        canEdit: canEdit(req),
        csrfToken: reply.generateCsrf(),
      }),
    });
  }

  app.get('/admin/people', viewer, async (req, reply) => {
    const page = PageQuery.safeParse(req.query);
    if (!page.success)
      return renderList(req, reply, {}, { page: 1, error: firstIssue(page.error) });
    if (page.data.segment !== undefined) {
      const segment = await getSegment(db, page.data.segment);
      if (!segment) return notFound(req, reply, 'segment');
      return renderList(req, reply, segment.filters, { page: page.data.page, segment });
    }
    const parsed = parseFilters(req.query);
    if (!parsed.ok) return renderList(req, reply, {}, { page: 1, error: parsed.message });
    return renderList(req, reply, parsed.filters, { page: page.data.page });
  });

  app.get('/admin/people/export.csv', organiser, async (req, reply) => {
    const parsed = parseFilters(req.query);
    if (!parsed.ok) return renderList(req, reply, {}, { page: 1, error: parsed.message });
    await recordCsvExport(services, { filters: parsed.filters }, requireStaff(req).id);
    return sendCsv(reply, csvFilename('people'), parsed.filters, services);
  });

  async function renderPerson(
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    edit?: { error: string; values: Record<string, string> },
  ) {
    const person = await getPerson(db, id);
    if (!person) return notFound(req, reply);
    const [consents, activities, activityTotal] = await Promise.all([
      listConsentHistory(db, id),
      listActivities(db, id, TIMELINE_LIMIT),
      repo.countActivities(db.kysely, id),
    ]);
    return renderAdmin(req, reply, {
      title: person.erasedAt
        ? `Erased person #${person.id}`
        : [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email,
      status: edit ? 400 : 200,
      body: personBody({
        person,
        consents,
        activities,
        activityTotal,
        canEdit: canEdit(req),
        csrfToken: reply.generateCsrf(),
        ...(edit ? { editError: edit.error, editValues: edit.values } : {}),
      }),
    });
  }

  app.get('/admin/people/:id', viewer, async (req, reply) => {
    const params = IdParams.safeParse(req.params);
    if (!params.success) return notFound(req, reply);
    return renderPerson(req, reply, params.data.id);
  });

  app.post('/admin/people/:id', organiser, async (req, reply) => {
    const params = IdParams.safeParse(req.params);
    if (!params.success) return notFound(req, reply);
    const id = params.data.id;
    const form = EditForm.safeParse(req.body ?? {});
    const values = form.success ? form.data : EditForm.parse({});
    try {
      if (!form.success) throw new PersonInputError(firstIssue(form.error));
      await editPerson(
        services,
        id,
        { ...values, customFields: parseCustomFieldsText(values.customFields) },
        requireStaff(req).id,
      );
    } catch (err) {
      if (!(err instanceof PersonInputError)) throw err;
      return renderPerson(req, reply, id, { error: err.message, values });
    }
    setFlash(reply, { kind: 'success', message: 'Saved.' });
    return reply.redirect(`/admin/people/${id}`, 303);
  });

  /** Small organiser actions that redirect back to the person page with a message. */
  function personAction(
    path: string,
    action: (id: number, body: unknown, actorId: number) => Promise<string>,
  ) {
    app.post(`/admin/people/:id${path}`, organiser, async (req, reply) => {
      const params = IdParams.safeParse(req.params);
      if (!params.success) return notFound(req, reply);
      const id = params.data.id;
      try {
        const message = await action(id, req.body ?? {}, requireStaff(req).id);
        setFlash(reply, { kind: 'success', message });
      } catch (err) {
        if (!(err instanceof PersonInputError)) throw err;
        if (!(await getPerson(db, id))) return notFound(req, reply);
        return renderAdmin(req, reply, {
          title: 'Not saved',
          status: 400,
          body: html`<p class="error-message" role="alert">${err.message}</p>
            <p><a href="/admin/people/${id}">Back to the person</a></p>`,
        });
      }
      return reply.redirect(`/admin/people/${id}`, 303);
    });
  }

  personAction('/tags', async (id, body, actor) => {
    const { tag } = TagForm.parse(body);
    await changeTags(services, id, { add: tag }, actor);
    return 'Tag added.';
  });
  personAction('/tags/remove', async (id, body, actor) => {
    const { tag } = TagForm.parse(body);
    await changeTags(services, id, { remove: tag }, actor);
    return 'Tag removed.';
  });
  personAction('/consents', async (id, body, actor) => {
    const form = ConsentForm.safeParse(body);
    if (!form.success) throw new PersonInputError(firstIssue(form.error));
    await recordConsentByStaff(services, id, form.data, actor);
    return 'Consent recorded.';
  });

  app.get('/admin/people/:id/export.json', organiser, async (req, reply) => {
    const params = IdParams.safeParse(req.params);
    if (!params.success || !(await getPerson(db, params.data.id))) return notFound(req, reply);
    const data = await exportPersonData(services, params.data.id, requireStaff(req).id);
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="person-${params.data.id}.json"`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  });

  app.get('/admin/people/:id/erase', organiser, async (req, reply) => {
    const params = IdParams.safeParse(req.params);
    const person = params.success ? await getPerson(db, params.data.id) : undefined;
    if (!person) return notFound(req, reply);
    if (person.erasedAt) return reply.redirect(`/admin/people/${person.id}`);
    return renderAdmin(req, reply, {
      title: 'Erase this person?',
      body: eraseBody(person, reply.generateCsrf()),
    });
  });

  app.post('/admin/people/:id/erase', organiser, async (req, reply) => {
    const params = IdParams.safeParse(req.params);
    const person = params.success ? await getPerson(db, params.data.id) : undefined;
    if (!person) return notFound(req, reply);
    if (person.erasedAt) {
      setFlash(reply, { kind: 'info', message: 'This person had already been erased.' });
      return reply.redirect(`/admin/people/${person.id}`, 303);
    }
    const form = EraseForm.safeParse(req.body ?? {});
    const typed = form.success ? normaliseEmail(form.data.confirm) : null;
    if (typed !== person.email) {
      return renderAdmin(req, reply, {
        title: 'Erase this person?',
        status: 400,
        body: eraseBody(
          person,
          reply.generateCsrf(),
          "The email you typed does not match this person's. Nothing was erased.",
        ),
      });
    }
    await erasePerson(services, person.id, requireStaff(req).id);
    setFlash(reply, { kind: 'success', message: 'Erased. Nothing now identifies this person.' });
    return reply.redirect(`/admin/people/${person.id}`, 303);
  });

  // ---- segments --------------------------------------------------------------------------------

  app.get('/admin/segments', viewer, async (req, reply) => {
    return renderAdmin(req, reply, {
      title: 'Segments',
      body: segmentsBody(await listSegments(db), canEdit(req), reply.generateCsrf()),
    });
  });

  app.post('/admin/segments', organiser, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const filters = parseFilters(body);
    const name = SegmentForm.safeParse(body);
    try {
      if (!filters.ok) throw new PersonInputError(filters.message);
      if (!name.success) throw new PersonInputError(firstIssue(name.error));
      const id = await saveSegment(
        services,
        { name: name.data.name, filters: filters.filters },
        requireStaff(req).id,
      );
      setFlash(reply, { kind: 'success', message: 'Segment saved.' });
      return reply.redirect(`/admin/segments/${id}`, 303);
    } catch (err) {
      if (!(err instanceof PersonInputError)) throw err;
      return renderList(req, reply, filters.ok ? filters.filters : {}, {
        page: 1,
        error: `The segment was not saved: ${err.message}`,
      });
    }
  });

  app.get('/admin/segments/:id', viewer, async (req, reply) => {
    const params = IdParams.safeParse(req.params);
    if (!params.success || !(await getSegment(db, params.data.id)))
      return notFound(req, reply, 'segment');
    return reply.redirect(`/admin/people?segment=${params.data.id}`);
  });

  app.get('/admin/segments/:id/export.csv', organiser, async (req, reply) => {
    const params = IdParams.safeParse(req.params);
    const segment = params.success ? await getSegment(db, params.data.id) : undefined;
    if (!segment) return notFound(req, reply, 'segment');
    await recordCsvExport(
      services,
      { segmentId: segment.id, filters: segment.filters },
      requireStaff(req).id,
    );
    return sendCsv(reply, csvFilename(`segment-${segment.id}`), segment.filters, services);
  });

  app.post('/admin/segments/:id/delete', organiser, async (req, reply) => {
    const params = IdParams.safeParse(req.params);
    if (!params.success || !(await getSegment(db, params.data.id)))
      return notFound(req, reply, 'segment');
    await deleteSegment(services, params.data.id, requireStaff(req).id);
    setFlash(reply, { kind: 'success', message: 'Segment deleted.' });
    return reply.redirect('/admin/segments', 303);
  });
}
