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
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
  ADMIN_EMAIL: z.email().optional(),
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
});

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
  trustProxy: boolean;
  /** Load the demo campaign into an empty database on first start. */
  seedDemo: boolean;
  /** Email of the owner account created on first start (default admin@rally.local). */
  adminEmail: string | undefined;
  /** Bearer token for /metrics from other hosts; without it only local scrapers are answered. */
  metricsToken: string | undefined;
  /**
   * Milliseconds since the epoch, for the stateless form tokens' minimum fill time. Never read
   * from the environment or a request: tests pass a clock they move forward instead of waiting.
   */
  clock: () => number;
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
    trustProxy: e.TRUST_PROXY === 'true',
    seedDemo: e.SEED_DEMO === 'true',
    adminEmail: e.ADMIN_EMAIL || undefined,
    metricsToken: e.METRICS_TOKEN || undefined,
    clock: Date.now,
  };
}

/** A config for tests: no worker loop, silent logs, overrides on top. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ LOG_LEVEL: 'silent', RUN_WORKER: 'false', SEED_DEMO: 'false' }),
    ...overrides,
  };
}
