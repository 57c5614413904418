import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff, loginAs } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { Worker } from '../../infra/jobs/worker.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { upsertPerson } from '../people/people.service.js';
import { WEEKLY_SUMMARY_JOB, allocationReport, assignToSeat } from './allocation.service.js';
import {
  isTargetSeat,
  markTargetSeat,
  rankSeatsFor,
  setFieldPlan,
  unmarkTargetSeat,
} from './field.service.js';
import { nearestMarginal } from './nearest.service.js';

const PUDSEY = 'E14000886';
const LEEDS_NORTH_EAST = 'E14000779';
const KENSINGTON = 'E14000768';
const DUDLEY_NORTH = 'E14000671';
const SOUTHAMPTON_ITCHEN = 'E14000955';

describeEachDatabase(
  'field: seat ranking, targets, hex map, nearest marginal, allocation',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-06-01T09:00:00Z');
    before(async () => {
      await loadUkConstituencies(ctx.db);
      app = await createTestApp(ctx.db, {}, { clock });
    });
    after(() => app.close());

    it("ranks Pudsey among Labour's 2017 seats to win, with its figures worked by hand", async () => {
      const r = await rankSeatsFor(app.services, { party: 'lab', election: '2017' });
      assert.equal(r.party, 'Lab');
      const i = r.win.findIndex((s) => s.code === PUDSEY);
      const pudsey = r.win[i]!;
      // Con 25,550, Lab 25,219 of 53,959 valid votes (118 invalid), electorate 72,622.
      assert.equal(pudsey.held, false);
      assert.equal(pudsey.winner, 'Con');
      assert.equal(pudsey.majority, 331);
      assert.ok(Math.abs(pudsey.majorityShare - 331 / 53_959) < 1e-12);
      assert.ok(Math.abs(pudsey.swing - 331 / 53_959 / 2) < 1e-12); // 0.31 points
      // Stored rounded to four places: 0.7446.
      assert.ok(Math.abs(pudsey.turnout - (53_959 + 118) / 72_622) < 5e-5);
      assert.ok(Math.abs(pudsey.ourShare - 25_219 / 53_959) < 1e-12);
      assert.equal(i + 1, 6, 'sixth easiest Labour gain of 2017');
      assert.ok(
        !r.win.some((s) => s.code === LEEDS_NORTH_EAST),
        'Leeds North East is not a seat to win',
      );
    });

    it('ranks Leeds North East as a safe Labour seat to defend, and Kensington and Dudley North first', async () => {
      const r = await rankSeatsFor(app.services, { party: 'Lab', election: 2017 });
      const lne = r.defend.find((s) => s.code === LEEDS_NORTH_EAST)!;
      // Lab 33,436, Con 16,445 of 52,999 valid votes (103 invalid), electorate 70,112.
      assert.equal(lne.majority, 16_991);
      assert.ok(Math.abs(lne.swing - 16_991 / 52_999 / 2) < 1e-12); // 16.0 points to lose
      assert.ok(Math.abs(lne.turnout - (52_999 + 103) / 70_112) < 5e-5);
      // Kensington: 20 of 38,677 (swing 0.026 points); Dudley North: 22 of 38,910 (0.028).
      assert.deepEqual(
        r.defend.slice(0, 2).map((s) => [s.code, s.majority]),
        [
          [KENSINGTON, 20],
          [DUDLEY_NORTH, 22],
        ],
      );
      assert.ok(Math.abs(r.defend[0]!.swing - 20 / 38_677 / 2) < 1e-12);
      assert.ok(Math.abs(r.defend[1]!.turnout - (38_910 + 72) / 62_043) < 5e-5);
      // Seats where Labour had no candidate (the Speaker's Buckingham, Northern Ireland) are not targets.
      assert.ok(!r.win.some((s) => s.code === 'E14000608'));
      assert.equal(r.win.length + r.defend.length, 369 + 262);
    });

    it('answers a party that did not stand or an election not shipped with a clear message', async () => {
      await assert.rejects(
        rankSeatsFor(app.services, { party: 'xyz', election: 2017 }),
        /No candidate of the party "xyz"/,
      );
      await assert.rejects(
        rankSeatsFor(app.services, { party: 'lab', election: 2015 }),
        /no results for the election "2015"/,
      );
      const client = await loginAs(app, 'viewer');
      const res = await client.get('/admin/field/seats?party=xyz&election=2017');
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /No candidate of the party/);
    });

    it('shows a hex map of all 650 seats with a legend, and a sortable table', async () => {
      const client = await loginAs(app, 'viewer');
      const res = await client.get('/admin/field/seats?party=lab&election=2017');
      assert.equal(res.statusCode, 200);
      const svg = /<svg class="hexmap"[\s\S]*?<\/svg>/.exec(res.body)?.[0] ?? '';
      assert.equal((svg.match(/<path /g) ?? []).length, 650);
      // Every seat has a winner, Northern Ireland and the Speaker's seat included.
      assert.doesNotMatch(svg, /fill-opacity="0\.2"/);
      assert.match(svg, /data-code="N06000001"><title>Belfast East: Democratic Unionist Party/);
      assert.match(
        svg,
        /data-code="E14000886"><title>Pudsey: Conservative, majority 0\.6%<\/title>/,
      );
      assert.match(res.body, /class="legend"[\s\S]*Labour/);
      const byName = await client.get('/admin/field/seats?party=lab&election=2017&sort=name');
      const rows = [...byName.body.matchAll(/<tr data-code="([A-Z]\d+)"/g)].map((m) => m[1]);
      assert.equal(rows.length, 369);
      assert.equal(
        rows[0],
        'W07000058',
        'Aberconwy first by name (Aberavon was Labour’s, so not a seat to win)',
      );
    });

    it('marks target seats with a note that other features can ask about', async () => {
      const organiser = await loginAs(app, 'organiser');
      await organiser.get('/admin/field/seats?party=lab&election=2017');
      const res = await organiser.post(`/admin/field/seats/${PUDSEY}/target`, {
        note: 'Held by 331 votes',
      });
      assert.equal(res.statusCode, 303);
      assert.equal(await isTargetSeat(app.services, PUDSEY), true);
      assert.equal(await isTargetSeat(app.services, 'e14000886'), true);
      assert.equal(await isTargetSeat(app.services, LEEDS_NORTH_EAST), false);
      const page = await organiser.get('/admin/field/seats?party=lab&election=2017');
      assert.match(page.body, /Target: Held by 331 votes/);
      const unknown = await organiser.post('/admin/field/seats/E14999999/target', { note: '' });
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /no constituency with the code/);
      const viewer = await loginAs(app, 'viewer');
      await viewer.get('/admin/field/seats');
      assert.equal(
        (await viewer.post(`/admin/field/seats/${KENSINGTON}/target`, { note: '' })).statusCode,
        403,
      );
      await unmarkTargetSeat(app.services, PUDSEY, null);
    });

    it('finds the nearest target seats to a postcode, nearest first, with the own seat', async () => {
      for (const code of [PUDSEY, KENSINGTON, SOUTHAMPTON_ITCHEN, DUDLEY_NORTH])
        await markTargetSeat(app.services, { code, note: '' }, null);
      const a = await nearestMarginal(app.services, 'ls28 5ab');
      assert.equal(a.status, 'found');
      if (a.status !== 'found') return;
      assert.deepEqual(a.ownSeat, { code: PUDSEY, name: 'Pudsey', isTarget: true });
      assert.equal(a.basis, 'targets');
      // LS28 centroid 53.8015,-1.6691 → Pudsey's 53.8397,-1.6917: about 4.5 km.
      assert.deepEqual(
        a.nearest.map((s) => s.code),
        [PUDSEY, DUDLEY_NORTH, KENSINGTON, SOUTHAMPTON_ITCHEN],
      );
      assert.ok(
        a.nearest[0]!.distanceKm > 4 && a.nearest[0]!.distanceKm < 5,
        String(a.nearest[0]!.distanceKm),
      );
      const london = await nearestMarginal(app.services, 'SW1A 1AA');
      assert.equal(london.status === 'found' && london.nearest[0]!.code, KENSINGTON);
      assert.equal(london.status === 'found' && london.ownSeat.isTarget, false);

      const client = new TestClient(app);
      const page = await client.get('/nearest-marginal?postcode=LS28+5AB');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /LS28 5AB is in <strong>Pudsey<\/strong>/);
      const json = await client.get('/nearest-marginal.json?postcode=LS28+5AB');
      assert.equal(json.statusCode, 200);
      const body = json.json<{ nearest: { code: string; distanceKm: number }[] }>();
      assert.deepEqual(
        body.nearest.map((s) => s.code),
        [PUDSEY, DUDLEY_NORTH, KENSINGTON, SOUTHAMPTON_ITCHEN],
      );
    });

    it('answers a malformed or unknown postcode clearly, on the page and in JSON', async () => {
      const client = new TestClient(app);
      const bad = await client.get('/nearest-marginal?postcode=hello');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /does not look like a UK postcode/);
      const unknown = await client.get('/nearest-marginal.json?postcode=QQ9+9QQ');
      assert.equal(unknown.statusCode, 404);
      assert.match(
        unknown.json<{ message: string }>().message,
        /could not find the postcode district QQ9/,
      );
      assert.equal((await client.get('/nearest-marginal.json')).statusCode, 400);
    });

    it('refuses an allocation to an unknown seat or with bad hours, saving nothing', async () => {
      const organiser = await loginAs(app, 'organiser');
      await organiser.get('/admin/field/allocation');
      const count = async () =>
        (await ctx.db.kysely.selectFrom('field_allocations').select('id').execute()).length;
      const before = await count();
      const staff = await createStaff(ctx.db, {
        role: 'organiser',
        email: 'alloc-bad@example.org',
      });
      const post = (over: Record<string, string>) =>
        organiser.post('/admin/field/allocation', {
          seatCode: PUDSEY,
          staffUserId: String(staff.id),
          personEmail: '',
          hours: '10',
          ...over,
        });
      const unknown = await post({ seatCode: 'E14999999' });
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /Choose a seat from the list/);
      const hours = await post({ hours: '-3' });
      assert.equal(hours.statusCode, 422);
      assert.match(hours.body, /Hours per week are a number from 0\.5 to 80/);
      assert.equal(await count(), before);
    });

    it('flags effort in a safe seat and a target seat with nobody, on the page and in the weekly email', async () => {
      for (const code of [KENSINGTON, SOUTHAMPTON_ITCHEN, DUDLEY_NORTH])
        await unmarkTargetSeat(app.services, code, null);
      await setFieldPlan(app.services, { party: 'lab', election: '2017' }, null);
      const organiserUser = await createStaff(ctx.db, { role: 'organiser', name: 'Olu Organiser' });
      await createStaff(ctx.db, { role: 'owner', name: 'Owen Owner', email: 'owen@example.org' });
      await assignToSeat(
        app.services,
        {
          seatCode: LEEDS_NORTH_EAST,
          staffUserId: String(organiserUser.id),
          personEmail: '',
          hours: '20',
        },
        null,
      );
      await upsertPerson(ctx.db, { email: 'vol@example.org', firstName: 'Val', source: 'test' });
      await assignToSeat(
        app.services,
        { seatCode: LEEDS_NORTH_EAST, staffUserId: '', personEmail: 'vol@example.org', hours: '4' },
        null,
      );
      await assert.rejects(
        assignToSeat(
          app.services,
          { seatCode: PUDSEY, staffUserId: '', personEmail: '', hours: '90' },
          null,
        ),
        /Hours per week are a number from 0.5 to 80/,
      );

      const report = await allocationReport(app.services);
      assert.deepEqual(report.warnings.map((w) => [w.kind, w.seatCode]).sort(), [
        ['safe-seat-effort', LEEDS_NORTH_EAST],
        ['target-without-anyone', PUDSEY],
      ]);
      assert.match(
        report.warnings.find((w) => w.seatCode === PUDSEY)!.message,
        /Nobody is assigned to Pudsey, a target seat \(number 6 to win\)/,
      );
      assert.match(
        report.warnings.find((w) => w.seatCode === LEEDS_NORTH_EAST)!.message,
        /24 hours a week go to Leeds North East, a safe seat \(Labour majority of 16,991 in 2017\)/,
      );

      const viewer = await loginAs(app, 'viewer');
      const page = await viewer.get('/admin/field/allocation');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /data-kind="safe-seat-effort" data-code="E14000779"/);
      assert.match(page.body, /data-kind="target-without-anyone" data-code="E14000886"/);

      // The weekly job: assigning queued it a week ahead; it mails owners and queues the next week.
      const due = new Date(clock.now().getTime() + 7 * 86_400_000 + 1000);
      await new Worker(app.services.jobs, { now: () => due }).runUntilIdle(1);
      const mails = await ctx.db.kysely
        .selectFrom('mail_outbox')
        .selectAll()
        .where('category', '=', 'field.weekly-summary')
        .execute();
      const owen = mails.find((m) => m.to_address === 'owen@example.org');
      assert.ok(owen, 'the owner is mailed');
      assert.match(owen.text_body, /Nobody is assigned to Pudsey/);
      assert.match(owen.text_body, /go to Leeds North East, a safe seat/);
      const next = (await app.services.jobs.listByStatus(['pending'], 100)).filter(
        (j) => j.type === WEEKLY_SUMMARY_JOB,
      );
      assert.equal(next.length, 1);
    });
  },
);
