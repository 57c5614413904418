import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { PUDSEY_CANVASS, eventFormWith } from './events.test-support.js';
import { Worker } from '../../infra/jobs/worker.js';
import { outcomeApplier } from '../cases/cases.service.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { erasePerson, exportPersonData } from '../people/data-rights.service.js';
import { findPersonByEmail, listActivities } from '../people/people.service.js';
import { assignToSeat } from '../field/allocation.service.js';
import {
  type EventForm,
  attendancesOfPerson,
  checkInRecord,
  createEvent,
  getEvent,
  listEventSummaries,
  removeFromHosting,
} from './events.service.js';

const clock = new ManualClock('2026-06-01T09:00:00Z');

const form = (over: Partial<EventForm> = {}) =>
  eventFormWith({
    ...PUDSEY_CANVASS,
    title: 'Pudsey doorstep session',
    description: 'Meet at the **library**.',
    startsAt: '2026-06-06T10:00',
    endsAt: '2026-06-06T12:00',
    ...over,
  });

/** The form as a browser posts it: an unticked box is not sent. */
const posted = (f: EventForm): Record<string, string> => {
  const { waitingList, ...rest } = f;
  return waitingList ? { ...rest, waitingList: '1' } : rest;
};

describeEachDatabase('events: sessions, RSVPs, waiting lists, reminders, check-in', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    await loadUkConstituencies(ctx.db);
    app = await createTestApp(ctx.db, {}, { clock });
  });
  after(() => app.close());

  const mailsTo = (to: string, category?: string) => {
    let q = ctx.db.kysely.selectFrom('mail_outbox').selectAll().where('to_address', '=', to);
    if (category) q = q.where('category', '=', category);
    return q.orderBy('id').execute();
  };
  const linkIn = async (to: string, kind: 'confirm' | 'manage', category: string) => {
    const mails = await mailsTo(to, category);
    const text = mails.at(-1)?.text_body ?? '';
    const m = new RegExp(`/events/rsvp/${kind}/([A-Za-z0-9_-]+)`).exec(text);
    assert.ok(m, `no ${kind} link mailed to ${to}: ${text}`);
    return m[1]!;
  };
  const make = async (over: Partial<EventForm> = {}) => {
    const r = await createEvent(app.services, form(over), null);
    assert.ok(r.ok, JSON.stringify(r));
    return { id: r.ids[0]!, slug: r.slugs[0]! };
  };
  /** Signs up and confirms through the public pages, as a volunteer does. */
  let visitor = 0;
  const signUp = async (slug: string, email: string, extra: Record<string, string> = {}) => {
    // Each volunteer on a device of their own (the sign-up form is rate-limited per address).
    visitor += 1;
    const client = new TestClient(app, { remoteAddress: `10.9.${visitor >> 8}.${visitor & 255}` });
    await client.get(`/events/${slug}`);
    const res = await client.post(`/events/${slug}/rsvp`, {
      name: 'Sam Volunteer',
      email,
      postcode: 'LS28 5AB',
      ...extra,
    });
    assert.equal(res.statusCode, 201, res.body.slice(0, 2000));
    const token = await linkIn(email, 'confirm', 'events.confirm');
    await client.get(`/events/rsvp/confirm/${token}`);
    return { client, confirm: await client.post(`/events/rsvp/confirm/${token}`) };
  };

  it('derives the seat from the postcode and refuses bad events with field messages, saving nothing', async () => {
    const { id } = await make();
    const e = await getEvent(app.services, id);
    assert.equal(e?.seatCode, 'E14000886');
    assert.equal(e?.startsAt, '2026-06-06T09:00:00.000Z', '10:00 UK summer time');
    const before = (await ctx.db.kysely.selectFrom('events').select('id').execute()).length;
    const bad = async (over: Partial<EventForm>, field: string, message: RegExp) => {
      const r = await createEvent(app.services, form(over), null);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.errors[field] ?? '', message);
    };
    await bad({ endsAt: '2026-06-06T09:00' }, 'endsAt', /must end after it starts/);
    await bad({ capacity: '0' }, 'capacity', /whole number from 1/);
    await bad({ capacity: '-5' }, 'capacity', /whole number from 1/);
    await bad({ postcode: 'QQ9 9QQ' }, 'postcode', /could not find the postcode district/);
    await bad({ postcode: '', onlineUrl: '' }, 'postcode', /postcode, or an online link/);
    await bad({ type: 'party' }, 'type', /Choose a type/);
    await bad(
      { startsAt: '2026-03-29T01:30', endsAt: '2026-03-29T03:00' },
      'startsAt',
      /does not exist in the UK/,
    );
    assert.equal((await ctx.db.kysely.selectFrom('events').select('id').execute()).length, before);

    const organiser = await loginAs(app, 'organiser');
    await organiser.get('/admin/events/new');
    const res = await organiser.post('/admin/events', posted(form({ capacity: '0' })));
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /Capacity is a whole number from 1/);
  });

  it('makes a weekly series of separate occurrences at the same UK time across the clock change, each editable and cancellable', async () => {
    const r = await createEvent(
      app.services,
      form({
        title: 'Saturday canvass',
        startsAt: '2026-10-17T10:00',
        endsAt: '2026-10-17T12:00',
        repeat: 'weekly',
        repeatUntil: '2026-11-07',
      }),
      null,
    );
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.ids.length, 4);
    const starts = await Promise.all(
      r.ids.map(async (id) => (await getEvent(app.services, id))!.startsAt),
    );
    // BST until 25 October, GMT after: 10:00 in London both sides.
    assert.deepEqual(starts, [
      '2026-10-17T09:00:00.000Z',
      '2026-10-24T09:00:00.000Z',
      '2026-10-31T10:00:00.000Z',
      '2026-11-07T10:00:00.000Z',
    ]);
    const organiser = await loginAs(app, 'organiser');
    await organiser.get(`/admin/events/${r.ids[1]}/edit`);
    const edited = await organiser.post(
      `/admin/events/${r.ids[1]}`,
      posted(
        form({
          title: 'Saturday canvass (moved to the station)',
          startsAt: '2026-10-24T11:00',
          endsAt: '2026-10-24T13:00',
        }),
      ),
    );
    assert.equal(edited.statusCode, 303);
    // Someone going to the third and fourth: only the cancelled one's place is called off.
    clock.set('2026-10-01T09:00:00Z');
    await signUp(r.slugs[2]!, 'series@example.org');
    await signUp(r.slugs[3]!, 'series@example.org');
    await organiser.get(`/admin/events/${r.ids[2]}`);
    assert.equal((await organiser.post(`/admin/events/${r.ids[2]}/cancel`)).statusCode, 303);
    const seriesPage = await organiser.get(`/admin/events/${r.ids[3]}`);
    assert.match(seriesPage.body, /Other sessions in this series \(3\)/);
    assert.match(
      seriesPage.body,
      new RegExp(`href="/admin/events/${r.ids[2]}">[^<]*</a>\\s*\\(cancelled\\)`),
    );
    const cancelMails = await mailsTo('series@example.org', 'events.cancelled');
    assert.equal(cancelMails.length, 1);
    assert.match(cancelMails[0]!.text_body ?? '', /31 October/);
    const fourth = await getEvent(app.services, r.ids[3]!);
    assert.equal(fourth?.confirmed, 1, 'the next week still counts its place');
    clock.set('2026-06-01T09:00:00Z');
    const after = await Promise.all(r.ids.map((id) => getEvent(app.services, id)));
    assert.deepEqual(
      after.map((e) => [e!.title, e!.status]),
      [
        ['Saturday canvass', 'scheduled'],
        ['Saturday canvass (moved to the station)', 'scheduled'],
        ['Saturday canvass', 'cancelled'],
        ['Saturday canvass', 'scheduled'],
      ],
    );
    assert.equal(after[1]!.startsAt, '2026-10-24T10:00:00.000Z');
    assert.ok(
      r.ids.every(
        (_, i) => after[i]!.seriesId === after[0]!.seriesId && after[0]!.seriesId !== null,
      ),
    );
  });

  it('takes an RSVP only after the email confirmation, once per email, onto the person timeline', async () => {
    const { slug, id } = await make({ title: 'Phone bank', type: 'phone_bank' });
    const client = new TestClient(app);
    await client.get(`/events/${slug}`);
    const first = await client.post(`/events/${slug}/rsvp`, {
      name: 'Ada Lovelace',
      email: 'ada@example.org',
      postcode: 'LS28 5AB',
      consent: '1',
    });
    assert.equal(first.statusCode, 201);
    assert.equal(
      (await getEvent(app.services, id))!.confirmed,
      0,
      'not counted before confirmation',
    );
    assert.equal(await findPersonByEmail(ctx.db, 'ada@example.org'), undefined);
    const again = await client.post(`/events/${slug}/rsvp`, {
      name: 'Ada Lovelace',
      email: 'ADA@example.org',
      postcode: 'LS28 5AB',
    });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /already signed up and waiting to be confirmed/);
    assert.equal(
      (
        await ctx.db.kysely
          .selectFrom('event_rsvps')
          .select('id')
          .where('event_id', '=', id)
          .execute()
      ).length,
      1,
    );
    const token = await linkIn('ada@example.org', 'confirm', 'events.confirm');
    const page = await client.get(`/events/rsvp/confirm/${token}`);
    assert.equal(page.statusCode, 200);
    assert.equal(
      (await getEvent(app.services, id))!.confirmed,
      0,
      'opening the link changes nothing',
    );
    const done = await client.post(`/events/rsvp/confirm/${token}`);
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /You are going!/);
    assert.match(done.body, /Bring a friend/);
    assert.equal((await getEvent(app.services, id))!.confirmed, 1);
    const [placeMail] = await mailsTo('ada@example.org', 'events.confirmed');
    const [ics] = JSON.parse(placeMail?.attachments ?? '[]') as {
      filename: string;
      contentType: string;
      content: string;
    }[];
    assert.equal(ics?.filename, `${slug}.ics`);
    assert.match(
      ics?.content ?? '',
      /^BEGIN:VCALENDAR[\s\S]*SUMMARY:Phone bank[\s\S]*END:VCALENDAR\r\n$/,
    );
    const person = await findPersonByEmail(ctx.db, 'ada@example.org');
    assert.ok(person);
    const timeline = await listActivities(ctx.db, person.id);
    assert.ok(timeline.some((a) => a.kind === 'event.rsvp'));
    const dup = await client.post(`/events/${slug}/rsvp`, {
      name: 'Ada',
      email: 'ada@example.org',
      postcode: 'LS28 5AB',
    });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.body, /one place per person/);
    const bad = await client.post(`/events/${slug}/rsvp`, {
      name: '',
      email: 'nope',
      postcode: 'xx',
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Give your name/);
  });

  it('credits a friend brought through the share link', async () => {
    const { slug, id } = await make({ title: 'Stall', type: 'stall' });
    const { confirm } = await signUp(slug, 'inviter@example.org');
    const share = /\?ref=([A-Za-z0-9_-]{12})/.exec(confirm.body)?.[1];
    assert.ok(share);
    await signUp(slug, 'friend@example.org', { ref: share });
    const rows = await ctx.db.kysely
      .selectFrom('event_rsvps')
      .select(['email', 'referred_by', 'id'])
      .where('event_id', '=', id)
      .orderBy('id')
      .execute();
    assert.equal(rows[1]!.referred_by, rows[0]!.id);
  });

  it('reports who invited whom, crediting sign-ups by share link or emailed invitation to each inviter', async () => {
    const { slug, id } = await make({ title: 'Friends canvass' });
    const inviter = await signUp(slug, 'ina@example.org', { name: 'Ina Inviter' });
    const token = await linkIn('ina@example.org', 'manage', 'events.confirmed');
    const invite = async (friend: string) => {
      await inviter.client.get(`/events/rsvp/manage/${token}`);
      return inviter.client.post(`/events/rsvp/manage/${token}/invite`, { friend });
    };
    assert.equal((await invite('fay@example.org')).statusCode, 200);
    assert.equal((await invite('gus@example.org')).statusCode, 200);
    const twice = await invite('FAY@example.org');
    assert.equal(twice.statusCode, 409);
    assert.match(twice.body, /already invited that friend/);
    assert.equal((await mailsTo('fay@example.org', 'events.invite')).length, 1);
    const own = await invite('ina@example.org');
    assert.equal(own.statusCode, 422);

    // Fay signs up from the event page without the link: her invitation still credits Ina.
    await signUp(slug, 'fay@example.org', { name: 'Fay Friend' });
    const share = /\?ref=([A-Za-z0-9_-]{12})/.exec(inviter.confirm.body)?.[1];
    assert.ok(share);
    await signUp(slug, 'hal@example.org', { name: 'Hal Linked', ref: share });
    await signUp(slug, 'solo@example.org', { name: 'Solo Volunteer' });

    const organiser = await loginAs(app, 'viewer');
    const page = await organiser.get(`/admin/events/${id}`);
    assert.equal(page.statusCode, 200);
    const totals =
      /data-testid="friend-totals">([^<]*)</.exec(page.body)?.[1] ?? page.body.slice(-3000);
    assert.match(
      totals.replace(/\s+/g, ' '),
      /2 invitations emailed · 2 friends signed up · 0 came/,
    );
    const section = page.body.split('id="bring-a-friend"')[1] ?? '';
    const row = /<tr>\s*<th scope="row">Ina Inviter<\/th>([\s\S]*?)<\/tr>/.exec(section)?.[1] ?? '';
    assert.match(row, />\s*2\s*<\/td>\s*<td class="num">\s*2\s*</, 'two emailed, two signed up');
    assert.match(row, /Fay Friend\s+\(going\)/);
    assert.match(row, /Hal Linked\s+\(going\)/);
    assert.doesNotMatch(section, /Solo Volunteer/, 'nobody brought Solo');
    assert.doesNotMatch(section, /gus@example\.org/, 'invited addresses are not kept');

    const summary = await organiser.get('/admin/events/friends');
    assert.equal(summary.statusCode, 200);
    const line = new RegExp(
      `href="/admin/events/${id}#bring-a-friend">Friends canvass</a>[\\s\\S]*?</tr>`,
    ).exec(summary.body)?.[0];
    assert.ok(line, 'the event is in the summary');
    const cells = [...line.matchAll(/<td class="num">\s*(\d+)\s*<\/td>/g)].map((m) => Number(m[1]));
    // Inviters, invitations emailed, friends signed up, came, all sign-ups.
    assert.deepEqual(cells, [1, 2, 2, 0, 4]);

    // Fay asks to be erased: her invitation goes, her place stays counted without her name.
    const fay = await findPersonByEmail(ctx.db, 'fay@example.org');
    assert.ok(fay);
    await erasePerson(app.services, fay.id, null);
    const afterErasure = await organiser.get(`/admin/events/${id}`);
    assert.doesNotMatch(afterErasure.body, /Fay Friend/);
    const left = /data-testid="friend-totals">([^<]*)</.exec(afterErasure.body)?.[1] ?? '';
    assert.match(left.replace(/\s+/g, ' '), /1 invitation emailed · 2 friends signed up/);
  });

  it('puts people on the waiting list when full and promotes the first one, with an email, when someone cancels', async () => {
    const { slug, id } = await make({
      title: 'Small training',
      type: 'training',
      capacity: '1',
      waitingList: true,
    });
    const { client, confirm } = await signUp(slug, 'first@example.org');
    assert.match(confirm.body, /You are going/);
    const second = await signUp(slug, 'second@example.org');
    assert.match(second.confirm.body, /on the waiting list/);
    const third = await signUp(slug, 'third@example.org');
    assert.match(third.confirm.body, /on the waiting list/);
    let e = await getEvent(app.services, id);
    assert.deepEqual([e!.confirmed, e!.waiting], [1, 2]);

    const manage = await linkIn('first@example.org', 'manage', 'events.confirmed');
    await client.get(`/events/rsvp/manage/${manage}`);
    const cancelled = await client.post(`/events/rsvp/manage/${manage}/cancel`);
    assert.equal(cancelled.statusCode, 200);
    e = await getEvent(app.services, id);
    assert.deepEqual([e!.confirmed, e!.waiting], [1, 1]);
    const promoted = await mailsTo('second@example.org', 'events.promoted');
    assert.equal(promoted.length, 1, 'the longest-waiting person is told');
    assert.equal((await mailsTo('third@example.org', 'events.promoted')).length, 0);
  });

  it('refuses RSVPs to full events without a waiting list, past and cancelled events', async () => {
    const full = await make({ title: 'Tiny meeting', type: 'meeting', capacity: '1' });
    const gone = await make({ title: 'Called off' });
    const client = new TestClient(app);
    // The form's token, taken while the events were open: a closed event shows no form.
    await client.get(`/events/${gone.slug}`);
    await signUp(full.slug, 'only@example.org');
    const res = await client.post(`/events/${full.slug}/rsvp`, {
      name: 'Late',
      email: 'late@example.org',
      postcode: 'LS28 5AB',
    });
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /full/);
    const past = await make({
      title: 'Yesterday',
      startsAt: '2026-05-31T10:00',
      endsAt: '2026-05-31T11:00',
    });
    const p = await client.post(`/events/${past.slug}/rsvp`, {
      name: 'Late',
      email: 'late@example.org',
      postcode: 'LS28 5AB',
    });
    assert.equal(p.statusCode, 409);
    assert.match(p.body, /already started or is over/);
    const organiser = await loginAs(app, 'organiser');
    await organiser.get(`/admin/events/${gone.id}`);
    await organiser.post(`/admin/events/${gone.id}/cancel`);
    const c = await client.post(`/events/${gone.slug}/rsvp`, {
      name: 'Late',
      email: 'late@example.org',
      postcode: 'LS28 5AB',
    });
    assert.equal(c.statusCode, 409);
    assert.match(c.body, /cancelled/);
    assert.equal(
      (
        await ctx.db.kysely
          .selectFrom('event_rsvps')
          .select('id')
          .where('email', '=', 'late@example.org')
          .execute()
      ).length,
      0,
    );
  });

  it('emails everyone when an event is cancelled', async () => {
    const { slug, id } = await make({ title: 'Hustings', type: 'hustings' });
    await signUp(slug, 'h1@example.org');
    await signUp(slug, 'h2@example.org');
    const organiser = await loginAs(app, 'organiser');
    await organiser.get(`/admin/events/${id}`);
    const res = await organiser.post(`/admin/events/${id}/cancel`);
    assert.equal(res.statusCode, 303);
    assert.equal((await mailsTo('h1@example.org', 'events.cancelled')).length, 1);
    assert.equal((await mailsTo('h2@example.org', 'events.cancelled')).length, 1);
  });

  it('sends reminders 24 hours and 2 hours before, once each, and none after a cancellation', async () => {
    const { slug } = await make({
      title: 'Reminder canvass',
      startsAt: '2026-06-03T18:00',
      endsAt: '2026-06-03T20:00',
    });
    await signUp(slug, 'remind@example.org');
    await signUp(slug, 'dropout@example.org');
    const dropClient = new TestClient(app);
    const manage = await linkIn('dropout@example.org', 'manage', 'events.confirmed');
    await dropClient.get(`/events/rsvp/manage/${manage}`);
    await dropClient.post(`/events/rsvp/manage/${manage}/cancel`);
    const run = (at: string) => {
      clock.set(at);
      return new Worker(app.services.jobs, { now: () => clock.now() }).runUntilIdle();
    };
    await run('2026-06-02T16:00:00Z'); // 25 h before 17:00Z: nothing yet
    assert.equal((await mailsTo('remind@example.org', 'events.reminder-24h')).length, 0);
    await run('2026-06-02T17:00:00Z');
    assert.equal((await mailsTo('remind@example.org', 'events.reminder-24h')).length, 1);
    assert.equal((await mailsTo('remind@example.org', 'events.reminder-2h')).length, 0);
    await run('2026-06-03T15:00:00Z');
    assert.equal((await mailsTo('remind@example.org', 'events.reminder-24h')).length, 1);
    assert.equal((await mailsTo('remind@example.org', 'events.reminder-2h')).length, 1);
    assert.equal((await mailsTo('dropout@example.org', 'events.reminder-24h')).length, 0);
    clock.set('2026-06-01T09:00:00Z');

    // Moved a day later after sign-up: the reminder waits for the new time.
    const moved = await make({
      title: 'Moved canvass',
      startsAt: '2026-06-03T18:00',
      endsAt: '2026-06-03T20:00',
    });
    await signUp(moved.slug, 'moved@example.org');
    const organiser = await loginAs(app, 'organiser');
    await organiser.get(`/admin/events/${moved.id}/edit`);
    const edit = await organiser.post(
      `/admin/events/${moved.id}`,
      posted(
        form({ title: 'Moved canvass', startsAt: '2026-06-04T18:00', endsAt: '2026-06-04T20:00' }),
      ),
    );
    assert.equal(edit.statusCode, 303);
    await run('2026-06-02T17:00:00Z');
    assert.equal((await mailsTo('moved@example.org', 'events.reminder-24h')).length, 0);
    await run('2026-06-03T17:00:00Z');
    assert.equal((await mailsTo('moved@example.org', 'events.reminder-24h')).length, 1);
    clock.set('2026-06-01T09:00:00Z');
  });

  it('serves valid iCalendar for one event and a per-seat feed', async () => {
    const { slug } = await make({
      title: 'Calendar canvass',
      description: 'Bring, boots; and a flask',
    });
    const client = new TestClient(app);
    const one = await client.get(`/events/${slug}.ics`);
    assert.equal(one.statusCode, 200);
    assert.match(one.headers['content-type'] as string, /^text\/calendar/);
    const text = one.body;
    assert.match(text, /^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n/);
    assert.match(text, /\r\nEND:VCALENDAR\r\n$/);
    assert.match(text, /DTSTART:20260606T090000Z/);
    assert.match(text, /DTEND:20260606T110000Z/);
    assert.match(text, /SUMMARY:Calendar canvass/);
    assert.match(text, /Bring\\, boots\\; and a flask/, 'commas and semicolons escaped');
    assert.ok(
      text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75),
      'lines folded at 75 octets',
    );
    const feed = await client.get('/events/seat/E14000886.ics');
    assert.equal(feed.statusCode, 200);
    assert.match(feed.body, /X-WR-CALNAME:Events in Pudsey/);
    assert.ok((feed.body.match(/BEGIN:VEVENT/g) ?? []).length >= 2);
    assert.equal((await client.get('/events/seat/E14999999.ics')).statusCode, 404);
    const empty = await client.get('/events/seat/S14000001.ics');
    assert.match(empty.body, /^BEGIN:VCALENDAR[\s\S]*END:VCALENDAR\r\n$/);
  });

  it('publishes /events.json without personal data, and lists by type, seat and distance', async () => {
    const client = new TestClient(app);
    const res = await client.get('/events.json');
    assert.equal(res.statusCode, 200);
    const text = res.body;
    assert.ok(!/@example\.org/.test(text), 'no email address');
    assert.ok(!/Sam Volunteer|Ada/.test(text), 'no attendee name');
    const events = res.json<{ events: { type: string; seat: { code: string } | null }[] }>().events;
    assert.ok(events.length > 0);
    const byType = await client.get('/events?type=phone_bank');
    assert.match(byType.body, /Phone bank/);
    assert.doesNotMatch(byType.body, /Pudsey doorstep session/);
    const near = await client.get('/events?postcode=LS28+5AB&within=5');
    assert.match(near.body, /km away/);
    const far = await client.get('/events?postcode=SW1A+1AA&within=5');
    assert.match(far.body, /No events match/);
    const badSeat = await client.get('/events?seat=E14999999');
    assert.equal(badSeat.statusCode, 400);
    const listed = await listEventSummaries(app.services, {});
    assert.ok(listed.every((e) => e.visibility === 'public' && e.status === 'scheduled'));
  });

  it('filters the list by date, and answers an unknown seat, type or date with a 400', async () => {
    await make({
      title: 'Early June canvass',
      startsAt: '2026-06-02T10:00',
      endsAt: '2026-06-02T12:00',
    });
    await make({
      title: 'Late June canvass',
      startsAt: '2026-06-20T10:00',
      endsAt: '2026-06-20T12:00',
    });
    const client = new TestClient(app);
    const later = await client.get('/events?from=2026-06-10');
    assert.equal(later.statusCode, 200);
    assert.match(later.body, /Late June canvass/);
    assert.doesNotMatch(later.body, /Early June canvass/);
    const lower = await client.get('/events?seat=e14000886');
    assert.equal(lower.statusCode, 200);
    assert.match(lower.body, /Early June canvass/);
    for (const [query, message] of [
      ['seat=E14999999', /There is no such seat/],
      ['seat=Pudsey', /There is no such seat/],
      ['type=party', /Choose a type of event/],
      ['from=12%2F06%2F2026', /Give the date like 2026-06-12/],
    ] as const) {
      const res = await client.get(`/events?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.match(res.body, message);
      assert.doesNotMatch(res.body, /June canvass/, `${query} lists nothing`);
    }
    assert.equal((await client.get('/events?within=7')).statusCode, 400);
  });

  it('lets a host check people in from the list, add walk-ins, and counts no-shows', async () => {
    const { slug, id } = await make({
      title: 'Check-in canvass',
      startsAt: '2026-06-01T11:00',
      endsAt: '2026-06-01T13:00',
    });
    await signUp(slug, 'present@example.org');
    await signUp(slug, 'absent@example.org');
    const host = await loginAs(app, 'moderator');
    const page = await host.get(`/admin/events/${id}`);
    assert.match(page.body, /2 going · 0 checked in/);
    const rsvp = await ctx.db.kysely
      .selectFrom('event_rsvps')
      .select('id')
      .where('email', '=', 'present@example.org')
      .where('event_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(
      (await host.post(`/admin/events/${id}/check-in`, { rsvpId: String(rsvp.id) })).statusCode,
      303,
    );
    const walkIn = await host.post(`/admin/events/${id}/walk-in`, {
      name: 'Wally Walkin',
      email: 'wally@example.org',
      postcode: '',
      phone: '',
    });
    assert.equal(walkIn.statusCode, 303);
    const noName = await host.post(`/admin/events/${id}/walk-in`, {
      name: '',
      email: '',
      postcode: '',
      phone: '',
    });
    assert.equal(noName.statusCode, 422);
    clock.set('2026-06-01T13:00:00Z');
    const after = await host.get(`/admin/events/${id}`);
    assert.match(after.body, /3 going · 2 checked in · 0 waiting · 1 no-show</);
    clock.set('2026-06-01T09:00:00Z');
    const present = await findPersonByEmail(ctx.db, 'present@example.org');
    assert.ok((await listActivities(ctx.db, present!.id)).some((a) => a.kind === 'event.attended'));
    const wally = await findPersonByEmail(ctx.db, 'wally@example.org');
    assert.ok((await listActivities(ctx.db, wally!.id)).some((a) => a.kind === 'event.attended'));
  });

  it('matches lifts by session and shows contact details only after both agree', async () => {
    const { slug } = await make({ title: 'Lift canvass' });
    const driver = await signUp(slug, 'driver@example.org', {
      name: 'Dee Driver',
      phone: '07700 900001',
    });
    const rider = await signUp(slug, 'rider@example.org', {
      name: 'Rey Rider',
      phone: '07700 900002',
    });
    const dToken = await linkIn('driver@example.org', 'manage', 'events.confirmed');
    const rToken = await linkIn('rider@example.org', 'manage', 'events.confirmed');
    await driver.client.get(`/events/rsvp/manage/${dToken}`);
    assert.equal(
      (
        await driver.client.post(`/events/rsvp/manage/${dToken}/lift`, {
          kind: 'offer',
          seats: '3',
          note: '',
        })
      ).statusCode,
      303,
    );
    await rider.client.get(`/events/rsvp/manage/${rToken}`);
    assert.equal(
      (
        await rider.client.post(`/events/rsvp/manage/${rToken}/lift`, {
          kind: 'request',
          seats: '1',
          note: '',
        })
      ).statusCode,
      303,
    );
    const bad = await rider.client.post(`/events/rsvp/manage/${rToken}/lift`, {
      kind: 'request',
      seats: '0',
      note: '',
    });
    assert.equal(bad.statusCode, 422);

    const riderSees = await rider.client.get(`/events/rsvp/manage/${rToken}`);
    assert.match(riderSees.body, /A driver with 3 seats from LS28/);
    assert.doesNotMatch(riderSees.body, /Dee Driver|driver@example\.org|07700 900001/);
    const liftId = /manage\/[^/]+\/lift\/(\d+)\/agree/.exec(riderSees.body)?.[1];
    assert.ok(liftId);
    await rider.client.post(`/events/rsvp/manage/${rToken}/lift/${liftId}/agree`);
    const waiting = await rider.client.get(`/events/rsvp/manage/${rToken}`);
    assert.match(waiting.body, /Waiting for them to agree/);
    assert.doesNotMatch(waiting.body, /Dee Driver|driver@example\.org/);
    const driverSees = await driver.client.get(`/events/rsvp/manage/${dToken}`);
    assert.match(driverSees.body, /They would like to share/);
    assert.doesNotMatch(driverSees.body, /Rey Rider|rider@example\.org|07700 900002/);
    assert.equal((await mailsTo('driver@example.org', 'events.lift')).length, 1);
    const [proposal] = await mailsTo('driver@example.org', 'events.lift');
    assert.doesNotMatch(proposal?.text_body ?? '', /Rey Rider|rider@example\.org|07700 900002/);
    assert.equal((await mailsTo('driver@example.org', 'events.lift-agreed')).length, 0);
    assert.equal((await mailsTo('rider@example.org', 'events.lift-agreed')).length, 0);
    const back = /manage\/[^/]+\/lift\/(\d+)\/agree/.exec(driverSees.body)?.[1];
    await driver.client.post(`/events/rsvp/manage/${dToken}/lift/${back}/agree`);
    // Both have agreed: each is emailed the other's contact details, once.
    const [toDriver] = await mailsTo('driver@example.org', 'events.lift-agreed');
    assert.match(
      toDriver?.text_body ?? '',
      /Rey Rider[\s\S]*rider@example\.org[\s\S]*07700 900002/,
    );
    const [toRider] = await mailsTo('rider@example.org', 'events.lift-agreed');
    assert.match(
      toRider?.text_body ?? '',
      /Dee Driver[\s\S]*driver@example\.org[\s\S]*07700 900001/,
    );
    assert.match(toRider?.text_body ?? '', /will drive you \(from LS28\)/);
    await driver.client.get(`/events/rsvp/manage/${dToken}`);
    await driver.client.post(`/events/rsvp/manage/${dToken}/lift/${back}/agree`);
    assert.equal((await mailsTo('driver@example.org', 'events.lift-agreed')).length, 1);
    assert.equal((await mailsTo('rider@example.org', 'events.lift-agreed')).length, 1);
    const agreedDriver = await driver.client.get(`/events/rsvp/manage/${dToken}`);
    assert.match(agreedDriver.body, /Contact Rey Rider:\s*<a href="mailto:rider@example\.org">/);
    const agreedRider = await rider.client.get(`/events/rsvp/manage/${rToken}`);
    assert.match(agreedRider.body, /Contact Dee Driver/);
    assert.match(agreedRider.body, /07700 900001/);

    // Someone at another session cannot see or take these lifts.
    const elsewhere = await make({ title: 'Other canvass' });
    await signUp(elsewhere.slug, 'stranger@example.org');
    const sToken = await linkIn('stranger@example.org', 'manage', 'events.confirmed');
    const stranger = new TestClient(app);
    await stranger.get(`/events/rsvp/manage/${sToken}`);
    await stranger.post(`/events/rsvp/manage/${sToken}/lift`, {
      kind: 'request',
      seats: '1',
      note: '',
    });
    const theirView = await stranger.get(`/events/rsvp/manage/${sToken}`);
    assert.doesNotMatch(theirView.body, /A driver with 3 seats/);
    const steal = await stranger.post(`/events/rsvp/manage/${sToken}/lift/${liftId}/agree`);
    assert.equal(steal.statusCode, 404);
  });

  it('reaches RSVPs, lifts and seat allocations in a person export and erasure', async () => {
    const { slug, id } = await make({ title: 'Data rights canvass' });
    await signUp(slug, 'zed@example.org', { name: 'Zed Quintessential', phone: '07700 900999' });
    const person = await findPersonByEmail(ctx.db, 'zed@example.org');
    assert.ok(person);
    await assignToSeat(
      app.services,
      { seatCode: 'E14000886', staffUserId: '', personEmail: 'zed@example.org', hours: '3' },
      null,
    );
    const exported = await exportPersonData(app.services, person.id, null);
    assert.match(JSON.stringify(exported.other.events), /Data rights canvass/);
    assert.match(JSON.stringify(exported.other.field), /E14000886/);
    await erasePerson(app.services, person.id, null);
    const rows = await ctx.db.kysely
      .selectFrom('event_rsvps')
      .selectAll()
      .where('event_id', '=', id)
      .execute();
    assert.equal(rows.length, 1, 'the place still counts');
    assert.ok(
      !JSON.stringify(rows).includes('Quintessential') &&
        !JSON.stringify(rows).includes('zed@example.org') &&
        !JSON.stringify(rows).includes('900999'),
    );
    const allocations = await ctx.db.kysely
      .selectFrom('field_allocations')
      .select('id')
      .where('person_id', '=', person.id)
      .execute();
    assert.equal(allocations.length, 0);
  });

  it('gives other features a person’s attendances, a check-in record, and a way to stop someone hosting', async () => {
    const { slug, id } = await make({
      title: 'API canvass',
      startsAt: '2026-06-01T11:00',
      endsAt: '2026-06-01T13:00',
      hostName: 'Harriet Host',
    });
    await signUp(slug, 'api@example.org');
    const person = await findPersonByEmail(ctx.db, 'api@example.org');
    assert.ok(person);
    const rsvp = await ctx.db.kysely
      .selectFrom('event_rsvps')
      .select('id')
      .where('event_id', '=', id)
      .executeTakeFirstOrThrow();
    const host = await loginAs(app, 'moderator');
    await host.get(`/admin/events/${id}`);
    await host.post(`/admin/events/${id}/check-in`, { rsvpId: String(rsvp.id) });
    const attended = await attendancesOfPerson(app.services, person);
    assert.deepEqual(
      attended.map((a) => [a.eventSlug, a.status, a.attended]),
      [[slug, 'confirmed', true]],
    );
    const record = await checkInRecord(app.services, rsvp.id);
    assert.equal(record?.personId, person.id);
    assert.equal(record?.event.slug, slug);
    assert.ok(record?.checkedInAt);
    const page = await host.get(`/admin/events/${id}`);
    assert.match(
      page.body,
      new RegExp(`/admin/cases/new\\?source=event_checkin&amp;ref=${rsvp.id}`),
    );
    assert.equal(await removeFromHosting(app.services, { name: 'harriet host' }, null), 1);
    assert.equal((await getEvent(app.services, id))?.hostName, null);
  });

  it('removes the respondent from hosting when a conduct case decides so', async () => {
    const { id } = await make({ title: 'Hosted canvass', hostName: 'Rita Respondent' });
    const applier = outcomeApplier('role_removal');
    assert.ok(applier, 'the events feature registers the role-removal outcome');
    const said = await applier(
      app.services,
      {
        caseId: 1,
        respondentName: 'Rita Respondent',
        respondentEmail: null,
        respondentPersonId: null,
        reasons: 'Harassed volunteers at the stall.',
      },
      null,
    );
    assert.match(said, /removed as host of 1 event/);
    assert.equal((await getEvent(app.services, id))?.hostName, null);
  });
});
