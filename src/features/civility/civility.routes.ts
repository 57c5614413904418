import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderAdmin } from '../../infra/http/render.js';
import { type CivilityAssessment, createCivilityGuard } from './civility.service.js';
import { civilityPage } from './civility.views.js';

/** Longest text the "Try the guard" form accepts. */
export const MAX_TRY_CHARS = 5_000;

export async function civilityRoutes(app: FastifyInstance) {
  const guard = createCivilityGuard();
  const moderator = { config: { role: 'moderator' as const } };

  const page = (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: { text?: string; error?: string; status?: number; result?: CivilityAssessment },
  ) =>
    renderAdmin(req, reply, {
      title: 'Civility guard',
      status: extra.status,
      body: civilityPage({
        csrfToken: reply.generateCsrf(),
        thresholds: guard.config.thresholds,
        maxChars: MAX_TRY_CHARS,
        ...extra,
      }),
    });

  app.get('/admin/civility', moderator, (req, reply) => page(req, reply, {}));

  app.post('/admin/civility', moderator, (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = typeof body.text === 'string' ? body.text : '';
    if (!text.trim())
      return page(req, reply, { text, status: 400, error: 'Enter some text to assess.' });
    if (text.length > MAX_TRY_CHARS)
      return page(req, reply, {
        text: text.slice(0, MAX_TRY_CHARS),
        status: 400,
        error: `The text is longer than ${MAX_TRY_CHARS} characters; try a shorter one.`,
      });
    return page(req, reply, { text, result: guard.assess(text) });
  });
}
