/**
 * Learning from the campaign's own moderators. Every approve or reject of text the guard held (or
 * a reader reported) is kept as a labelled example; an organiser can then fit the campaign's
 * calibration to them: score s becomes sigmoid(slope · logit(s) + intercept), pulled towards
 * "no change" so a handful of decisions cannot swing it far. Each calibration can be rolled back.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type { Db } from '../../infra/db/database.js';
import type { PersonDataHandler } from '../../infra/person-data.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
} from '../../infra/service-context.js';
import { activeCalibration, campaignGuard, reloadCampaignGuard } from './campaign-guard.service.js';
import {
  type CivilityCalibration,
  type CivilityGuard,
  createCivilityGuard,
  logit,
} from './civility.service.js';
import type { ModeratorDecision } from './civility.tables.js';
import { FUNCTIONAL_SUITE } from './functional-suite.js';

/** Fewer decisions than this say too little about a campaign to recalibrate on. */
export const MIN_EXAMPLES = 10;
/** The newest this many decisions are learnt from. */
export const MAX_EXAMPLES = 5_000;
/** Pull towards slope 1, intercept 0: as strong as this many examples that agree with the guard. */
const PRIOR_STRENGTH = 5;
const FIT_STEPS = 200;

export interface ModeratorExample {
  /** The feature holding the text ("comment") and its id there. */
  source: string;
  sourceId: string;
  text: string;
  guardScore: number;
  guardDecision: string;
  decision: ModeratorDecision;
  personId: number | null;
  personEmail: string | null;
  moderatorUserId: number | null;
  at: string;
}

/**
 * Called by a feature's moderation service inside its transaction. A text decided again
 * replaces its earlier example: the latest decision is the campaign's view.
 */
export async function recordModeratorDecision(
  trx: Transaction<Database>,
  ex: ModeratorExample,
): Promise<void> {
  await trx
    .deleteFrom('civility_examples')
    .where('source', '=', ex.source)
    .where('source_id', '=', ex.sourceId)
    .execute();
  await trx
    .insertInto('civility_examples')
    .values({
      source: ex.source,
      source_id: ex.sourceId,
      text: ex.text,
      guard_score: ex.guardScore,
      guard_decision: ex.guardDecision,
      decision: ex.decision,
      person_id: ex.personId,
      person_email: ex.personEmail,
      moderator_user_id: ex.moderatorUserId,
      created_at: ex.at,
    })
    .execute();
}

export async function exampleCounts(db: Db): Promise<{ approve: number; reject: number }> {
  const rows = await db.kysely
    .selectFrom('civility_examples')
    .select(['decision', db.kysely.fn.countAll<string | number>().as('n')])
    .groupBy('decision')
    .execute();
  const count = (d: ModeratorDecision) => Number(rows.find((r) => r.decision === d)?.n ?? 0);
  return { approve: count('approve'), reject: count('reject') };
}

/** Agreement with the moderators, and the suite, before and after a calibration. */
export interface LearningFigures {
  decisions: { examples: number; agreedBefore: number; agreedAfter: number };
  suite: { cases: number; rightBefore: number; rightAfter: number };
}

/** Logistic regression of "rejected" on logit(score), with a Gaussian prior at (1, 0). */
export function fitCalibration(
  points: { score: number; rejected: boolean }[],
): CivilityCalibration {
  let slope = 1;
  let intercept = 0;
  const xs = points.map((p) => logit(p.score));
  for (let step = 0; step < FIT_STEPS; step++) {
    // Newton's method on two parameters: gradient g and Hessian h of the penalised log-loss.
    let g0 = PRIOR_STRENGTH * (slope - 1);
    let g1 = PRIOR_STRENGTH * intercept;
    let h00 = PRIOR_STRENGTH;
    let h01 = 0;
    let h11 = PRIOR_STRENGTH;
    points.forEach((p, i) => {
      const x = xs[i]!;
      const q = 1 / (1 + Math.exp(-(slope * x + intercept)));
      const r = q - (p.rejected ? 1 : 0);
      const w = q * (1 - q);
      g0 += r * x;
      g1 += r;
      h00 += w * x * x;
      h01 += w * x;
      h11 += w;
    });
    const det = h00 * h11 - h01 * h01;
    if (!(det > 0)) break;
    const d0 = (h11 * g0 - h01 * g1) / det;
    const d1 = (h00 * g1 - h01 * g0) / det;
    slope -= d0;
    intercept -= d1;
    if (Math.abs(d0) + Math.abs(d1) < 1e-9) break;
  }
  const round = (n: number) => Number(n.toFixed(6));
  return { slope: round(slope), intercept: round(intercept) };
}

function agreement(guard: CivilityGuard, examples: { text: string; decision: string }[]): number {
  return examples.filter(
    (e) => (guard.assess(e.text).decision !== 'allow') === (e.decision === 'reject'),
  ).length;
}

function suiteRight(guard: CivilityGuard): number {
  return FUNCTIONAL_SUITE.filter((c) => (guard.assess(c.text).decision !== 'allow') === c.hateful)
    .length;
}

export type LearnResult =
  | { ok: true; calibration: CivilityCalibration; figures: LearningFigures }
  | { ok: false; error: string };

/** Fits a calibration to the campaign's decisions, puts it in force and says what changed. */
export async function learnFromDecisions(ctx: ServiceContext, actor: Actor): Promise<LearnResult> {
  const examples = await ctx.db.kysely
    .selectFrom('civility_examples')
    .select(['text', 'decision'])
    .orderBy('id', 'desc')
    .limit(MAX_EXAMPLES)
    .execute();
  const rejected = examples.filter((e) => e.decision === 'reject').length;
  if (examples.length < MIN_EXAMPLES)
    return {
      ok: false,
      error: `There are ${examples.length} moderator decisions so far; at least ${MIN_EXAMPLES} are needed to learn from.`,
    };
  if (rejected === 0 || rejected === examples.length)
    return {
      ok: false,
      error:
        'The decisions so far are all approvals or all rejections; both are needed to learn from.',
    };
  const current = await campaignGuard(ctx.db);
  // Fitted on the uncalibrated scores, so learning again replaces, not stacks, a calibration.
  const raw = createCivilityGuard({ config: current.config });
  const calibration = fitCalibration(
    examples.map((e) => ({ score: raw.assess(e.text).score, rejected: e.decision === 'reject' })),
  );
  const after = createCivilityGuard({ config: current.config, calibration });
  const figures: LearningFigures = {
    decisions: {
      examples: examples.length,
      agreedBefore: agreement(current, examples),
      agreedAfter: agreement(after, examples),
    },
    suite: {
      cases: FUNCTIONAL_SUITE.length,
      rightBefore: suiteRight(current),
      rightAfter: suiteRight(after),
    },
  };
  const at = ctx.clock.now().toISOString();
  await inTransaction(ctx, async (tx) => {
    await tx.trx
      .insertInto('civility_calibrations')
      .values({
        ...calibration,
        examples: examples.length,
        figures: JSON.stringify(figures),
        created_by: actorId(actor),
        created_at: at,
        rolled_back_at: null,
      })
      .execute();
    await tx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'civility.learn',
        subjectType: 'civility',
        details: { ...calibration, ...figures },
      },
      tx.trx,
    );
  });
  await reloadCampaignGuard(ctx.db);
  return { ok: true, calibration, figures };
}

/** Takes the calibration in force out; the one before it (or none) applies again. */
export async function rollBackCalibration(
  ctx: ServiceContext,
  actor: Actor,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const active = await activeCalibration(ctx.db);
  if (!active) return { ok: false, error: 'No learnt calibration is in force.' };
  const at = ctx.clock.now().toISOString();
  await inTransaction(ctx, async (tx) => {
    await tx.trx
      .updateTable('civility_calibrations')
      .set({ rolled_back_at: at })
      .where('id', '=', active.id)
      .execute();
    await tx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'civility.rollback',
        subjectType: 'civility',
        subjectId: active.id,
      },
      tx.trx,
    );
  });
  await reloadCampaignGuard(ctx.db);
  return { ok: true };
}

export interface CalibrationView {
  id: number;
  slope: number;
  intercept: number;
  examples: number;
  figures: LearningFigures;
  createdAt: string;
}

/** The calibration in force, with the figures shown when it was learnt. */
export async function calibrationInForce(db: Db): Promise<CalibrationView | undefined> {
  const row = await db.kysely
    .selectFrom('civility_calibrations')
    .selectAll()
    .where('rolled_back_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    slope: row.slope,
    intercept: row.intercept,
    examples: row.examples,
    figures: JSON.parse(row.figures) as LearningFigures,
    createdAt: String(row.created_at),
  };
}

/** A writer's examples reach their data export, and erasing them deletes the examples. */
export const civilityPersonData: PersonDataHandler = {
  name: 'civility',
  async export(trx, person) {
    const rows = await trx
      .selectFrom('civility_examples')
      .select(['text', 'decision', 'created_at'])
      .where((eb) =>
        eb.or([eb('person_id', '=', person.id), eb('person_email', '=', person.email)]),
      )
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      text: r.text,
      moderatorDecision: r.decision,
      decidedAt: String(r.created_at),
    }));
  },
  async erase(trx, person) {
    await trx
      .deleteFrom('civility_examples')
      .where((eb) =>
        eb.or([eb('person_id', '=', person.id), eb('person_email', '=', person.email)]),
      )
      .execute();
  },
};
