import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { HOLD_FOR_REVIEW, withCivilityThresholds } from '../../../test/helpers/civility.js';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { DOMAIN_EVENT_TYPES } from '../../infra/events/domain-events.js';
import { Worker } from '../../infra/jobs/worker.js';
import {
  confirmationLink as commentLink,
  newThread,
  uniqueEmail,
} from '../comments/comments.test-support.js';
import { confirmComment, submitComment } from '../comments/posting.service.js';
import { createEvent } from '../events/events.service.js';
import { confirmRsvp, submitRsvp } from '../events/rsvp.service.js';
import { confirmLetter, submitLetter } from '../letters/letters.service.js';
import {
  letterForm,
  loadMps,
  openCampaign,
  tokenFromMail,
} from '../letters/letters.test-support.js';
import { recordConsent, upsertPerson } from '../people/people.service.js';
import {
  confirmByButton,
  confirmationLink as signatureLink,
  publishedPetition,
  sign,
  visitor,
} from '../petitions/petitions.test-support.js';
import { registerEndpoint } from './webhooks.service.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real receiver on a loopback port that keeps every POST. */
async function receiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise((r) => server.close(r)) };
}

function verify(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`;
  const expected = createHmac('sha256', key).update(signed).digest('base64');
  return String(r.headers['webhook-signature']) === `v1,${expected}`;
}

/** London wall-clock input `days` from now at noon (the events form). */
function inDays(days: number, hour: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00`;
}

describeEachDatabase(
  'webhooks: every event the admin page offers is raised by a real action',
  (ctx) => {
    let app: FastifyInstance;
    let hook: Awaited<ReturnType<typeof receiver>>;
    const run = () => new Worker(app.services.jobs).runUntilIdle();

    before(async () => {
      app = await createTestApp(ctx.db, { webhooksAllowPrivate: true });
      hook = await receiver();
    });
    after(async () => {
      await hook.close();
      await app.close();
    });

    it('delivers person, consent, signature, letter, comment and RSVP events, each signed', async () => {
      const owner = await loginAs(app, 'owner');
      const page = await owner.get('/admin/webhooks');
      const offered = [...page.body.matchAll(/name="events"\s+value="([a-z.]+)"/g)].map(
        (m) => m[1],
      );
      assert.deepEqual(
        [...offered].sort(),
        [...DOMAIN_EVENT_TYPES].sort(),
        'the form offers them all',
      );
      const endpoint = await registerEndpoint(
        app.services,
        { url: hook.url, eventTypes: [...DOMAIN_EVENT_TYPES] },
        null,
      );

      // person.created, person.updated, consent.changed
      const { id: personId } = await upsertPerson(app.services.db, {
        email: 'all-events@example.org',
        source: 'test',
      });
      await upsertPerson(app.services.db, {
        email: 'all-events@example.org',
        firstName: 'Alle',
        source: 'test',
      });
      await recordConsent(app.services.db, personId, {
        channel: 'email',
        status: 'granted',
        method: 'form',
        wording: 'Yes please',
        source: 'test',
      });

      // signature.confirmed: the public form, then the mailed link's button
      const petition = await publishedPetition(app.services, {
        title: 'Keep the pool open',
        slug: 'pool-webhooks',
      });
      const signer = visitor(app);
      assert.equal(
        (await sign(app, petition, { email: 'signer@example.org' }, signer)).statusCode,
        200,
      );
      await run();
      const link = await signatureLink(app, 'signer@example.org');
      assert.ok(link);
      await confirmByButton(signer, link);

      // rsvp.created: a sign-up confirmed by email
      const made = await createEvent(
        app.services,
        {
          type: 'meeting',
          title: 'Branch meeting',
          description: 'Agenda to follow.',
          startsAt: inDays(5, 19),
          endsAt: inDays(5, 21),
          venue: '',
          postcode: '',
          onlineUrl: 'https://meet.example.org/branch',
          capacity: '',
          waitingList: false,
          hostName: '',
          hostStaffId: '',
          visibility: 'public',
          repeat: '',
          repeatUntil: '',
        },
        null,
      );
      assert.ok(made.ok);
      const rsvp = await submitRsvp(app.services, made.slugs[0]!, {
        name: 'Rita Rsvp',
        email: 'rita@example.org',
        postcode: 'LS28 5AB',
        phone: '',
        consent: false,
        ref: '',
      });
      assert.ok(rsvp.ok);
      const rsvpMail = await ctx.db.kysely
        .selectFrom('mail_outbox')
        .select('text_body')
        .where('to_address', '=', 'rita@example.org')
        .executeTakeFirstOrThrow();
      const rsvpToken = /\/events\/rsvp\/confirm\/([A-Za-z0-9_-]+)/.exec(rsvpMail.text_body)?.[1];
      assert.ok(rsvpToken);
      assert.ok((await confirmRsvp(app.services, rsvpToken)).ok);

      // comment.held: a confirmed commenter's comment under thresholds that hold everything
      const thread = await newThread(ctx.db);
      const commenterEmail = uniqueEmail();
      await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, async () => {
        const sub = await submitComment(app.services, {
          threadId: thread.id,
          parentId: null,
          body: 'A thoughtful comment about the bus route.',
          name: 'Rosa Parks',
          email: commenterEmail,
          consent: false,
          ip: '192.0.2.77',
          commenter: undefined,
        });
        assert.equal(sub.kind, 'check-email');
        const token = /\/comments\/confirm\/([A-Za-z0-9_-]+)/.exec(
          await commentLink(ctx.db, commenterEmail),
        )?.[1];
        assert.ok(token);
        assert.equal((await confirmComment(app.services, token)).kind, 'confirmed');
      });

      // letter.sent: a confirmed letter handed to the mail system
      const mps = await loadMps(app);
      const campaign = await openCampaign(app, mps.listId);
      const submitted = await submitLetter(app.services, {
        campaign,
        form: letterForm(mps.manchester, { email: 'writer@example.org' }),
      });
      assert.ok(submitted.ok);
      const confirmedLetter = await confirmLetter(
        app.services,
        await tokenFromMail(app, 'letters.confirm', 'writer@example.org'),
      );
      assert.equal(confirmedLetter.status, 'confirmed');

      await run();
      // The letter counts as sent once its tracking job (30 s on) finds the mail handed over.
      await new Worker(app.services.jobs, {
        now: () => new Date(Date.now() + 60_000),
      }).runUntilIdle();
      const types = new Set<string>();
      for (const r of hook.received) {
        assert.ok(verify(endpoint.secret, r), 'every delivery verifies');
        types.add((JSON.parse(r.body) as { type: string }).type);
      }
      assert.deepEqual([...types].sort(), [...DOMAIN_EVENT_TYPES].sort());
      const rsvpEvent = hook.received
        .map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> })
        .find((e) => e.type === 'rsvp.created');
      assert.equal(rsvpEvent?.data.attendance_id, rsvp.ok ? rsvp.rsvpId : -1);
      assert.equal(rsvpEvent?.data.event_id, made.ids[0]);
      assert.equal(typeof rsvpEvent?.data.person_id, 'number');
    });
  },
);
