import type { FastifyInstance } from 'fastify';
import type { Migration } from 'kysely';
import type { Config } from '../config.js';
import { AuditLog } from './audit/audit-log.js';
import { type Clock, systemClock } from './clock/clock.js';
import type { Db } from './db/database.js';
import type { NavItem } from './html/layout.js';
import { type JobHandler, JobQueue } from './jobs/job-queue.js';
import { Mailer } from './mail/mailer.js';
import type { ActionSourceCounts } from './http/attribution.js';
import type { PersonDataHandler } from './person-data.js';
import type { ServiceContext } from './service-context.js';
import type { SharedRedis } from './shared-state/redis.js';

/** Shared infrastructure handed to every feature. Features talk to each other through services they export, never through each other's tables. */
export interface Services extends ServiceContext {
  config: Config;
  /** Every feature's person-data handler: export and erasure walk these. */
  personData: readonly PersonDataHandler[];
  /** Every feature's attributed actions (signatures, letters, RSVPs…): reports count through these. */
  actionSources: readonly ActionSourceCounts[];
}

/** The one way to assemble Services (the app, the CLI and tests that need no HTTP). */
export function createServices(opts: {
  config: Config;
  db: Db;
  personData?: readonly PersonDataHandler[];
  actionSources?: readonly ActionSourceCounts[];
  clock?: Clock;
  /** Connected by buildApp when REDIS_URL is set. */
  redis?: SharedRedis;
}): Services {
  const jobs = new JobQueue(opts.db);
  return {
    config: opts.config,
    db: opts.db,
    jobs,
    mailer: new Mailer(opts.db, jobs, opts.config.mailFrom),
    audit: new AuditLog(opts.db),
    clock: opts.clock ?? systemClock,
    personData: opts.personData ?? [],
    ...(opts.redis ? { redis: opts.redis } : {}),
    actionSources: opts.actionSources ?? [],
  };
}

export type CliValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What the CLI hands each command: the configured database, migrated, with Services around it. */
export interface CliContext {
  withServices<T>(run: (services: Services) => Promise<T>): Promise<T>;
}

export interface CliCommand {
  summary: string;
  usage?: string;
  /** node:util parseArgs options */
  options?: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
  /** Returns the exit code. */
  run(values: CliValues, positionals: string[], cli: CliContext): Promise<number>;
}

/**
 * A collection a feature serves in the OSDI API (/api/v1/<name>): its name is also its key scope
 * and its `osdi:` link on the entry point. `routes` runs inside the API, where the key, scope,
 * rate limit and error bodies are already handled (helpers: features/api/osdi.service.ts).
 */
export interface ApiResourceDeclaration {
  name: string;
  title: string;
  /** Nothing to write (e.g. messages): keys are offered read access only. */
  readOnly?: boolean;
  routes: (api: FastifyInstance, services: Services) => Promise<void>;
}

/** One capability (people, petitions, comments…): what it adds to the app. */
export interface Feature {
  name: string;
  /** Its tables: migration name (globally numbered, e.g. "010-petitions") → migration. */
  migrations?: Record<string, Migration>;
  /** How "export everything" and "erase" on a person reach this feature's records. */
  personData?: PersonDataHandler;
  /** Actions it records with a `source` (infra/http/attribution.ts), for mailing reports and the dashboard. */
  actionSources?: ActionSourceCounts[];
  /** Admin navigation entries, in the order shown. */
  nav?: NavItem[];
  routes?: (app: FastifyInstance, services: Services) => Promise<void>;
  jobs?: (services: Services) => Record<string, JobHandler>;
  /** Adds this feature's part of the demo campaign; runs on an empty database. */
  seedDemo?: (services: Services) => Promise<void>;
  /** Links on the public home page (e.g. "Find your MP"). */
  publicLinks?: { href: string; label: string; description: string }[];
  /** OSDI API collections it serves (events, messages…), mounted by the api feature. */
  apiResources?: ApiResourceDeclaration[];
  /** Commands for `rally`, keyed by their words, e.g. "targets load". */
  cli?: Record<string, CliCommand>;
}
