import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formText, typedRoutes } from '../../infra/http/input.js';
import { renderPublic, setFlash } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { endSession, safeNext, startSession } from './session-cookie.js';
import {
  EMAIL_MAX_LENGTH,
  LOGIN_FAILED_MESSAGE,
  LOGIN_IP_LIMIT,
  PASSWORD_MAX_LENGTH,
  PASSWORD_RESET_IP_LIMIT,
  RESET_REQUESTED_MESSAGE,
  firstIssue,
  newPasswordForm,
} from './staff.rules.js';
import { checkResetToken, logIn, requestPasswordReset, resetPassword } from './staff.service.js';
import * as views from './staff.views.js';

/** Token from a reset link: only the characters newToken() produces, at a sane length. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,100}$/;

/** The token is checked in the handler: a mangled link gets "Link not valid", not a bare 404. */
const tokenParams = z.object({ token: z.string() });
const loginForm = z.object({ email: formText, password: formText, next: formText });
const newPasswordBody = z.object({ password: formText, confirm: formText });

function tooManyLoginsFromIp(_req: FastifyRequest, context: { after: string }) {
  return {
    statusCode: 429,
    error: 'Too Many Requests',
    message: `Too many login attempts from your network. Try again in ${context.after}.`,
  };
}

function tooManyResetsFromIp(_req: FastifyRequest, context: { after: string }) {
  return {
    statusCode: 429,
    error: 'Too Many Requests',
    message: `Too many password reset requests from your network. Try again in ${context.after}.`,
  };
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Login, logout and password reset: the public side of staff accounts. */
export async function loginRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);

  const renderLogin = (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { email?: string; next?: string | undefined; error?: string; status?: number },
  ) =>
    renderPublic(req, reply, {
      title: 'Staff login',
      status: opts.status ?? 200,
      body: views.loginForm({ csrf: reply.generateCsrf(), ...opts }),
    });

  app.get(
    '/login',
    {
      config: { staffOptional: true },
      schema: { querystring: z.object({ next: z.string().optional() }) },
    },
    async (req, reply) => {
      const { next } = req.query;
      if (req.staff) return reply.redirect(safeNext(next));
      reply.header('cache-control', 'no-store');
      return renderLogin(req, reply, { next: next === undefined ? undefined : safeNext(next) });
    },
  );

  app.post(
    '/login',
    {
      config: {
        rateLimit: {
          max: LOGIN_IP_LIMIT.max,
          timeWindow: LOGIN_IP_LIMIT.timeWindowMs,
          errorResponseBuilder: tooManyLoginsFromIp,
        },
      },
      schema: { body: loginForm },
    },
    async (req, reply) => {
      const email = req.body.email.trim().slice(0, EMAIL_MAX_LENGTH);
      const { password } = req.body;
      const next = req.body.next ? safeNext(req.body.next) : undefined;
      if (!email || !password) {
        return renderLogin(req, reply, {
          email,
          next,
          status: 400,
          error: 'Enter your email and your password.',
        });
      }
      if (password.length > PASSWORD_MAX_LENGTH) {
        return renderLogin(req, reply, { email, next, status: 401, error: LOGIN_FAILED_MESSAGE });
      }
      const result = await logIn(services, { email, password, ip: req.ip });
      if (result.kind === 'locked') {
        const minutes = result.retryAfterMinutes;
        reply.header('retry-after', String(minutes * 60));
        return renderLogin(req, reply, {
          email,
          next,
          status: 429,
          error: `Too many wrong passwords for this account from your network. Try again in ${plural(minutes, 'minute')}. If you have forgotten it, set a new one through “Forgot your password?” below.`,
        });
      }
      if (result.kind === 'slowed') {
        const seconds = result.retryAfterSeconds;
        reply.header('retry-after', String(seconds));
        return renderLogin(req, reply, {
          email,
          next,
          status: 429,
          error: `Many wrong passwords were tried for this account. Try again in ${plural(seconds, 'second')}.`,
        });
      }
      if (result.kind === 'invalid') {
        return renderLogin(req, reply, { email, next, status: 401, error: LOGIN_FAILED_MESSAGE });
      }
      await startSession(services, req, reply, result.user.id);
      return reply.redirect(next ?? '/admin', 303);
    },
  );

  app.post('/logout', async (req, reply) => {
    await endSession(services, req, reply);
    setFlash(reply, { kind: 'success', message: 'You have logged out.' });
    return reply.redirect('/login', 303);
  });

  app.get('/password-reset', async (req, reply) =>
    renderPublic(req, reply, {
      title: 'Forgot your password?',
      body: views.resetRequestForm({ csrf: reply.generateCsrf() }),
    }),
  );

  app.post(
    '/password-reset',
    {
      config: {
        rateLimit: {
          max: PASSWORD_RESET_IP_LIMIT.max,
          timeWindow: PASSWORD_RESET_IP_LIMIT.timeWindowMs,
          errorResponseBuilder: tooManyResetsFromIp,
        },
      },
      schema: { body: z.object({ email: formText }) },
    },
    async (req, reply) => {
      const email = req.body.email.trim();
      if (!email || email.length > EMAIL_MAX_LENGTH || !email.includes('@')) {
        return renderPublic(req, reply, {
          title: 'Forgot your password?',
          status: 400,
          body: views.resetRequestForm({
            csrf: reply.generateCsrf(),
            email: email.slice(0, EMAIL_MAX_LENGTH),
            error: 'Enter the email address of your staff account.',
          }),
        });
      }
      await requestPasswordReset(services, { email });
      return renderPublic(req, reply, {
        title: 'Check your email',
        body: views.resetRequestedNotice(RESET_REQUESTED_MESSAGE),
      });
    },
  );

  const badLink = (
    req: FastifyRequest,
    reply: FastifyReply,
    kind: 'unknown' | 'expired' | 'used',
  ) => {
    const pages = {
      unknown: [
        400,
        'Link not valid',
        'This password link is not valid. Check that you copied all of it, or ask for a new one.',
      ],
      expired: [410, 'Link expired', 'This password link has expired. Ask for a new one below.'],
      used: [
        410,
        'Link already used',
        'This password link has already been used. If you need to, ask for a new one.',
      ],
    } as const;
    const [status, title, message] = pages[kind];
    return renderPublic(req, reply, {
      title,
      status,
      body: views.resetLinkProblem(title, message),
    });
  };

  app.get('/password-reset/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const { token } = req.params;
    reply.header('cache-control', 'no-store');
    if (!TOKEN_PATTERN.test(token)) return badLink(req, reply, 'unknown');
    const state = await checkResetToken(services, { token });
    if (state.kind !== 'valid') return badLink(req, reply, state.kind);
    return renderPublic(req, reply, {
      title: 'Choose a new password',
      body: views.newPasswordForm({
        csrf: reply.generateCsrf(),
        action: `/password-reset/${token}`,
        email: state.email,
      }),
    });
  });

  app.post(
    '/password-reset/:token',
    { schema: { params: tokenParams, body: newPasswordBody } },
    async (req, reply) => {
      const { token } = req.params;
      if (!TOKEN_PATTERN.test(token)) return badLink(req, reply, 'unknown');
      const state = await checkResetToken(services, { token });
      if (state.kind !== 'valid') return badLink(req, reply, state.kind);
      const parsed = newPasswordForm.safeParse(req.body);
      if (!parsed.success) {
        return renderPublic(req, reply, {
          title: 'Choose a new password',
          status: 400,
          body: views.newPasswordForm({
            csrf: reply.generateCsrf(),
            action: `/password-reset/${token}`,
            email: state.email,
            error: firstIssue(parsed.error),
          }),
        });
      }
      const result = await resetPassword(services, { token, password: parsed.data.password });
      if (result.kind !== 'done') return badLink(req, reply, result.kind);
      await startSession(services, req, reply, result.user.id);
      setFlash(reply, {
        kind: 'success',
        message: 'Your new password is set. You are logged in, and logged out everywhere else.',
      });
      return reply.redirect('/admin', 303);
    },
  );
}
