import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actionSource, pageSource, sourceParam } from '../../infra/http/attribution.js';
import { z } from 'zod';
import { londonInputToIso } from '../../infra/clock/london-time.js';
import { confirmButtonPage } from '../../infra/html/confirm-button.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { formCheckbox, formText, positiveId, typedRoutes } from '../../infra/http/input.js';
import { renderPublic } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { icsFor } from './events.ics.js';
import { EVENT_TYPES } from './events.rules.js';
import { type EventSummary, getEventBySlug, listEventSummaries } from './events.service.js';
import {
  bringAFriend,
  carShareSection,
  eventPage,
  eventsListPage,
  type RsvpFormState,
  typeLabel,
} from './events.views.js';
import {
  cancelRsvp,
  confirmRsvp,
  findRsvpByManageToken,
  inviteFriend,
  submitRsvp,
} from './rsvp.service.js';
import { distanceToPostcode } from './events-geo.js';
import { LiftError, agreeToLift, liftBoard, postLift } from './carshare.service.js';

const slugParams = z.object({ slug: z.string().max(100) });
const tokenParams = z.object({ token: z.string().max(100) });
const one = (max: number) =>
  z.string('Give one value.').max(max, `At most ${max} characters.`).default('');
const listQuery = z.object({
  type: one(20),
  seat: one(20),
  postcode: one(200),
  within: z.enum(['5', '10', '25', '50']).default('25'),
  from: one(10),
});
const rsvpBody = z.object({
  name: formText,
  email: formText,
  postcode: formText,
  phone: formText,
  consent: formCheckbox,
  ref: formText,
  source: sourceParam,
});
/** Share codes as issued: 12 base64url characters. */
const REF = /^[A-Za-z0-9_-]{12}$/;

/** Open data: what anyone may republish; no attendee, no host's contact. */
function openEvent(e: EventSummary, baseUrl: string) {
  return {
    slug: e.slug,
    url: `${baseUrl}/events/${e.slug}`,
    type: e.type,
    title: e.title,
    description: e.description,
    startsAt: e.startsAt,
    endsAt: e.endsAt,
    venue: e.venue,
    postcode: e.postcode,
    online: e.onlineUrl !== null,
    seat: e.seatCode ? { code: e.seatCode, name: e.seatName } : null,
    capacity: e.capacity,
    spacesLeft: e.spacesLeft,
    waitingList: e.waitingList,
    status: e.status,
  };
}

export async function eventsPublicRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { config } = services;
  const ownOrigin = new URL(config.baseUrl).origin;

  app.get('/events', { schema: { querystring: listQuery } }, async (req, reply) => {
    const q = req.query;
    const directory = await getConstituencyDirectory(services.db);
    const seats = directory.all().map((c) => ({ value: c.code, label: c.name }));
    let problem: string | undefined;
    let from: string | undefined;
    if (q.from) {
      const iso = londonInputToIso(`${q.from}T00:00`);
      if (iso.ok) from = iso.iso;
      else problem = 'Give the date like 2026-06-12.';
    }
    if (q.seat && !directory.get(q.seat)) problem = 'There is no such seat.';
    if (q.type && !EVENT_TYPES.some((t) => t === q.type))
      problem = 'Choose a type of event from the list.';
    const events = problem
      ? []
      : await listEventSummaries(services, {
          type: q.type || undefined,
          seatCodes: q.seat ? [q.seat.toUpperCase()] : undefined,
          from,
        });
    let rows: { event: EventSummary; distanceKm?: number }[] = events.map((event) => ({ event }));
    if (!problem && q.postcode.trim()) {
      const near = distanceToPostcode(directory, q.postcode);
      if ('message' in near) problem = near.message;
      else
        rows = events
          .map((event) => ({ event, distanceKm: near.distance(event) }))
          .filter(
            (r): r is { event: EventSummary; distanceKm: number } =>
              r.distanceKm !== undefined && r.distanceKm <= Number(q.within),
          )
          .sort((a, b) => a.distanceKm - b.distanceKm);
    }
    return renderPublic(req, reply, {
      title: 'Events',
      description: 'Canvassing sessions, phone banks, meetings and training near you.',
      status: problem ? 400 : 200,
      body: eventsListPage(
        problem ? [] : rows,
        { ...q, postcode: q.postcode.slice(0, 16) },
        seats,
        problem,
      ),
    });
  });

  app.get('/events.json', async (_req, reply) => {
    const events = await listEventSummaries(services);
    return reply
      .header('access-control-allow-origin', '*')
      .send({ events: events.map((e) => openEvent(e, config.baseUrl)) });
  });

  app.get(
    '/events/seat/:code',
    { schema: { params: z.object({ code: z.string().max(30) }) } },
    async (req, reply) => {
      const code = req.params.code.replace(/\.ics$/i, '').toUpperCase();
      const seat = req.params.code.toLowerCase().endsWith('.ics')
        ? (await getConstituencyDirectory(services.db)).get(code)
        : undefined;
      if (!seat)
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send('There is no seat with that code (feeds are /events/seat/<code>.ics).');
      const events = await listEventSummaries(services, { seatCodes: [seat.code] });
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `inline; filename="${seat.code}.ics"`)
        .send(icsFor(events, config.baseUrl, `Events in ${seat.name}`));
    },
  );

  const showEvent = async (
    req: FastifyRequest,
    reply: FastifyReply,
    e: EventSummary,
    o: { status?: number; form?: RsvpFormState; errors?: Record<string, string>; problem?: string },
  ) => {
    const now = services.clock.now().getTime();
    const open =
      e.status === 'cancelled'
        ? 'This event has been cancelled.'
        : Date.parse(e.startsAt) <= now
          ? 'This event has already started or is over.'
          : e.spacesLeft === 0 && !e.waitingList
            ? 'This event is full.'
            : undefined;
    return renderPublic(req, reply, {
      title: e.title,
      description: `${typeLabel(e.type)}: ${e.title}`,
      status: o.status ?? 200,
      body: eventPage(e, {
        csrf: reply.generateCsrf(),
        open,
        form: o.form ?? { name: '', email: '', postcode: '', phone: '', consent: false, ref: '' },
        ...(o.errors ? { errors: o.errors } : {}),
        ...(o.problem ? { problem: o.problem } : {}),
      }),
    });
  };

  app.get(
    '/events/:slug',
    {
      schema: { params: slugParams, querystring: z.object({ ref: one(100), source: sourceParam }) },
    },
    async (req, reply) => {
      const ics = req.params.slug.endsWith('.ics');
      const e = await getEventBySlug(
        services,
        ics ? req.params.slug.slice(0, -4) : req.params.slug,
      );
      if (!e)
        return renderPublic(req, reply, {
          title: 'Event not found',
          status: 404,
          body: html`<h1>Event not found</h1>
            <p><a href="/events">See all events</a></p>`,
        });
      if (ics)
        return reply
          .type('text/calendar; charset=utf-8')
          .header('content-disposition', `attachment; filename="${e.slug}.ics"`)
          .send(icsFor([e], config.baseUrl));
      const ref = REF.test(req.query.ref) ? req.query.ref : '';
      return showEvent(req, reply, e, {
        form: {
          name: '',
          email: '',
          postcode: '',
          phone: '',
          consent: false,
          ref,
          source: pageSource(req, ownOrigin),
        },
      });
    },
  );

  app.post(
    '/events/:slug/rsvp',
    {
      schema: { params: slugParams, body: rsvpBody },
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const source = actionSource(req, req.body.source, ownOrigin);
      const body = { ...req.body, source };
      const outcome = await submitRsvp(services, req.params.slug, {
        ...body,
        ref: REF.test(body.ref) ? body.ref : '',
      });
      const e = await getEventBySlug(services, req.params.slug);
      if (!e)
        return renderPublic(req, reply, {
          title: 'Event not found',
          status: 404,
          body: html`<h1>Event not found</h1>`,
        });
      if (!outcome.ok)
        return showEvent(req, reply, e, {
          status: outcome.status,
          form: body,
          ...(outcome.errors ? { errors: outcome.errors } : {}),
          problem: outcome.message,
        });
      return renderPublic(req, reply, {
        title: 'Check your email',
        status: 201,
        body: html`<section class="notice">
          <h1>Check your email</h1>
          <p role="status">
            We have sent a link to ${body.email.trim()}. Open it to confirm your place at
            ${e.title}.
          </p>
        </section>`,
      });
    },
  );

  const confirmPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    token: string,
    problem?: string,
    status = 200,
  ) =>
    renderPublic(req, reply, {
      title: 'Confirm your place',
      status,
      body: confirmButtonPage({
        heading: 'Confirm your place',
        explanation: html`Press the button to confirm you are coming.`,
        action: `/events/rsvp/confirm/${token}`,
        token: { field: '_csrf', value: reply.generateCsrf() },
        button: 'Yes, I am coming',
        problem,
      }),
    });

  app.get('/events/rsvp/confirm/:token', { schema: { params: tokenParams } }, async (req, reply) =>
    confirmPage(req, reply, req.params.token),
  );

  app.post(
    '/events/rsvp/confirm/:token',
    { schema: { params: tokenParams }, config: { rateLimit: { max: 30, timeWindow: 60_000 } } },
    async (req, reply) => {
      const outcome = await confirmRsvp(services, req.params.token);
      if (!outcome.ok)
        return renderPublic(req, reply, {
          title: 'Not confirmed',
          status: outcome.status,
          body: html`<section class="notice">
            <h1>Not confirmed</h1>
            <p role="alert">${outcome.message}</p>
            <p><a href="/events">See other events</a></p>
          </section>`,
        });
      const e = outcome.event;
      const body: SafeHtml = html`<section class="notice">
          <h1>
            ${outcome.status === 'confirmed' ? 'You are going!' : 'You are on the waiting list'}
          </h1>
          <p role="status">
            ${
              outcome.status === 'confirmed'
                ? html`Your place at <a href="/events/${e.slug}">${e.title}</a> is confirmed. We
                    will remind you the day before and two hours before.`
                : html`${e.title} is full. We will email you as soon as a place comes free.`
            }
          </p>
          <p>
            <a href="/events/${e.slug}.ics">Add it to your calendar</a> ·
            <a href="/events/rsvp/manage/${outcome.manageToken}">Manage or cancel</a>
          </p>
        </section>
        ${bringAFriend({ slug: e.slug, baseUrl: config.baseUrl, shareCode: outcome.shareCode, manageToken: outcome.manageToken, csrf: reply.generateCsrf() })}`;
      return renderPublic(req, reply, { title: 'Confirmed', body });
    },
  );

  app.get('/events/rsvp/manage/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const found = await findRsvpByManageToken(services, req.params.token);
    if (!found)
      return renderPublic(req, reply, {
        title: 'Link not valid',
        status: 404,
        body: html`<h1>This link is not valid</h1>
          <p>Check that you copied all of it from the email.</p>`,
      });
    const { rsvp, event } = found;
    const csrf = reply.generateCsrf();
    return renderPublic(req, reply, {
      title: 'Your place',
      body: html`<section class="notice">
          <h1>${event.title}</h1>
          <p role="status">
            ${rsvp.status === 'cancelled' ? 'You have cancelled your place.' : rsvp.status === 'waiting' ? 'You are on the waiting list.' : rsvp.status === 'confirmed' ? 'You are going.' : 'You have not confirmed yet.'}
          </p>
          ${
            rsvp.status === 'cancelled'
              ? ''
              : html`<form method="post" action="/events/rsvp/manage/${req.params.token}/cancel">
                  <input type="hidden" name="_csrf" value="${csrf}" />
                  <button type="submit" class="danger">Cancel my place</button>
                </form>`
          }
        </section>
        ${rsvp.status === 'confirmed' ? carShareSection(await liftBoard(services, req.params.token), req.params.token, csrf) : ''}
        ${rsvp.status === 'cancelled' ? '' : bringAFriend({ slug: event.slug, baseUrl: config.baseUrl, shareCode: rsvp.share_code, manageToken: req.params.token, csrf })}`,
    });
  });

  app.post(
    '/events/rsvp/manage/:token/cancel',
    { schema: { params: tokenParams } },
    async (req, reply) => {
      const r = await cancelRsvp(services, req.params.token);
      if (!r.ok)
        return renderPublic(req, reply, {
          title: 'Link not valid',
          status: 404,
          body: html`<h1>This link is not valid</h1>`,
        });
      return renderPublic(req, reply, {
        title: 'Cancelled',
        body: html`<section class="notice">
          <h1>Your place is cancelled</h1>
          <p role="status">Thank you for letting us know: someone else can have it.</p>
          <p><a href="/events">See other events</a></p>
        </section>`,
      });
    },
  );

  app.post(
    '/events/rsvp/manage/:token/invite',
    {
      schema: { params: tokenParams, body: z.object({ friend: formText }) },
      config: { rateLimit: { max: 5, timeWindow: 60 * 60_000 } },
    },
    async (req, reply) => {
      const r = await inviteFriend(services, req.params.token, req.body.friend);
      return renderPublic(req, reply, {
        title: r.ok ? 'Invitation sent' : 'Not sent',
        status: r.ok ? 200 : r.status,
        body: html`<section class="notice">
          <h1>${r.ok ? 'Invitation sent' : 'Not sent'}</h1>
          <p role="${r.ok ? 'status' : 'alert'}">
            ${r.ok ? 'We have emailed your friend.' : r.message}
          </p>
          <p><a href="/events/rsvp/manage/${req.params.token}">Back</a></p>
        </section>`,
      });
    },
  );

  const liftProblem = (req: FastifyRequest, reply: FastifyReply, err: unknown, token: string) => {
    if (!(err instanceof LiftError)) throw err;
    return renderPublic(req, reply, {
      title: 'Car share',
      status: err.status,
      body: html`<section class="notice">
        <h1>Car share</h1>
        <p role="alert">${err.message}</p>
        <p><a href="/events/rsvp/manage/${token}">Back</a></p>
      </section>`,
    });
  };

  app.post(
    '/events/rsvp/manage/:token/lift',
    {
      schema: {
        params: tokenParams,
        body: z.object({ kind: formText, seats: formText, note: formText }),
      },
    },
    async (req, reply) => {
      try {
        await postLift(services, req.params.token, req.body);
        return reply.redirect(`/events/rsvp/manage/${req.params.token}#car-share`, 303);
      } catch (err) {
        return liftProblem(req, reply, err, req.params.token);
      }
    },
  );

  app.post(
    '/events/rsvp/manage/:token/lift/:liftId/agree',
    { schema: { params: z.object({ token: z.string().max(100), liftId: positiveId }) } },
    async (req, reply) => {
      try {
        await agreeToLift(services, req.params.token, req.params.liftId);
        return reply.redirect(`/events/rsvp/manage/${req.params.token}#car-share`, 303);
      } catch (err) {
        return liftProblem(req, reply, err, req.params.token);
      }
    },
  );
}
