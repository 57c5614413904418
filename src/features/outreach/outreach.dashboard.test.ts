import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { peopleFeature } from '../people/people.feature.js';
import { findPersonByEmail, listActivities, upsertPerson } from '../people/people.service.js';
import { monthLabel, monthlyChart, percent } from './outreach.dashboard.views.js';
import { outreachFeature } from './outreach.feature.js';
import * as repo from './outreach.repository.js';
import { DASHBOARD_MONTHS, dashboard } from './outreach.dashboard.js';
import { sendRequest } from './outreach.request.js';
import { closeCase, recordCase } from './outreach.service.js';
import { ABUSIVE_POST, freshPostUrl } from './outreach.test-support.js';

describe('dashboard helpers', () => {
  it('labels months and percentages', () => {
    assert.equal(monthLabel('2025-03'), 'Mar 2025');
    assert.equal(percent(1, 3), '33%');
    assert.equal(percent(0, 0), '—');
  });

  it('draws one bar per month and series, with no inline style', () => {
    const svg = monthlyChart([
      { month: '2025-01', opened: 4, sent: 2, removed: 1 },
      { month: '2025-02', opened: 0, sent: 0, removed: 0 },
    ]).value;
    assert.equal(svg.match(/<rect\s+class="outreach-bar-[a-z]+"\s+x=/g)?.length, 6);
    assert.match(svg, /role="img"/);
    assert.match(svg, /Jan 2025: cases opened 4/);
    assert.doesNotMatch(svg, /style=/);
  });
});

const NOW = new Date('2025-06-20T12:00:00Z');

describeEachDatabase('outreach dashboard', (ctx) => {
  let app: FastifyInstance;
  const signedBy = 'Test moderator';

  before(async () => {
    app = await createTestApp(ctx.db);
    const services = app.services;
    const people = ['p1', 'p2', 'p3'];
    for (const p of people)
      await upsertPerson(ctx.db, { email: `${p}@example.org`, firstName: p, source: 'test' });
    /** Records a case for `who` (null: nobody), and places it `monthsAgo` before NOW. */
    const add = async (
      who: string | null,
      monthsAgo: number,
      then: 'leave' | 'sent' | 'removed' | 'no_response',
    ) => {
      const recorded = await recordCase(
        services,
        {
          form: {
            postUrl: freshPostUrl(),
            platform: '',
            handle: '',
            email: who ? `${who}@example.org` : '',
            postText: ABUSIVE_POST,
            postedOn: '',
          },
          source: 'form',
        },
        null,
      );
      assert.ok(recorded.ok);
      const caseId = recorded.caseId;
      if (then !== 'leave') assert.ok((await sendRequest(services, { caseId, signedBy }, null)).ok);
      if (then === 'removed' || then === 'no_response')
        assert.ok((await closeCase(services, { caseId, action: then }, null)).ok);
      const at = Date.UTC(2025, 5 - monthsAgo, 10);
      await repo.backdateCase(ctx.db.kysely, recorded.caseId, () => new Date(at).toISOString());
    };
    // April: 2 opened, both sent, 1 removed. May: 2 opened, 1 sent (no response), 1 repeat left.
    // June: 1 unmatched, 1 repeat sent and removed. A year ago: one sent and removed (outside the chart).
    await add('p1', 2, 'removed');
    await add('p2', 2, 'sent');
    await add('p3', 1, 'no_response');
    await add('p1', 1, 'leave');
    await add(null, 0, 'leave');
    await add('p3', 0, 'removed');
    await add('p2', 13, 'removed');
  });
  after(() => app.close());

  it('counts cases by status, the removal rate and the months', async () => {
    const d = await dashboard({ ...app.services, clock: { now: () => NOW } });
    assert.deepEqual(d.byStatus, {
      unmatched: 1,
      new: 0,
      repeat: 1,
      sent: 1,
      removed: 3,
      no_response: 1,
    });
    assert.equal(d.total, 7);
    assert.equal(d.sent, 5);
    assert.equal(d.removed, 3);
    assert.equal(d.removalRate, 3 / 5);
    // p1's second, p3's second and p2's (backdated) second are repeats by recording order.
    assert.equal(d.repeats, 3);
    assert.equal(d.months.length, DASHBOARD_MONTHS);
    assert.equal(d.months[0]?.month, '2024-07');
    assert.deepEqual(d.months.slice(-3), [
      { month: '2025-04', opened: 2, sent: 2, removed: 1 },
      { month: '2025-05', opened: 2, sent: 1, removed: 0 },
      { month: '2025-06', opened: 2, sent: 1, removed: 1 },
    ]);
    assert.ok(d.months.slice(0, -3).every((m) => m.opened === 0 && m.sent === 0));
  });

  it('shows the figures to viewers as a table and a chart', async () => {
    const viewer = await loginAs(app, 'viewer');
    const res = await viewer.get('/admin/outreach/dashboard');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /id="outreach-removal-rate"\s*>60%</);
    assert.match(res.body, /data-status="removed">3</);
    assert.match(res.body, /<svg[^>]*role="img"/);
    assert.doesNotMatch(res.body, /style="/);
    // The current month (real time) is the table's first row.
    const month = new Date().toISOString().slice(0, 7);
    assert.match(res.body, new RegExp(`<tr data-month="${month}">`));
  });
});

describeEachDatabase('outreach demo', (ctx) => {
  let app: FastifyInstance;
  before(async () => {
    app = await createTestApp(ctx.db);
    await peopleFeature.seedDemo?.(app.services);
    await outreachFeature.seedDemo?.(app.services);
  });
  after(() => app.close());

  it('seeds a sent, a removed, a no-response, a repeat and an unmatched case', async () => {
    const d = await dashboard(app.services);
    assert.deepEqual(d.byStatus, {
      unmatched: 1,
      new: 0,
      repeat: 1,
      sent: 1,
      removed: 1,
      no_response: 1,
    });
    assert.equal(d.sent, 3);
    assert.ok(d.months.filter((m) => m.opened > 0).length >= 3, 'spread over months');
    const amira = await findPersonByEmail(app.services.db, 'amira.hassan@example.org');
    assert.ok(amira);
    assert.equal(amira.customFields.twitter, '@amira_h');
    assert.ok((await listActivities(app.services.db, amira.id)).some((a) => a.kind === 'outreach'));
    const moderator = await loginAs(app, 'moderator');
    assert.equal((await moderator.get('/admin/outreach')).statusCode, 200);
  });
});
