import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatLondonRange } from '../../infra/clock/london-time.js';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import {
  formCheckbox,
  formText,
  idParams,
  positiveId,
  typedRoutes,
} from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { listStaff } from '../staff/staff.service.js';
import type { EventForm } from './events.rules.js';
import {
  EventNotFound,
  cancelEvent,
  createEvent,
  getEvent,
  listEventSummaries,
  updateEvent,
} from './events.service.js';
import {
  eventForm,
  formOf,
  friendsSummaryPage,
  hostPage,
  placesText,
  typeLabel,
  where,
} from './events.views.js';
import { bringAFriendReport, bringAFriendSummary } from './friends.service.js';
import { addWalkIn, attendeesOf, checkIn } from './rsvp.service.js';

const eventBody = z.object({
  type: formText,
  title: formText,
  description: formText,
  startsAt: formText,
  endsAt: formText,
  venue: formText,
  postcode: formText,
  onlineUrl: formText,
  capacity: formText,
  waitingList: formCheckbox,
  hostName: formText,
  hostStaffId: formText,
  visibility: formText,
  repeat: formText,
  repeatUntil: formText,
});
const EMPTY_FORM: EventForm = {
  type: 'canvass',
  title: '',
  description: '',
  startsAt: '',
  endsAt: '',
  venue: '',
  postcode: '',
  onlineUrl: '',
  capacity: '',
  waitingList: true,
  hostName: '',
  hostStaffId: '',
  visibility: 'public',
  repeat: '',
  repeatUntil: '',
};

/** The bring-a-friend report covers events from four weeks ago on. */
const FRIENDS_WINDOW_MS = 28 * 24 * 3600_000;

export async function eventsAdminRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const hosts = async () =>
    (await listStaff(services))
      .filter((s) => !s.disabled_at)
      .map((s) => ({ value: s.id, label: s.name }));

  app.get('/admin/events', { config: { role: 'viewer' } }, async (req, reply) => {
    const from = new Date(services.clock.now().getTime() - 7 * 24 * 3600_000).toISOString();
    const events = await listEventSummaries(services, { everything: true, from });
    const canEdit = roleAtLeast(requireStaff(req).role, 'organiser');
    return renderAdmin(req, reply, {
      title: 'Events',
      body: html`${canEdit ? html`<p><a class="button" href="/admin/events/new">New event or series</a></p>` : ''}
        <p><a href="/admin/events/friends">Bring a friend: who invited whom</a></p>
        ${dataTable({
          caption: 'Events from the last week on',
          empty: 'No events yet.',
          rows: events,
          columns: [
            {
              label: 'Event',
              rowHeader: true,
              cell: (e) => html`<a href="/admin/events/${e.id}">${e.title}</a>`,
            },
            { label: 'Type', cell: (e) => typeLabel(e.type) },
            { label: 'When', cell: (e) => formatLondonRange(e.startsAt, e.endsAt) },
            { label: 'Where', cell: (e) => where(e) },
            { label: 'Seat', cell: (e) => e.seatName ?? '' },
            { label: 'Places', cell: (e) => placesText(e) },
            { label: 'Visibility', cell: (e) => e.visibility },
          ],
        })}`,
    });
  });

  app.get('/admin/events/friends', { config: { role: 'viewer' } }, async (req, reply) => {
    const from = new Date(services.clock.now().getTime() - FRIENDS_WINDOW_MS).toISOString();
    return renderAdmin(req, reply, {
      title: 'Bring a friend',
      body: friendsSummaryPage(await bringAFriendSummary(services, from)),
    });
  });

  const formPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    o: {
      title: string;
      action: string;
      form: EventForm;
      errors?: Record<string, string>;
      series: boolean;
    },
  ) =>
    renderAdmin(req, reply, {
      title: o.title,
      status: o.errors ? 422 : 200,
      body: eventForm({
        action: o.action,
        form: o.form,
        errors: o.errors ?? {},
        csrf: reply.generateCsrf(),
        hosts: await hosts(),
        series: o.series,
      }),
    });

  app.get('/admin/events/new', { config: { role: 'organiser' } }, (req, reply) =>
    formPage(req, reply, {
      title: 'New event',
      action: '/admin/events',
      form: EMPTY_FORM,
      series: true,
    }),
  );

  app.post(
    '/admin/events',
    { config: { role: 'organiser' }, schema: { body: eventBody } },
    async (req, reply) => {
      const result = await createEvent(services, req.body, requireStaff(req));
      if (!result.ok)
        return formPage(req, reply, {
          title: 'New event',
          action: '/admin/events',
          form: req.body,
          errors: result.errors,
          series: true,
        });
      setFlash(reply, {
        kind: 'success',
        message:
          result.ids.length > 1 ? `Created ${result.ids.length} sessions.` : 'Event created.',
      });
      return reply.redirect(
        result.ids.length > 1 ? '/admin/events' : `/admin/events/${result.ids[0]}`,
        303,
      );
    },
  );

  const hostView = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    walkInErrors?: Record<string, string>,
  ) => {
    const e = await getEvent(services, id);
    if (!e) return reply.callNotFound();
    return renderAdmin(req, reply, {
      title: e.title,
      status: walkInErrors ? 422 : 200,
      body: hostPage(e, await attendeesOf(services, id), {
        csrf: reply.generateCsrf(),
        now: services.clock.now().getTime(),
        canEdit: roleAtLeast(requireStaff(req).role, 'organiser'),
        friends: await bringAFriendReport(services, id),
        series:
          e.seriesId === null
            ? []
            : (
                await listEventSummaries(services, {
                  seriesId: e.seriesId,
                  everything: true,
                  from: new Date(services.clock.now().getTime() - 7 * 24 * 3600_000).toISOString(),
                })
              ).filter((s) => s.id !== e.id),
        ...(walkInErrors ? { walkInErrors } : {}),
      }),
    });
  };

  app.get(
    '/admin/events/:id',
    { config: { role: 'viewer' }, schema: { params: idParams } },
    (req, reply) => hostView(req, reply, req.params.id),
  );

  app.get(
    '/admin/events/:id/edit',
    { config: { role: 'organiser' }, schema: { params: idParams } },
    async (req, reply) => {
      const e = await getEvent(services, req.params.id);
      if (!e) return reply.callNotFound();
      return formPage(req, reply, {
        title: `Edit: ${e.title}`,
        action: `/admin/events/${e.id}`,
        form: formOf(e),
        series: false,
      });
    },
  );

  app.post(
    '/admin/events/:id',
    { config: { role: 'organiser' }, schema: { params: idParams, body: eventBody } },
    async (req, reply) => {
      try {
        const result = await updateEvent(services, req.params.id, req.body, requireStaff(req));
        if (!result.ok)
          return formPage(req, reply, {
            title: 'Edit event',
            action: `/admin/events/${req.params.id}`,
            form: req.body,
            errors: result.errors,
            series: false,
          });
        setFlash(reply, { kind: 'success', message: 'Saved.' });
        return reply.redirect(`/admin/events/${req.params.id}`, 303);
      } catch (err) {
        if (err instanceof EventNotFound) return reply.callNotFound();
        throw err;
      }
    },
  );

  app.post(
    '/admin/events/:id/cancel',
    { config: { role: 'organiser' }, schema: { params: idParams } },
    async (req, reply) => {
      try {
        const emailed = await cancelEvent(services, req.params.id, requireStaff(req));
        setFlash(reply, {
          kind: 'success',
          message: `Cancelled. ${emailed} ${emailed === 1 ? 'person was' : 'people were'} emailed.`,
        });
        return reply.redirect(`/admin/events/${req.params.id}`, 303);
      } catch (err) {
        if (err instanceof EventNotFound) return reply.callNotFound();
        throw err;
      }
    },
  );

  app.post(
    '/admin/events/:id/check-in',
    {
      config: { role: 'moderator' },
      schema: { params: idParams, body: z.object({ rsvpId: positiveId }) },
    },
    async (req, reply) => {
      const ok = await checkIn(services, req.params.id, req.body.rsvpId, requireStaff(req));
      if (!ok) return reply.callNotFound();
      return reply.redirect(`/admin/events/${req.params.id}`, 303);
    },
  );

  app.post(
    '/admin/events/:id/walk-in',
    {
      config: { role: 'moderator' },
      schema: {
        params: idParams,
        body: z.object({ name: formText, email: formText, postcode: formText, phone: formText }),
      },
    },
    async (req, reply) => {
      const r = await addWalkIn(services, req.params.id, req.body, requireStaff(req));
      if (!r.ok) return hostView(req, reply, req.params.id, r.errors);
      setFlash(reply, { kind: 'success', message: `${req.body.name.trim()} is checked in.` });
      return reply.redirect(`/admin/events/${req.params.id}`, 303);
    },
  );
}
