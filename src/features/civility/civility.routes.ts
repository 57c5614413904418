import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '../../infra/auth/guard.js';
import { roleAtLeast } from '../../infra/auth/roles.js';
import { formText, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { campaignGuard, saveCampaignThresholds } from './campaign-guard.service.js';
import {
  calibrationInForce,
  exampleCounts,
  learnFromDecisions,
  rollBackCalibration,
} from './civility-learning.service.js';
import type { CivilityThresholds } from './civility.config.js';
import type { CivilityAssessment } from './civility.service.js';
import { civilityPage } from './civility.views.js';

/** Longest text the "Try the guard" form accepts. */
export const MAX_TRY_CHARS = 5_000;
/** What of a typed threshold goes back into the form: more than any number from 0 to 1 needs. */
const THRESHOLD_ECHO_CHARS = 20;

const thresholdText = formText.transform((v) => v.slice(0, THRESHOLD_ECHO_CHARS).trim());
const tryBody = z.object({ text: formText });
const thresholdsBody = z.object({ review: thresholdText, block: thresholdText });

export async function civilityRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;
  const moderator = { config: { role: 'moderator' as const } };
  const organiser = { config: { role: 'organiser' as const } };

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: {
      text?: string;
      error?: string;
      status?: number;
      result?: CivilityAssessment;
      thresholdsError?: string;
      thresholdsInput?: { review: string; block: string };
    },
  ) => {
    const guard = await campaignGuard(db);
    const learning = {
      counts: await exampleCounts(db),
      calibration: await calibrationInForce(db),
    };
    return renderAdmin(req, reply, {
      title: 'Civility guard',
      status: extra.status,
      body: civilityPage({
        csrfToken: reply.generateCsrf(),
        thresholds: guard.config.thresholds,
        maxChars: MAX_TRY_CHARS,
        canEditThresholds: roleAtLeast(req.staff?.role ?? 'viewer', 'organiser'),
        learning,
        ...extra,
      }),
    });
  };

  app.get('/admin/civility', moderator, (req, reply) => page(req, reply, {}));

  app.post('/admin/civility', { ...moderator, schema: { body: tryBody } }, async (req, reply) => {
    const { text } = req.body;
    if (!text.trim())
      return page(req, reply, { text, status: 400, error: 'Enter some text to assess.' });
    if (text.length > MAX_TRY_CHARS)
      return page(req, reply, {
        text: text.slice(0, MAX_TRY_CHARS),
        status: 400,
        error: `The text is longer than ${MAX_TRY_CHARS} characters; try a shorter one.`,
      });
    return page(req, reply, { text, result: (await campaignGuard(db)).assess(text) });
  });

  await learningRoutes(base, services);

  app.post(
    '/admin/civility/thresholds',
    { ...organiser, schema: { body: thresholdsBody } },
    async (req, reply) => {
      const input = req.body;
      const parsed = parseThresholds(input);
      if (typeof parsed === 'string')
        return page(req, reply, { status: 400, thresholdsError: parsed, thresholdsInput: input });
      const saved = await saveCampaignThresholds(services, parsed, requireStaff(req));
      setFlash(reply, {
        kind: 'success',
        message: `Thresholds saved: review at ${saved.review}, block at ${saved.block}.`,
      });
      return reply.redirect('/admin/civility', 303);
    },
  );
}

async function learningRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const organiser = { config: { role: 'organiser' as const } };

  app.post('/admin/civility/learn', organiser, async (req, reply) => {
    const result = await learnFromDecisions(services, requireStaff(req));
    if (!result.ok) {
      setFlash(reply, { kind: 'error', message: result.error });
      return reply.redirect('/admin/civility#learning', 303);
    }
    const { decisions, suite } = result.figures;
    setFlash(reply, {
      kind: 'success',
      message:
        `Learnt from ${decisions.examples} decisions: the guard now agrees with ${decisions.agreedAfter} ` +
        `of them (was ${decisions.agreedBefore}); functional suite ${suite.rightAfter}/${suite.cases} (was ${suite.rightBefore}).`,
    });
    return reply.redirect('/admin/civility#learning', 303);
  });

  app.post('/admin/civility/rollback', organiser, async (req, reply) => {
    const result = await rollBackCalibration(services, requireStaff(req));
    setFlash(
      reply,
      result.ok
        ? { kind: 'success', message: 'The learnt calibration was rolled back.' }
        : { kind: 'error', message: result.error },
    );
    return reply.redirect('/admin/civility#learning', 303);
  });
}

function parseThresholds(input: { review: string; block: string }): CivilityThresholds | string {
  const review = Number(input.review);
  const block = Number(input.block);
  const inRange = (s: string, n: number) => s !== '' && Number.isFinite(n) && n >= 0 && n <= 1;
  if (!inRange(input.review, review) || !inRange(input.block, block))
    return 'Each threshold is a number from 0 to 1, such as 0.6.';
  if (review > block) return 'The review threshold cannot be above the block threshold.';
  return { review, block };
}
