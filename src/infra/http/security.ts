import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TrustProxy } from '../../config.js';
import type { Db } from '../db/database.js';
import { messagePage } from '../html/layout.js';
import type { SharedRedis } from '../shared-state/redis.js';
import { postgresRateLimitStore, redisRateLimitStore } from './rate-limit-store.js';

/** Largest form or JSON body any route accepts unless it sets its own bodyLimit (uploads do). */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SecurityOptions {
  /** On PostgreSQL, rate limits count in the database, shared by every Rally process. */
  db?: Db;
  /** With REDIS_URL, rate limits count in Redis instead (whatever the database). */
  redis?: SharedRedis;
  cookieSecret: string;
  secureCookies: boolean;
  baseUrl: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false for endpoints that accept no cookies and need no CSRF token (e.g. signed links). */
    csrf?: boolean;
    /**
     * 'open-data' for machine-readable public endpoints (counts, JSON feeds, health): readable
     * from any site (CORS), and without the page-only headers (CSP, framing), which would be
     * most of each tiny response. 'embed' for widgets other sites put in an iframe: the page
     * headers, but framing allowed from anywhere.
     */
    securityHeaders?: 'page' | 'open-data' | 'embed';
  }
}

export async function registerSecurity(app: FastifyInstance, opts: SecurityOptions) {
  // The security headers never vary per request, so they are built once (helmet's plugin
  // recomputed them on every request: ~6% of CPU at 10k req/s) and set in one call.
  const byKind = {
    page: securityHeaders(opts.secureCookies),
    embed: embedHeaders(securityHeaders(opts.secureCookies)),
    'open-data': OPEN_DATA_HEADERS,
  };
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(byKind[req.routeOptions.config.securityHeaders ?? 'page']);
    done();
  });
  await app.register(cookie, { secret: opts.cookieSecret });
  await app.register(formbody, { bodyLimit: DEFAULT_BODY_LIMIT });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'rally_csrf',
    cookieOpts: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secureCookies,
      signed: true,
    },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      const header = req.headers['x-csrf-token'];
      return fromBody ?? (typeof header === 'string' ? header : undefined);
    },
  });
  await app.register(rateLimit, {
    global: false,
    // Keys kept per limit (least recently hit dropped first): a flood's own keys stay counted.
    cache: RATE_LIMIT_KEYS,
    ...(opts.redis
      ? { store: redisRateLimitStore(opts.redis) }
      : opts.db?.dialect === 'postgres'
        ? { store: postgresRateLimitStore(opts.db) }
        : {}),
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Too many requests. Please wait ${context.after} and try again.`,
    }),
  });

  const allowedOrigin = new URL(opts.baseUrl).origin;
  app.addHook('preValidation', (req, reply, done) => {
    // A path nothing answers changes nothing: its 404 (e.g. the API's JSON one) needs no token.
    if (!UNSAFE_METHODS.has(req.method) || req.routeOptions.config.csrf === false || req.is404)
      return done();
    if (!originAllowed(req, allowedOrigin)) {
      void rejectForgery(req, reply, 'This form was sent from another site.');
      return;
    }
    app.csrfProtection(req, reply, done);
  });
}

/** How many keys each rate limit remembers: bounded memory under a surge from many addresses. */
export const RATE_LIMIT_KEYS = 50_000;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/** What every open-data response carries (exported for answers sent outside Fastify). */
export const OPEN_DATA_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};

/** The headers helmet's defaults would send, with a CSP that allows no inline script or style. */
function securityHeaders(https: boolean): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** Page headers for a widget framed by any site; everything else stays as strict. */
function embedHeaders(page: Record<string, string>): Record<string, string> {
  const rest = { ...page };
  delete rest['x-frame-options'];
  return {
    ...rest,
    'content-security-policy': CONTENT_SECURITY_POLICY.replace(
      "frame-ancestors 'none'",
      'frame-ancestors *',
    ),
    'cross-origin-resource-policy': 'cross-origin',
  };
}

/**
 * Browsers send Origin on every cross-site POST; when present it must be ours (the configured
 * base URL or the Host the request came to, which differs behind test harnesses and proxies).
 */
export function originAllowed(req: FastifyRequest, allowedOrigin: string): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin !== 'null';
  if (origin === allowedOrigin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * The global CSRF hook runs before a multipart body is read, so it cannot see the form's
 * `_csrf` field: upload routes turn it off (`config: { csrf: false }`) and call this once the
 * field is read. Same rules: a foreign Origin is refused, and the token must be valid. Returns
 * false after the refusal has been sent.
 */
export function checkUploadForgery(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
  baseUrl: string,
): boolean {
  if (!originAllowed(req, new URL(baseUrl).origin)) {
    void rejectForgery(req, reply, 'This form was sent from another site.');
    return false;
  }
  req.body = { _csrf: token };
  let passed = false;
  // csrfProtection answers synchronously: it calls next, or sends the 403 itself.
  req.server.csrfProtection(req, reply, () => {
    passed = true;
  });
  return passed;
}

async function rejectForgery(req: FastifyRequest, reply: FastifyReply, message: string) {
  return reply
    .code(403)
    .type(acceptsHtml(req) ? 'text/html; charset=utf-8' : 'application/json')
    .send(
      acceptsHtml(req)
        ? messagePage('Form expired', message).value
        : { statusCode: 403, error: 'Forbidden', message },
    );
}

/**
 * Fastify's trustProxy for the configured setting. Fastify 5 reads a bare number as "trust no
 * hop" (it cannot check the peer), so a hop count becomes a function trusting that many hops
 * from the socket inwards: the client IP is then the right-most address our proxies did not
 * add, whatever the client wrote further left.
 */
export function fastifyTrustProxy(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

/**
 * Headers by which a proxy passes on who the real client is. A request carrying any of them
 * came (or claims to come) through a proxy, so its socket address says nothing about the client.
 */
export const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'via',
] as const;

export function cameThroughProxy(req: FastifyRequest): boolean {
  return FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined);
}

export function acceptsHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  return (
    accept.includes('text/html') ||
    (req.method !== 'GET' &&
      req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true)
  );
}
