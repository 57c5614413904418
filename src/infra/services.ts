import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { AuditLog } from './audit/audit-log.js';
import type { Db } from './db/database.js';
import type { NavItem } from './html/layout.js';
import type { JobHandler, JobQueue } from './jobs/job-queue.js';
import type { Mailer } from './mail/mailer.js';

/** Shared infrastructure handed to every feature. Features talk to each other through services they export, never through each other's tables. */
export interface Services {
  config: Config;
  db: Db;
  jobs: JobQueue;
  mailer: Mailer;
  audit: AuditLog;
  /** The time rules that count attempts go by; tests inject one instead of sleeping. */
  clock?: () => Date;
}

export type CliValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CliCommand {
  summary: string;
  usage?: string;
  /** node:util parseArgs options */
  options?: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
  /** Returns the exit code. */
  run(values: CliValues, positionals: string[]): Promise<number>;
}

/** One capability (people, petitions, comments…): what it adds to the app. */
export interface Feature {
  name: string;
  /** Admin navigation entries, in the order shown. */
  nav?: NavItem[];
  routes?: (app: FastifyInstance, services: Services) => Promise<void>;
  jobs?: (services: Services) => Record<string, JobHandler>;
  /** Adds this feature's part of the demo campaign; runs on an empty database. */
  seedDemo?: (services: Services) => Promise<void>;
  /** Links on the public home page (e.g. "Find your MP"). */
  publicLinks?: { href: string; label: string; description: string }[];
  /** Commands for `rally`, keyed by their words, e.g. "targets load". */
  cli?: Record<string, CliCommand>;
}
