import { streamCsv } from '../../infra/csv/stream-csv.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { html } from '../../infra/html/html.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { formText, idParams, positiveId, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { ServiceContext } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { erasePerson, exportPersonData } from './data-rights.service.js';
import { normaliseEmail } from '../../infra/validation/email.js';
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
const viewerOnId = { ...viewer, schema: { params: idParams } };
const organiserOnId = { ...organiser, schema: { params: idParams } };

/** The edit form's custom fields box; longer is a paste gone wrong, not a supporter's details. */
export const CUSTOM_FIELDS_TEXT_MAX_LENGTH = 60_000;

const PageQuery = z.object({
  page: z.coerce
    .number({ error: 'Page must be a number.' })
    .int({ error: 'Page must be a whole number.' })
    .min(1, { error: 'Page must be 1 or more.' })
    .max(MAX_PAGE, { error: 'That page does not exist.' })
    .default(1),
  segment: z.string().optional(),
});

type PeopleListRequest =
  | { error: string }
  /** null: the address names no segment that can exist. */
  | { page: number; segmentId: number | null }
  | { page: number; filters: PeopleFilters };

/**
 * The list's address (page, segment, filters). A mistake in it is shown above the list, where
 * the filters can be corrected, so it becomes a message here rather than a refused request.
 */
const PeopleListQuery = z.looseObject({}).transform((query): PeopleListRequest => {
  const page = PageQuery.safeParse(query);
  if (!page.success) return { error: firstIssue(page.error) };
  if (page.data.segment !== undefined) {
    const segment = positiveId.safeParse(page.data.segment);
    return { page: page.data.page, segmentId: segment.success ? segment.data : null };
  }
  const filters = parseFilters(query);
  if (!filters.ok) return { error: filters.message };
  return { page: page.data.page, filters: filters.filters };
});

/** Filters in a query or a form; what is wrong with them is shown on the list page. */
const FiltersInput = z.looseObject({}).transform(parseFilters);

const EditForm = z.object({
  email: formText,
  firstName: formText,
  lastName: formText,
  postcode: formText,
  phone: formText,
  customFields: formText,
});

const TagForm = z.object({ tag: formText });

const ConsentForm = z.object({
  channel: z.enum(CONSENT_CHANNELS, { error: 'Choose a channel from the list.' }),
  status: z.enum(['granted', 'withdrawn'], { error: 'Choose granted or withdrawn.' }),
  note: formText,
});

const SegmentForm = z
  .looseObject({ name: formText })
  .transform((body) => ({ name: body.name, filters: parseFilters(body) }));
const EraseForm = z.object({ confirm: formText });

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

function csvFilename(ctx: Pick<ServiceContext, 'clock'>, label: string): string {
  return `${label}-${ctx.clock.now().toISOString().slice(0, 10)}.csv`;
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
    rows: peopleCsvRows(services, filters),
    bom: true,
  });
}

export async function peopleRoutes(base: FastifyInstance, services: Services) {
  const erasureNotes = services.personData.flatMap((h) => (h.erasureNote ? [h.erasureNote] : []));
  const app = typedRoutes(base);

  async function renderList(
    req: FastifyRequest,
    reply: FastifyReply,
    filters: PeopleFilters,
    opts: { page: number; segment?: Segment; error?: string },
  ) {
    const choices = await filterChoices(services);
    const result = opts.error
      ? undefined
      : await listPeople(services, { filters, page: opts.page });
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

  app.get(
    '/admin/people',
    { ...viewer, schema: { querystring: PeopleListQuery } },
    async (req, reply) => {
      const query = req.query;
      if ('error' in query) return renderList(req, reply, {}, { page: 1, error: query.error });
      if ('segmentId' in query) {
        const segment =
          query.segmentId === null ? undefined : await getSegment(services, query.segmentId);
        if (!segment) return notFound(req, reply, 'segment');
        return renderList(req, reply, segment.filters, { page: query.page, segment });
      }
      return renderList(req, reply, query.filters, { page: query.page });
    },
  );

  app.get(
    '/admin/people/export.csv',
    { ...organiser, schema: { querystring: FiltersInput } },
    async (req, reply) => {
      const parsed = req.query;
      if (!parsed.ok) return renderList(req, reply, {}, { page: 1, error: parsed.message });
      await recordCsvExport(services, { filters: parsed.filters }, requireStaff(req));
      return sendCsv(reply, csvFilename(services, 'people'), parsed.filters, services);
    },
  );

  async function renderPerson(
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    edit?: { error: string; values: Record<string, string> },
  ) {
    const person = await getPerson(services.db, id);
    if (!person) return notFound(req, reply);
    const [consents, activities, activityTotal] = await Promise.all([
      listConsentHistory(services.db, id),
      listActivities(services.db, id, TIMELINE_LIMIT),
      repo.countActivities(services.db.kysely, id),
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

  app.get('/admin/people/:id', viewerOnId, async (req, reply) =>
    renderPerson(req, reply, req.params.id),
  );

  app.post(
    '/admin/people/:id',
    { ...organiser, schema: { params: idParams, body: EditForm } },
    async (req, reply) => {
      const personId = req.params.id;
      const values = req.body;
      try {
        if (values.customFields.length > CUSTOM_FIELDS_TEXT_MAX_LENGTH)
          throw new PersonInputError('Custom fields are too long.');
        await editPerson(
          services,
          { ...values, personId, customFields: parseCustomFieldsText(values.customFields) },
          requireStaff(req),
        );
      } catch (err) {
        if (!(err instanceof PersonInputError)) throw err;
        return renderPerson(req, reply, personId, { error: err.message, values });
      }
      setFlash(reply, { kind: 'success', message: 'Saved.' });
      return reply.redirect(`/admin/people/${personId}`, 303);
    },
  );

  /** Small organiser actions: back to the person page with a message, or a page saying why not. */
  async function personAction(
    req: FastifyRequest,
    reply: FastifyReply,
    personId: number,
    action: () => Promise<string>,
  ) {
    try {
      setFlash(reply, { kind: 'success', message: await action() });
    } catch (err) {
      if (!(err instanceof PersonInputError)) throw err;
      if (!(await getPerson(services.db, personId))) return notFound(req, reply);
      return renderAdmin(req, reply, {
        title: 'Not saved',
        status: 400,
        body: html`<p class="error-message" role="alert">${err.message}</p>
          <p><a href="/admin/people/${personId}">Back to the person</a></p>`,
      });
    }
    return reply.redirect(`/admin/people/${personId}`, 303);
  }

  const tagAction = { ...organiser, schema: { params: idParams, body: TagForm } };
  app.post('/admin/people/:id/tags', tagAction, async (req, reply) =>
    personAction(req, reply, req.params.id, async () => {
      await changeTags(services, { personId: req.params.id, add: req.body.tag }, requireStaff(req));
      return 'Tag added.';
    }),
  );
  app.post('/admin/people/:id/tags/remove', tagAction, async (req, reply) =>
    personAction(req, reply, req.params.id, async () => {
      await changeTags(
        services,
        { personId: req.params.id, remove: req.body.tag },
        requireStaff(req),
      );
      return 'Tag removed.';
    }),
  );
  app.post(
    '/admin/people/:id/consents',
    { ...organiser, schema: { params: idParams, body: ConsentForm } },
    async (req, reply) =>
      personAction(req, reply, req.params.id, async () => {
        await recordConsentByStaff(
          services,
          { personId: req.params.id, ...req.body },
          requireStaff(req),
        );
        return 'Consent recorded.';
      }),
  );

  app.get('/admin/people/:id/export.json', organiserOnId, async (req, reply) => {
    const personId = req.params.id;
    if (!(await getPerson(services.db, personId))) return notFound(req, reply);
    const data = await exportPersonData(services, personId, requireStaff(req));
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="person-${personId}.json"`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  });

  app.get('/admin/people/:id/erase', organiserOnId, async (req, reply) => {
    const person = await getPerson(services.db, req.params.id);
    if (!person) return notFound(req, reply);
    if (person.erasedAt) return reply.redirect(`/admin/people/${person.id}`);
    return renderAdmin(req, reply, {
      title: 'Erase this person?',
      body: eraseBody(person, reply.generateCsrf(), undefined, erasureNotes),
    });
  });

  app.post(
    '/admin/people/:id/erase',
    { ...organiser, schema: { params: idParams, body: EraseForm } },
    async (req, reply) => {
      const person = await getPerson(services.db, req.params.id);
      if (!person) return notFound(req, reply);
      if (person.erasedAt) {
        setFlash(reply, { kind: 'info', message: 'This person had already been erased.' });
        return reply.redirect(`/admin/people/${person.id}`, 303);
      }
      if (normaliseEmail(req.body.confirm) !== person.email) {
        return renderAdmin(req, reply, {
          title: 'Erase this person?',
          status: 400,
          body: eraseBody(
            person,
            reply.generateCsrf(),
            "The email you typed does not match this person's. Nothing was erased.",
            erasureNotes,
          ),
        });
      }
      await erasePerson(services, person.id, requireStaff(req));
      setFlash(reply, { kind: 'success', message: 'Erased. Nothing now identifies this person.' });
      return reply.redirect(`/admin/people/${person.id}`, 303);
    },
  );

  // ---- segments --------------------------------------------------------------------------------

  app.get('/admin/segments', viewer, async (req, reply) => {
    return renderAdmin(req, reply, {
      title: 'Segments',
      body: segmentsBody(await listSegments(services), canEdit(req), reply.generateCsrf()),
    });
  });

  app.post(
    '/admin/segments',
    { ...organiser, schema: { body: SegmentForm } },
    async (req, reply) => {
      const { name, filters } = req.body;
      try {
        if (!filters.ok) throw new PersonInputError(filters.message);
        const id = await saveSegment(
          services,
          { name, filters: filters.filters },
          requireStaff(req),
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
    },
  );

  app.get('/admin/segments/:id', viewerOnId, async (req, reply) => {
    if (!(await getSegment(services, req.params.id))) return notFound(req, reply, 'segment');
    return reply.redirect(`/admin/people?segment=${req.params.id}`);
  });

  app.get('/admin/segments/:id/export.csv', organiserOnId, async (req, reply) => {
    const segment = await getSegment(services, req.params.id);
    if (!segment) return notFound(req, reply, 'segment');
    await recordCsvExport(
      services,
      { segmentId: segment.id, filters: segment.filters },
      requireStaff(req),
    );
    return sendCsv(
      reply,
      csvFilename(services, `segment-${segment.id}`),
      segment.filters,
      services,
    );
  });

  app.post('/admin/segments/:id/delete', organiserOnId, async (req, reply) => {
    const segmentId = req.params.id;
    if (!(await getSegment(services, segmentId))) return notFound(req, reply, 'segment');
    await deleteSegment(services, { segmentId }, requireStaff(req));
    setFlash(reply, { kind: 'success', message: 'Segment deleted.' });
    return reply.redirect('/admin/segments', 303);
  });
}
