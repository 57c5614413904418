import { isIP } from 'node:net';
import { z } from 'zod';

/** Every setting Rally reads from the environment; README's configuration table mirrors this. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  DATABASE_URL: z.string().min(1).default('sqlite:./data/rally.db'),
  BASE_URL: z.string().url().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().min(3).default('Rally <rally@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RUN_WORKER: z.enum(['true', 'false']).default('true'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const trust = parseTrustProxy(value);
      if (trust === undefined) {
        ctx.addIssue({
          code: 'custom',
          message:
            'use false, a number of proxies (e.g. 1), or proxy addresses and CIDRs separated by commas (e.g. 10.0.0.0/8,127.0.0.1)',
        });
        return z.NEVER;
      }
      return trust;
    }),
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
  ADMIN_EMAIL: z.email().optional(),
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  DATABASE_LISTEN_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'use a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .refine(
      (v) => v === '' || isRedisUrl(v),
      'use a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
    )
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:._-]{1,64}$/, 'use up to 64 letters, digits and : . _ -')
    .default('rally:'),
  PG_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  JOB_LEASE_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(24 * 60 * 60 * 1000)
    .default(60_000),
  ACCESS_LOG_SAMPLE: z.coerce.number().int().min(0).max(1_000_000).default(100),
  CASE_FILES_DIR: z.string().optional(),
  WEBHOOKS_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
});

function isRedisUrl(value: string): boolean {
  if (!/^rediss?:\/\//.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

/** Names proxy-addr (Fastify's trustProxy) accepts for well-known address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** More hops than any real chain of proxies; a bigger number is a typo. */
const MAX_PROXY_HOPS = 10;

/**
 * Whom to believe about the client's address. A hop count or the proxies' own addresses, so
 * the client IP is the right-most X-Forwarded-For entry that no trusted proxy added; never
 * "trust every hop", which would let a client name any address it likes in the left-most entry.
 * `true` is read as one proxy, the usual single reverse proxy.
 */
export type TrustProxy = false | number | string[];

function parseTrustProxy(raw: string): TrustProxy | undefined {
  const value = raw.trim();
  if (value === 'false') return false;
  if (value === 'true') return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= MAX_PROXY_HOPS ? hops : undefined;
  }
  const entries = value.split(',').map((e) => e.trim());
  return entries.every(isProxyAddress) ? entries : undefined;
}

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

/** Names of every environment variable Rally reads. */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  baseUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** Process jobs inside the server; set false when `rally worker` runs apart. */
  runWorker: boolean;
  /** Fastify's trustProxy: false, a hop count, or the proxies' addresses (see TrustProxy). */
  trustProxy: TrustProxy;
  /** Load the demo campaign into an empty database on first start. */
  seedDemo: boolean;
  /** Email of the owner account created on first start (default admin@rally.local). */
  adminEmail: string | undefined;
  /** Bearer token for /metrics from other hosts; without it only local scrapers are answered. */
  metricsToken: string | undefined;
  /** PostgreSQL URL for the one LISTEN connection per process, when DATABASE_URL is PgBouncer. */
  databaseListenUrl: string | undefined;
  /**
   * Set: rate limits, signing (fraud) limits and login lockouts count in this Redis, shared by
   * every process using it; unset: in PostgreSQL (or, on SQLite, in the one process).
   */
  redisUrl: string | undefined;
  /** Prepended to every Redis key Rally writes, so several deployments can share one Redis. */
  redisKeyPrefix: string;
  /** How long a killed worker's job waits before another worker runs it (the job lease). */
  jobLeaseMs: number;
  /** PostgreSQL connections per process (each process also holds one LISTEN connection). */
  pgPoolSize: number;
  /**
   * Access log at info level: 1 in N successful requests is logged (with `sample: N`); every
   * 4xx/5xx and slow one always is. 1 logs all; 0 none.
   */
  accessLogSample: number;
  /** Where conduct-case evidence files are kept; unset: in the database. */
  caseFilesDir: string | undefined;
  /** Let webhooks reach private, loopback and plain-http addresses (tests, a local receiver). */
  webhooksAllowPrivate: boolean;
  /** Mailings are DKIM-signed when all three are set (PEM key, `\n` escapes allowed). */
  dkim: { domain: string; selector: string; privateKey: string } | undefined;
  /** `rally inbound` listens here for bounces (DSN) and complaints (ARF). */
  inboundSmtpPort: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    runWorker: e.RUN_WORKER === 'true',
    trustProxy: e.TRUST_PROXY,
    seedDemo: e.SEED_DEMO === 'true',
    adminEmail: e.ADMIN_EMAIL || undefined,
    metricsToken: e.METRICS_TOKEN || undefined,
    databaseListenUrl: e.DATABASE_LISTEN_URL || undefined,
    pgPoolSize: e.PG_POOL_SIZE,
    redisUrl: e.REDIS_URL || undefined,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    jobLeaseMs: e.JOB_LEASE_MS,
    accessLogSample: e.ACCESS_LOG_SAMPLE,
    caseFilesDir: e.CASE_FILES_DIR || undefined,
    webhooksAllowPrivate: e.WEBHOOKS_ALLOW_PRIVATE === 'true',
    dkim:
      e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY
        ? {
            domain: e.DKIM_DOMAIN,
            selector: e.DKIM_SELECTOR,
            privateKey: e.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n'),
          }
        : undefined,
    inboundSmtpPort: e.INBOUND_SMTP_PORT,
  };
}

/** A config for tests: no worker loop, silent logs, overrides on top. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ LOG_LEVEL: 'silent', RUN_WORKER: 'false', SEED_DEMO: 'false' }),
    ...overrides,
  };
}
