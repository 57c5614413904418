import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { typedRoutes } from '../../infra/http/input.js';
import type { Services } from '../../infra/services.js';
import {
  type AttendanceRow,
  type EventRow,
  attendanceModifiedAt,
  getAttendanceForFeed,
  getEventForFeed,
  listAttendancesFeed,
  listEventsFeed,
  placeCountsForFeed,
  rsvpThroughApi,
} from '../events/events-feed.service.js';
import { getFeedPerson } from '../people/people-feed.service.js';
import {
  apiIdParams,
  type ApiResource,
  apiUrl,
  identifiers,
  notFound,
  OsdiError,
} from './osdi.service.js';
import { osdiRoutes } from './osdi-routes.js';
import { embeddedSupporter, keySource, personInput } from './people.api.js';

const attendanceParams = z.object({
  id: apiIdParams.shape.id,
  attendanceId: apiIdParams.shape.id,
});

const attendanceBody = z.strictObject({
  person: personInput,
  /** The consent box's words, when the person ticked it; it counts once they confirm. */
  'rally:consent_wording': z.string().min(1).max(5000).optional(),
  /** Where the sign-up came from, e.g. "stall:pudsey" (default: the key's name). */
  'rally:source': z.string().min(1).max(200).optional(),
});

/** OSDI's event status words for ours. */
const EVENT_STATUS = new Map([
  ['scheduled', 'confirmed'],
  ['cancelled', 'cancelled'],
]);
/** OSDI's attendance status words for ours (the raw one is `rally:status`). */
const ATTENDANCE_STATUS = new Map([
  ['pending', 'needs action'],
  ['confirmed', 'accepted'],
  ['waiting', 'tentative'],
  ['cancelled', 'declined'],
]);

function eventHal(
  services: Pick<Services, 'config'>,
  e: EventRow,
  places: { confirmed: number; waiting: number } | undefined,
) {
  const self = apiUrl(services, `/events/${e.id}`);
  return {
    identifiers: identifiers('event', e.id),
    origin_system: 'Rally',
    created_date: e.created_at,
    modified_date: e.updated_at,
    name: e.slug,
    title: e.title,
    description: e.description,
    browser_url: `${services.config.baseUrl}/events/${e.slug}`,
    start_date: e.starts_at,
    end_date: e.ends_at,
    status: EVENT_STATUS.get(e.status) ?? e.status,
    visibility: e.visibility === 'public' ? 'public' : 'private',
    capacity: e.capacity,
    total_accepted: places?.confirmed ?? 0,
    location: {
      venue: e.venue,
      postal_code: e.postcode,
      country: e.postcode ? 'GB' : null,
    },
    'rally:type': e.type,
    'rally:online_url': e.online_url,
    'rally:waiting_list': e.waiting_list === 1,
    'rally:waiting': places?.waiting ?? 0,
    'rally:seat_code': e.seat_code,
    'rally:host_name': e.host_name,
    _links: {
      self: { href: self },
      'osdi:attendances': { href: `${self}/attendances` },
      'osdi:record_attendance_helper': { href: `${self}/attendances` },
    },
  };
}

function attendanceHal(services: Pick<Services, 'config'>, r: AttendanceRow) {
  const event = apiUrl(services, `/events/${r.event_id}`);
  return {
    identifiers: identifiers('attendance', r.id),
    created_date: r.created_at,
    modified_date: attendanceModifiedAt(r),
    status: ATTENDANCE_STATUS.get(r.status) ?? r.status,
    attended: r.checked_in_at !== null,
    'rally:status': r.status,
    'rally:walk_in': r.walk_in === 1,
    'rally:confirmed_date': r.confirmed_at,
    'rally:checked_in_date': r.checked_in_at,
    'rally:source': r.source,
    _links: {
      self: { href: `${event}/attendances/${r.id}` },
      'osdi:event': { href: event },
      ...(r.person_id !== null
        ? { 'osdi:person': { href: apiUrl(services, `/people/${r.person_id}`) } }
        : {}),
    },
  };
}

async function eventsHal(services: Services, events: EventRow[]) {
  const places = await placeCountsForFeed(
    services,
    events.map((e) => e.id),
  );
  return events.map((e) => eventHal(services, e, places.get(e.id)));
}

/** Events (read-only: organisers make them in /admin) and their attendances (sign-ups). */
export const eventsResource: ApiResource = {
  name: 'events',
  title: 'Events and attendances',
  routes: async (app: FastifyInstance, services: Services) => {
    const routes = osdiRoutes(app, services, 'events');

    routes.collection('/events', {
      summary: 'List events, any status or visibility (filter: modified_date)',
      rel: 'events',
      page: async (_, page) => {
        const { events, total } = await listEventsFeed(services, page);
        return { total, items: await eventsHal(services, events) };
      },
    });

    routes.item('/events/:id', {
      summary: 'Get an event',
      what: 'event',
      params: apiIdParams,
      find: async ({ id }) => {
        const event = await getEventForFeed(services, id);
        return event && (await eventsHal(services, [event]))[0];
      },
    });

    routes.collection('/events/:id/attendances', {
      summary: "List an event's attendances (filter: modified_date)",
      rel: 'attendances',
      params: apiIdParams,
      page: async ({ id }, page) => {
        if (!(await getEventForFeed(services, id))) throw notFound('event');
        const { attendances, total } = await listAttendancesFeed(services, {
          ...page,
          eventId: id,
        });
        return { total, items: attendances.map((a) => attendanceHal(services, a)) };
      },
    });

    routes.item('/events/:id/attendances/:attendanceId', {
      summary: 'Get an attendance',
      what: 'attendance',
      params: attendanceParams,
      find: async ({ id, attendanceId }) => {
        const a = await getAttendanceForFeed(services, id, attendanceId);
        return a && attendanceHal(services, a);
      },
    });

    routes.collection('/people/:id/attendances', {
      summary: "List a person's attendances",
      rel: 'attendances',
      params: apiIdParams,
      page: async ({ id }, page) => {
        const person = await getFeedPerson(services, id);
        if (!person) throw notFound('person');
        const { attendances, total } = await listAttendancesFeed(services, {
          ...page,
          person: { id: person.id, email: person.email },
        });
        return { total, items: attendances.map((a) => attendanceHal(services, a)) };
      },
    });

    typedRoutes(app).post(
      '/events/:id/attendances',
      {
        schema: { params: apiIdParams, body: attendanceBody },
        config: routes.config(
          'RSVP with an embedded person (pending until they confirm by email, as on the event page)',
          'write',
        ),
      },
      async (req, reply) => {
        const result = await rsvpThroughApi(services, {
          eventId: req.params.id,
          ...embeddedSupporter(req, req.body.person, 'an attendance'),
          consentWording: req.body['rally:consent_wording'] ?? null,
          source: req.body['rally:source'] ?? keySource(req),
        });
        if (!result.ok) throw new OsdiError(result.status, result.message);
        reply.code(result.outcome === 'created' ? 201 : 200);
        return attendanceHal(services, result.attendance);
      },
    );
  },
};
