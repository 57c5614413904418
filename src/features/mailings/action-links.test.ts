import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { createEvent, getEvent } from '../events/events.service.js';
import { eventFormWith } from '../events/events.test-support.js';
import { loadMps, openCampaign } from '../letters/letters.test-support.js';
import { DEFAULT_SETTINGS, saveMailingSettings } from './mailing-settings.js';
import type { MailingForm } from './mailings.service.js';
import {
  SmtpSink,
  addSupporter,
  countRows,
  mailingForm,
  refusedMailing,
  sendMailing,
  tagSegment,
} from './mailings.test-support.js';

const baseUrl = 'http://localhost:3000';

function nextWeek(hour: number): string {
  const d = new Date(Date.now() + 7 * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00`;
}

const eventForm = (title: string) =>
  eventFormWith({ title, startsAt: nextWeek(18), endsAt: nextWeek(20) });

describeEachDatabase('mailings: {{letter_url}} and {{event_url}}', (ctx) => {
  let app: FastifyInstance;
  let sink: SmtpSink;
  let letterSlug: string;
  let letterId: number;
  let eventSlug: string;
  let eventId: number;

  before(async () => {
    sink = new SmtpSink();
    app = await createTestApp(ctx.db, { smtpUrl: await sink.start(), baseUrl });
    await saveMailingSettings(ctx.db, { ...DEFAULT_SETTINGS, capCount: 0, perMinute: 600_000 });
    const campaign = await openCampaign(app, (await loadMps(app)).listId);
    letterSlug = campaign.slug;
    letterId = campaign.id;
    const made = await createEvent(app.services, eventForm('Planning meeting'), null);
    assert.ok(made.ok, JSON.stringify(made));
    eventId = made.ids[0]!;
    eventSlug = (await getEvent(app.services, eventId))!.slug;
  });
  after(async () => {
    await app.close();
    await sink.stop();
  });

  it('refuses {{letter_url}} or {{event_url}} without a chosen page, or a page that is gone: nothing saved', async () => {
    const segment = await tagSegment(app.services, 'nobody');
    const before = await countRows(ctx.db, 'mailings');
    const attempt = (fields: Partial<MailingForm>) => refusedMailing(app.services, segment, fields);
    assert.match(
      (await attempt({ body: 'Write: {{letter_url}}' })).letterCampaignId!,
      /Choose the letter campaign that \{\{letter_url\}\} links to/,
    );
    assert.match(
      (await attempt({ body: 'Come: {{event_url}}' })).eventId!,
      /Choose the event that \{\{event_url\}\} links to/,
    );
    assert.match(
      (await attempt({ body: 'Write: {{letter_url}}', letterCampaignId: '99999' }))
        .letterCampaignId!,
      /no longer exists/,
    );
    assert.match(
      (await attempt({ body: 'Come: {{event_url}}', eventId: 'x' })).eventId!,
      /no longer exists/,
    );
    assert.equal(await countRows(ctx.db, 'mailings'), before);

    // Through the composer: a 422 naming the field, and still nothing saved.
    const staff = await loginAs(app, 'organiser');
    const form = await staff.get('/admin/mailings/new');
    assert.match(form.body, /name="letterCampaignId"/, 'the composer offers letter campaigns');
    assert.match(form.body, /name="eventId"/, 'and events');
    assert.match(form.body, /Planning meeting/);
    const res = await staff.post('/admin/mailings', {
      subject: 'Come along',
      fromName: 'Ada',
      body: 'See you there: {{event_url}}',
      segmentIds: String(segment),
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /Choose the event that/);
    assert.equal(await countRows(ctx.db, 'mailings'), before);
  });

  it('links each reader to the chosen letter campaign and event with the mailing as source, in the preview and the sent message', async () => {
    const ada = await addSupporter(ctx.db, { firstName: 'Ada', tags: ['links'] });
    const segment = await tagSegment(app.services, 'links');
    const form = mailingForm({
      segmentIds: [String(segment)],
      body: 'Write to your MP: {{letter_url}}\n\nThen come along: {{event_url}}',
      letterCampaignId: String(letterId),
      eventId: String(eventId),
    });

    const staff = await loginAs(app, 'organiser');
    await staff.get('/admin/mailings/new');
    const saved = await staff.post('/admin/mailings', { ...form, clickTracking: '' });
    assert.equal(saved.statusCode, 303);
    const id = Number(/\/admin\/mailings\/(\d+)/.exec(saved.headers.location as string)![1]);
    const preview = await staff.get(`/admin/mailings/${id}?as=${encodeURIComponent(ada.email)}`);
    const source = `source=mailing-${id}`;
    assert.ok(preview.body.includes(`${baseUrl}/letters/${letterSlug}?${source}`), 'letter link');
    assert.ok(preview.body.includes(`${baseUrl}/events/${eventSlug}?${source}`), 'event link');
    const edit = await staff.get(`/admin/mailings/${id}/edit`);
    assert.match(
      edit.body,
      new RegExp(`<option value="${eventId}" selected`),
      'the choice is kept when editing',
    );

    const sent = await sendMailing(app, form);
    const [message] = sink.to(ada.email).slice(-1);
    const { text } = await simpleParser(message!.raw);
    assert.ok(text!.includes(`${baseUrl}/letters/${letterSlug}?source=mailing-${sent.id}`));
    assert.ok(text!.includes(`${baseUrl}/events/${eventSlug}?source=mailing-${sent.id}`));
    // Following the link keeps the source on the page's own form.
    const page = await app.inject({ url: `/events/${eventSlug}?source=mailing-${sent.id}` });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`mailing-${sent.id}`));
  });
});
