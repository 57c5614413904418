import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../infra/clock/clock.js';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff } from '../../../test/helpers/staff.js';
import { exportPersonData, erasePerson } from '../people/data-rights.service.js';
import { upsertPerson } from '../people/people.service.js';
import { setPermission } from '../staff/permissions.service.js';
import { CaseError, DAY_MS } from './cases.rules.js';
import * as commentsRepo from '../comments/comments.repository.js';
import * as repo from './cases.repository.js';
import { registerCaseOutcomeApplier } from './cases.service.js';
import { listCasesFor, viewCase } from './case-view.service.js';
import {
  closeCase,
  confirmDecision,
  proposeDecision,
  ruleOnAppeal,
  recordAppealForParty,
} from './decisions.service.js';
import { confirmComplaint, openCase, submitComplaint } from './intake.service.js';
import { REMOVED, minimiseDueCases } from './retention.service.js';
import { saveCaseSettings } from './cases.settings.js';
import { MERGED_LABEL, transparencyReport } from './transparency.service.js';
import {
  acknowledgeCase,
  declareConflict,
  notifyRespondent,
  respondentReply,
  startInvestigating,
  takeCase,
} from './workflow.service.js';

const form = (over: Record<string, unknown> = {}) => ({
  name: 'Cara Complainant',
  email: 'cara@example.org',
  category: 'harassment',
  respondentName: 'Rob Respondent',
  respondentEmail: 'rob@example.org',
  summary: 'He shouted at people at the stall.',
  quoted: '',
  links: 'https://example.org/post/1',
  anonymous: false,
  ...over,
});

async function rejects(p: Promise<unknown>, status: number, pattern: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof CaseError, String(err));
    assert.equal(err.status, status, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describeEachDatabase('conduct cases: process, separation, deadlines, retention', (ctx) => {
  let app: FastifyInstance;
  const clock = new ManualClock('2026-01-05T09:00:00.000Z');
  const staff: Record<string, { id: number; role: 'viewer' }> = {};
  const svc = () => app.services;

  before(async () => {
    app = await createTestApp(ctx.db, {}, { clock });
    for (const who of ['handler', 'second', 'reviewer', 'rob']) {
      const s = await createStaff(ctx.db, {
        role: 'viewer',
        ...(who === 'rob' ? { email: 'rob@example.org' } : {}),
      });
      await setPermission(svc(), { userId: s.id, permission: 'caseworker', granted: true }, null);
      staff[who] = { id: s.id, role: 'viewer' };
    }
  });
  after(() => app.close());

  /** A staff-opened case, taken, acknowledged and under investigation. */
  async function investigating(over: Record<string, unknown> = {}) {
    const opened = await openCase(
      svc(),
      { ...form(over), source: 'staff', sourceRef: '' },
      undefined,
      staff.second!,
    );
    assert.ok(opened.ok);
    const id = opened.caseId;
    await takeCase(svc(), id, staff.handler!);
    await acknowledgeCase(svc(), id, staff.handler!);
    await startInvestigating(svc(), id, staff.handler!);
    return id;
  }

  it('counts a public complaint only after the double opt-in, and refuses an empty one', async () => {
    const empty = await submitComplaint(svc(), form({ summary: '  ' }), undefined);
    assert.ok(!empty.ok && empty.errors.summary);
    const sent = await submitComplaint(svc(), form(), undefined);
    assert.ok(sent.ok);
    const mail = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'cara@example.org')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const token = /complaints\/confirm\/([\w-]+)/.exec(mail.text_body)?.[1];
    assert.ok(token);
    assert.equal(
      (await listCasesFor(svc(), {}, 1)).items.some((c) => c.id === sent.caseId),
      false,
    );
    assert.deepEqual(await confirmComplaint(svc(), token), { kind: 'done' });
    const c = await repo.findCase(ctx.db.kysely, sent.caseId);
    assert.equal(c?.status, 'received');
    assert.equal(c?.next_due_at, new Date(clock.now().getTime() + 5 * DAY_MS).toISOString());
    const evidence = await repo.listEvidence(ctx.db.kysely, sent.caseId);
    assert.deepEqual(
      evidence.map((e) => e.kind),
      ['link'],
    );
  });

  it('refuses steps out of order, and a handler who is the respondent', async () => {
    const opened = await openCase(
      svc(),
      { ...form(), source: 'person', sourceRef: '7' },
      undefined,
      staff.second!,
    );
    assert.ok(opened.ok);
    await rejects(takeCase(svc(), opened.caseId, staff.rob!), 403, /about yourself/);
    await rejects(viewCase(svc(), opened.caseId, staff.rob!), 403, /about yourself/);
    await rejects(
      startInvestigating(svc(), opened.caseId, staff.handler!),
      409,
      /not possible while the case is "Received"/,
    );
    await takeCase(svc(), opened.caseId, staff.handler!);
    await rejects(acknowledgeCase(svc(), opened.caseId, staff.reviewer!), 403, /handler/);
    await acknowledgeCase(svc(), opened.caseId, staff.handler!);
    await rejects(acknowledgeCase(svc(), opened.caseId, staff.handler!), 409, /not possible/);
    await declareConflict(svc(), { caseId: opened.caseId, note: 'I know him' }, staff.reviewer!);
    await rejects(takeCase(svc(), opened.caseId, staff.reviewer!), 403, /conflict/);
  });

  it('decides only after the respondent was told and had the chance to reply', async () => {
    const id = await investigating();
    const proposal = {
      caseId: id,
      outcome: 'warning',
      reasons: 'Shouting at the public.',
      until: '',
    };
    await rejects(proposeDecision(svc(), proposal, staff.handler!), 409, /Tell the respondent/);
    await notifyRespondent(svc(), id, staff.handler!);
    const told = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'rob@example.org')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.match(told.text_body, /He shouted at people at the stall/);
    assert.match(told.text_body, /made by Cara Complainant/);
    await rejects(proposeDecision(svc(), proposal, staff.handler!), 409, /has until/);
    await rejects(
      proposeDecision(svc(), { ...proposal, reasons: ' ' }, staff.handler!),
      400,
      /reasons/,
    );
    // Past the deadline the respondent can no longer reply, and the decision may go ahead.
    const token = /cases\/respond\/([\w-]+)/.exec(told.text_body)?.[1] as string;
    clock.advance(15 * DAY_MS);
    await rejects(respondentReply(svc(), { token, text: 'Too late' }), 409, /passed/);
    assert.deepEqual(await proposeDecision(svc(), proposal, staff.handler!), { issued: true });
    const outcome = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'rob@example.org')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.match(outcome.subject, /Warning/);
    assert.match(outcome.text_body, /Reasons:\nShouting at the public\./);
    await rejects(proposeDecision(svc(), proposal, staff.handler!), 409, /not possible/);
  });

  it('needs a second caseworker for a suspension, and an uninvolved one for the appeal', async () => {
    const id = await investigating({ anonymous: true, respondentEmail: 'rob2@example.org' });
    await notifyRespondent(svc(), id, staff.handler!);
    const told = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'rob2@example.org')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.doesNotMatch(told.text_body, /Cara/);
    const token = /cases\/respond\/([\w-]+)/.exec(told.text_body)?.[1] as string;
    await respondentReply(svc(), { token, text: 'I was provoked.' });
    const until = new Date(clock.now().getTime() + 30 * DAY_MS).toISOString().slice(0, 10);
    const proposal = {
      caseId: id,
      outcome: 'comment_suspension',
      reasons: 'Repeated abuse.',
      until,
    };
    assert.deepEqual(await proposeDecision(svc(), proposal, staff.handler!), { issued: false });
    await rejects(confirmDecision(svc(), id, staff.handler!), 403, /different caseworker/);
    await confirmDecision(svc(), id, staff.second!);
    const c = await repo.findCase(ctx.db.kysely, id);
    assert.equal(c?.status, 'appeal_window');
    assert.equal(c?.confirmed_by, staff.second!.id);
    assert.match(c?.outcome_applied ?? '', /no commenter account/);
    await rejects(closeCase(svc(), id, staff.handler!), 409, /appeal window is open/);
    await recordAppealForParty(svc(), { caseId: id, grounds: 'Unfair.' }, staff.handler!);
    const ruling = { caseId: id, result: 'upheld', reasons: 'The evidence is clear.' };
    await rejects(ruleOnAppeal(svc(), ruling, staff.second!), 403, /took part/);
    await ruleOnAppeal(svc(), ruling, staff.reviewer!);
    assert.equal((await repo.findCase(ctx.db.kysely, id))?.status, 'closed');
  });

  it('suspends the respondent from commenting until the end date, and lifts it when overturned', async () => {
    const commenter = await commentsRepo.ensureCommenter(
      ctx.db.kysely,
      'cole@example.org',
      'Cole',
      clock.now().toISOString(),
    );
    const id = await investigating({ respondentEmail: 'cole@example.org', respondentName: 'Cole' });
    await notifyRespondent(svc(), id, staff.handler!);
    clock.advance(15 * DAY_MS);
    const until = new Date(clock.now().getTime() + 20 * DAY_MS).toISOString().slice(0, 10);
    await proposeDecision(
      svc(),
      { caseId: id, outcome: 'comment_suspension', reasons: 'Bullied newcomers.', until },
      staff.handler!,
    );
    const pending = await commentsRepo.findCommenter(ctx.db.kysely, commenter.id);
    assert.equal(
      pending?.suspended_until,
      null,
      'nothing applies before the second person confirms',
    );
    await confirmDecision(svc(), id, staff.second!);
    const suspended = await commentsRepo.findCommenter(ctx.db.kysely, commenter.id);
    assert.equal(suspended?.suspended_until?.slice(0, 10), until);
    await recordAppealForParty(svc(), { caseId: id, grounds: 'Misread.' }, staff.handler!);
    await ruleOnAppeal(
      svc(),
      { caseId: id, result: 'overturned', reasons: 'The comments were robust, not bullying.' },
      staff.reviewer!,
    );
    const lifted = await commentsRepo.findCommenter(ctx.db.kysely, commenter.id);
    assert.equal(lifted?.suspended_until, null);
  });

  it('applies a removal from roles through the applier another feature registers', async () => {
    const seen: number[] = [];
    const unregister = registerCaseOutcomeApplier('role_removal', async (_ctx, target) => {
      seen.push(target.caseId);
      return `Removed ${target.respondentName} from 2 events.`;
    });
    try {
      const id = await investigating({ respondentEmail: '' });
      await proposeDecision(
        svc(),
        {
          caseId: id,
          outcome: 'role_removal',
          reasons: 'Harassed visitors at two stalls.',
          until: '',
        },
        staff.handler!,
      );
      assert.deepEqual(seen, []);
      await confirmDecision(svc(), id, staff.second!);
      assert.deepEqual(seen, [id]);
      assert.equal(
        (await repo.findCase(ctx.db.kysely, id))?.outcome_applied,
        'Removed Rob Respondent from 2 events.',
      );
    } finally {
      unregister();
    }
    const unconnected = await investigating({ respondentEmail: '' });
    await proposeDecision(
      svc(),
      { caseId: unconnected, outcome: 'role_removal', reasons: 'Same again.', until: '' },
      staff.handler!,
    );
    await confirmDecision(svc(), unconnected, staff.second!);
    assert.match(
      (await repo.findCase(ctx.db.kysely, unconnected))?.outcome_applied ?? '',
      /^Recorded/,
    );
  });

  it('lists late cases by the clock', async () => {
    const opened = await openCase(
      svc(),
      { ...form(), source: 'staff', sourceRef: '' },
      undefined,
      staff.second!,
    );
    assert.ok(opened.ok);
    const late = async () => (await listCasesFor(svc(), { late: true }, 1)).items.map((c) => c.id);
    assert.ok(!(await late()).includes(opened.caseId));
    clock.advance(6 * DAY_MS);
    assert.ok((await late()).includes(opened.caseId));
    await takeCase(svc(), opened.caseId, staff.handler!);
    await acknowledgeCase(svc(), opened.caseId, staff.handler!);
    assert.ok(!(await late()).includes(opened.caseId));
  });

  it('minimises closed cases after the retention period, keeping outcome and dates', async () => {
    await saveCaseSettings(ctx.db, {
      acknowledgeDays: '5',
      replyDays: '14',
      decisionDays: '42',
      appealDays: '14',
      appealRulingDays: '28',
      retentionDays: '30',
    });
    const id = await investigating({ respondentEmail: '', quoted: 'You are all idiots' });
    await proposeDecision(
      svc(),
      { caseId: id, outcome: 'advice', reasons: 'Talked to him.', until: '' },
      staff.handler!,
    );
    clock.advance(15 * DAY_MS);
    await closeCase(svc(), id, staff.handler!);
    const job = await ctx.db.kysely
      .selectFrom('jobs')
      .select('run_at')
      .where('type', '=', 'cases.minimise')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const closedAt = clock.now().getTime();
    assert.equal(new Date(job.run_at).getTime(), closedAt + 30 * DAY_MS + 60_000);
    clock.advance(29 * DAY_MS);
    await minimiseDueCases(svc());
    assert.equal((await repo.findCase(ctx.db.kysely, id))?.minimised_at, null);
    clock.advance(2 * DAY_MS);
    assert.ok((await minimiseDueCases(svc())) >= 1);
    const c = await repo.findCase(ctx.db.kysely, id);
    assert.equal(c?.respondent_name, REMOVED);
    assert.equal(c?.complainant_email, null);
    assert.equal(c?.outcome, 'advice');
    assert.ok(c?.decided_at && c.received_at && c.closed_at);
    assert.deepEqual(await repo.listEvidence(ctx.db.kysely, id), []);
  });

  it('reaches case data from person export and erasure, under legal hold', async () => {
    await upsertPerson(ctx.db, { email: 'rita@example.org', firstName: 'Rita', source: 'test' });
    const id = await investigating({ respondentEmail: 'rita@example.org', respondentName: 'Rita' });
    const person = await ctx.db.kysely
      .selectFrom('people')
      .select('id')
      .where('email', '=', 'rita@example.org')
      .executeTakeFirstOrThrow();
    const exported = (await exportPersonData(
      svc(),
      person.id,
      staff.handler!,
    )) as unknown as Record<string, unknown>;
    const cases = JSON.stringify(exported);
    assert.match(cases, /legal hold/);
    assert.match(cases, /He shouted at people/);
    await erasePerson(svc(), person.id, null);
    const c = await repo.findCase(ctx.db.kysely, id);
    assert.equal(c?.respondent_email, null);
    assert.equal(c?.summary, 'He shouted at people at the stall.');
  });

  it('publishes per-quarter counts with small groups merged', async () => {
    const db = ctx.db.kysely;
    await db.deleteFrom('conduct_cases').execute();
    const at = (d: string) => `2025-${d}T10:00:00.000Z`;
    const add = (
      category: 'harassment' | 'threats',
      received: string,
      decided: string | null,
      appealed = false,
    ) =>
      repo.insertCase(db, {
        status: 'closed',
        category,
        summary: 's',
        complainant_anonymous: 0,
        respondent_name: 'r',
        source: 'public',
        created_at: received,
        received_at: received,
        decided_at: decided,
        outcome: decided ? 'warning' : null,
        appealed_at: appealed ? decided : null,
        updated_at: received,
      });
    for (let i = 0; i < 6; i++)
      await add('harassment', at('04-02'), at(`04-${String(4 + i * 2).padStart(2, '0')}`), i === 0);
    for (let i = 0; i < 2; i++) await add('threats', at('05-02'), null);
    const [q] = await transparencyReport(ctx.db);
    assert.equal(q?.quarter, '2025 Q2');
    assert.equal(q?.received, 8);
    assert.deepEqual(q?.byCategory, [
      ['Harassment', 6],
      [MERGED_LABEL, 'fewer'],
    ]);
    assert.equal(q?.decided, 6);
    assert.equal(q?.medianDaysToDecision, 7);
    assert.equal(q?.appeals, 'fewer');
    assert.deepEqual(q?.outcomes, [['Warning', 6]]);
  });
});
