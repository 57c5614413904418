/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- HAL bodies are walked as the JSON they are (see OsdiBody) */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { type EventForm, createEvent } from '../events/events.service.js';
import { eventFormWith } from '../events/events.test-support.js';
import { cancelRsvp, confirmRsvp } from '../events/rsvp.service.js';
import {
  SmtpSink,
  addSupporter,
  mailingForm,
  runJobs,
  tagSegment,
} from '../mailings/mailings.test-support.js';
import { createMailing, getMailing, scheduleMailing } from '../mailings/mailings.service.js';
import { findPersonByEmail, listConsentHistory, listActivities } from '../people/people.service.js';
import { apiKey, osdiClient, pathOf } from './api.test-support.js';

const clock = new ManualClock(new Date());

/** A London wall-clock time `days` from now at `hour`:00 (the events form's input). */
function inDays(days: number, hour: number): string {
  const d = new Date(clock.now().getTime() + days * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00`;
}

const eventForm = (over: Partial<EventForm> = {}) =>
  eventFormWith({
    type: 'phone_bank',
    title: 'Online phone bank',
    description: 'Calling supporters in **Pudsey**.',
    onlineUrl: 'https://meet.example.org/phone-bank',
    startsAt: inDays(7, 18),
    endsAt: inDays(7, 20),
    ...over,
  });

const person = (email: string) => ({
  given_name: 'Ria',
  family_name: 'Patel',
  email_addresses: [{ address: email }],
  postal_addresses: [{ postal_code: 'ls28 5ab' }],
});

describeEachDatabase('OSDI API: events, attendances and messages', (ctx) => {
  let app: FastifyInstance;
  let sink: SmtpSink;
  before(async () => {
    sink = new SmtpSink();
    const smtpUrl = await sink.start();
    app = await createTestApp(ctx.db, { smtpUrl }, { clock });
  });
  after(async () => {
    await app.close();
    await sink.stop();
  });

  /** The token of the newest `/events/rsvp/<kind>/…` link mailed to `to` in `category`. */
  const mailedLink = async (to: string, category: string, kind: 'confirm' | 'manage') => {
    const mail = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', to)
      .where('category', '=', category)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const m = new RegExp(`/events/rsvp/${kind}/([A-Za-z0-9_-]+)`).exec(mail.text_body);
    assert.ok(m, `no ${kind} link mailed to ${to}`);
    return m[1]!;
  };
  const confirmLink = (to: string) => mailedLink(to, 'events.confirm', 'confirm');

  it('lists and gets events, linked from the entry point, with pages and a modified_date filter', async () => {
    const made = await createEvent(
      app.services,
      eventForm({ repeat: 'weekly', repeatUntil: inDays(21, 0).slice(0, 10) }),
      null,
    );
    assert.ok(made.ok, JSON.stringify(made));
    assert.equal(made.ids.length, 3);
    const { secret } = await apiKey(app, { events: 'read' });
    const osdi = osdiClient(app, secret);

    const entry = await osdi.get('/api/v1');
    const href = entry.json()._links['osdi:events'].href;
    assert.ok(href.endsWith('/api/v1/events'));
    assert.ok(entry.json()._links['osdi:messages']);

    const first = await osdi.get(`${pathOf(href)}?per_page=2`);
    assert.equal(first.status, 200);
    assert.equal(first.json().total_records, 3);
    assert.equal(first.json().total_pages, 2);
    const e = first.json()._embedded['osdi:events'][0];
    assert.equal(e.title, 'Online phone bank');
    assert.equal(e.status, 'confirmed');
    assert.equal(e['rally:type'], 'phone_bank');
    assert.equal(e.total_accepted, 0);
    assert.match(e.identifiers[0], /^rally:event:\d+$/);
    const second = await osdi.get(pathOf(first.json()._links.next.href));
    assert.equal(second.json()._embedded['osdi:events'].length, 1);

    const one = await osdi.get(pathOf(e._links.self.href));
    assert.equal(one.status, 200);
    assert.equal(one.json().name, made.slugs[0]);
    assert.equal((await osdi.get('/api/v1/events/999999')).status, 404);
    assert.equal((await osdi.get('/api/v1/events/abc')).status, 404);

    const future = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const none = await osdi.get(
      `/api/v1/events?filter=${encodeURIComponent(`modified_date gt '${future}'`)}`,
    );
    assert.equal(none.json().total_records, 0);
    const bad = await osdi.get(`/api/v1/events?filter=${encodeURIComponent("title eq 'x'")}`);
    assert.equal(bad.status, 400);
    assert.match(bad.json().error, /Unsupported filter/);

    const write = await osdi.post(`/api/v1/events/${made.ids[0]}/attendances`, {
      person: person('read-only@example.org'),
    });
    assert.equal(write.status, 403, 'a read key cannot RSVP');
    assert.equal((await osdi.get('/api/v1/messages')).status, 403, 'no messages scope');
  });

  it('RSVPs with an embedded person through the event service: pending, then confirmed with consent, source and timeline', async () => {
    const made = await createEvent(app.services, eventForm({ title: 'Leafleting training' }), null);
    assert.ok(made.ok);
    const eventId = made.ids[0]!;
    const onlyEvents = osdiClient(app, (await apiKey(app, { events: 'write' })).secret);
    const refused = await onlyEvents.post(`/api/v1/events/${eventId}/attendances`, {
      person: person('ria@example.org'),
    });
    assert.equal(refused.status, 403);
    assert.match(refused.json().error, /people too/);

    const { secret } = await apiKey(app, { events: 'write', people: 'write' });
    const osdi = osdiClient(app, secret);
    const created = await osdi.post(`/api/v1/events/${eventId}/attendances`, {
      person: person('Ria@Example.org'),
      'rally:source': 'stall:pudsey',
      'rally:consent_wording': 'Email me about events near me.',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json()));
    const a = created.json();
    assert.equal(a.status, 'needs action');
    assert.equal(a['rally:status'], 'pending');
    assert.equal(a['rally:source'], 'stall:pudsey');
    assert.equal(a._links['osdi:person'], undefined, 'no supporter until they confirm');
    assert.equal(
      await findPersonByEmail(app.services.db, 'ria@example.org'),
      undefined,
      'nobody is recorded before confirming',
    );

    const again = await osdi.post(`/api/v1/events/${eventId}/attendances`, {
      person: person('ria@example.org'),
    });
    assert.equal(again.status, 200, 'the same email is one sign-up');
    assert.equal(again.json().identifiers[0], a.identifiers[0]);

    const confirmed = await confirmRsvp(app.services, await confirmLink('ria@example.org'));
    assert.ok(confirmed.ok);
    const self = await osdi.get(pathOf(a._links.self.href));
    assert.equal(self.json().status, 'accepted');
    const personHref = self.json()._links['osdi:person'].href;
    const ria = await findPersonByEmail(app.services.db, 'ria@example.org');
    assert.ok(ria);
    assert.ok(personHref.endsWith(`/people/${ria.id}`));
    const consents = await listConsentHistory(app.services.db, ria.id);
    assert.equal(consents[0]?.wording, 'Email me about events near me.');
    assert.equal(consents[0]?.source, 'stall:pudsey');
    assert.equal(consents[0]?.method, 'api');
    const timeline = await listActivities(app.services.db, ria.id);
    assert.ok(timeline.some((t) => t.kind === 'event.rsvp'));

    const list = await osdi.get(`/api/v1/events/${eventId}/attendances`);
    assert.equal(list.json().total_records, 1);
    const ev = await osdi.get(`/api/v1/events/${eventId}`);
    assert.equal(ev.json().total_accepted, 1);
    const theirs = await osdi.get(`${pathOf(personHref)}/attendances`);
    assert.equal(theirs.json().total_records, 1);
    assert.equal(
      theirs.json()._embedded['osdi:attendances'][0]._links['osdi:event'].href,
      ev.json()._links.self.href,
    );

    const invalid = await osdi.post(`/api/v1/events/${eventId}/attendances`, {
      person: { email_addresses: [{ address: 'no-name@example.org' }] },
    });
    assert.equal(invalid.status, 422);
    assert.match(invalid.json().error, /name/);
    const unknown = await osdi.post(`/api/v1/events/${eventId}/attendances`, {
      person: person('x@example.org'),
      colour: 'red',
    });
    assert.equal(unknown.status, 400);
    assert.equal(
      (await osdi.post('/api/v1/events/999999/attendances', { person: person('y@example.org') }))
        .status,
      404,
    );
    assert.equal((await osdi.get(`/api/v1/events/${eventId}/attendances/999999`)).status, 404);
    assert.equal((await osdi.get(`/api/v1/events/${made.ids[0]! + 1000}/attendances`)).status, 404);
    const after = new Date(clock.now().getTime() + 60_000).toISOString();
    const later = await osdi.get(
      `/api/v1/events/${eventId}/attendances?filter=${encodeURIComponent(`modified_date gt '${after}'`)}`,
    );
    assert.equal(later.json().total_records, 0);
  });

  it('shows a place given from the waiting list to clients polling modified_date', async () => {
    const made = await createEvent(
      app.services,
      eventForm({ title: 'One seat', capacity: '1', waitingList: true }),
      null,
    );
    assert.ok(made.ok);
    const eventId = made.ids[0]!;
    const osdi = osdiClient(app, (await apiKey(app, { events: 'write', people: 'write' })).secret);
    const ids: Record<string, string> = {};
    for (const email of ['seat@example.org', 'queue@example.org']) {
      const r = await osdi.post(`/api/v1/events/${eventId}/attendances`, { person: person(email) });
      assert.equal(r.status, 201);
      ids[email] = pathOf(r.json()._links.self.href);
      assert.ok((await confirmRsvp(app.services, await confirmLink(email))).ok);
    }
    assert.equal((await osdi.get(ids['queue@example.org']!)).json()['rally:status'], 'waiting');

    clock.advance(10 * 60_000);
    const polledAt = new Date(clock.now().getTime() - 1000).toISOString();
    clock.advance(1000);
    const manage = await mailedLink('seat@example.org', 'events.confirmed', 'manage');
    assert.equal((await cancelRsvp(app.services, manage)).ok, true);

    const changed = await osdi.get(
      `/api/v1/events/${eventId}/attendances?filter=${encodeURIComponent(`modified_date gt '${polledAt}'`)}`,
    );
    const statuses = changed
      .json()
      ._embedded['osdi:attendances'].map((a: { 'rally:status': string }) => a['rally:status'])
      .sort();
    assert.deepEqual(statuses, ['cancelled', 'confirmed'], 'the cancel and the promotion');
    const promoted = (await osdi.get(ids['queue@example.org']!)).json();
    assert.equal(promoted['rally:status'], 'confirmed');
    assert.ok(promoted.modified_date > polledAt);
  });

  it('refuses an RSVP to a cancelled or past event with a 409, writing nothing', async () => {
    const past = await createEvent(
      app.services,
      eventForm({ title: 'Yesterday', startsAt: inDays(-1, 10), endsAt: inDays(-1, 12) }),
      null,
    );
    assert.ok(past.ok);
    const osdi = osdiClient(app, (await apiKey(app, { events: 'write', people: 'write' })).secret);
    const r = await osdi.post(`/api/v1/events/${past.ids[0]}/attendances`, {
      person: person('late@example.org'),
    });
    assert.equal(r.status, 409);
    assert.match(r.json().error, /already started or is over/);
    const list = await osdi.get(`/api/v1/events/${past.ids[0]}/attendances`);
    assert.equal(list.json().total_records, 0);
  });

  it('reads mailings as messages: subject, body, status, sent counts; read-only', async () => {
    await addSupporter(app.services.db, { tags: ['api-news'] });
    await addSupporter(app.services.db, { tags: ['api-news'] });
    const segment = await tagSegment(app.services, 'api-news');
    const sent = await createMailing(
      app.services,
      mailingForm({ subject: 'News for you', segmentIds: [String(segment)] }),
      null,
    );
    assert.ok(sent.ok);
    const draft = await createMailing(
      app.services,
      mailingForm({ subject: 'Draft', segmentIds: [String(segment)] }),
      null,
    );
    assert.ok(draft.ok);
    const mailing = await getMailing(app.services, sent.id);
    assert.ok(mailing);
    assert.ok((await scheduleMailing(app.services, { mailing, when: '' }, null)).ok);
    await runJobs(app);

    const osdi = osdiClient(app, (await apiKey(app, { messages: 'read' })).secret);
    const list = await osdi.get('/api/v1/messages?per_page=1');
    assert.equal(list.status, 200);
    assert.equal(list.json().total_records, 2);
    assert.ok(list.json()._links.next);
    const m = (await osdi.get(`/api/v1/messages/${sent.id}`)).json();
    assert.equal(m.subject, 'News for you');
    assert.match(m.message, /sign here/);
    assert.equal(m.status, 'sent');
    assert.equal(m.statistics.sent, 2);
    assert.equal(m.total_targeted, 2);
    assert.ok(m.created_date && m.modified_date && m.sent_start_date);
    const d = (await osdi.get(`/api/v1/messages/${draft.id}`)).json();
    assert.equal(d.status, 'draft');
    assert.equal(d.statistics.sent, 0);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await osdi.get(
      `/api/v1/messages?filter=${encodeURIComponent(`modified_date gt '${future}'`)}`,
    );
    assert.equal(none.json().total_records, 0);
    assert.equal((await osdi.get('/api/v1/messages/999999')).status, 404);
    const write = await osdi.post('/api/v1/messages', { subject: 'x' });
    assert.equal(write.status, 404, `messages are read-only: ${JSON.stringify(write.json())}`);
    assert.equal((await osdi.get('/api/v1/events')).status, 403, 'no events scope');

    const spec = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const paths = Object.keys(spec.json<{ paths: Record<string, unknown> }>().paths);
    for (const p of ['/api/v1/events', '/api/v1/events/{id}/attendances', '/api/v1/messages/{id}'])
      assert.ok(paths.includes(p), `${p} in OpenAPI`);
  });
});
