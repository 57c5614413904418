import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { after, before } from 'node:test';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type BuildOptions, buildApp } from '../../src/app.js';
import { type Config, testConfig } from '../../src/config.js';
import { openDatabase } from '../../src/infra/db/database.js';
import { Worker } from '../../src/infra/jobs/worker.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** scripts/run-tests.mjs sets this when Chromium is missing outside CI. */
export const browserSkip: string | false =
  process.env.RALLY_TEST_BROWSER === 'skip' ? `Chromium not found at ${CHROMIUM_PATH}` : false;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface LiveServer {
  app: FastifyInstance;
  baseUrl: string;
  worker: Worker;
  close(): Promise<void>;
}

/**
 * The real app listening on a loopback port with its own SQLite file and an in-process job
 * worker, as `npm start` runs it.
 */
export async function startLiveServer(
  overrides: Partial<Config> = {},
  options: Pick<BuildOptions, 'clock'> = {},
): Promise<LiveServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rally-browser-'));
  const db = openDatabase(`sqlite:${join(dir, 'browser.db')}`);
  // BASE_URL must match the listening port for Origin checks and mailed links; listen first
  // on a free port, then build the app with that URL.
  const probe = (await import('node:net')).createServer();
  const port = await new Promise<number>((resolve) =>
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
  );
  await new Promise((resolve) => probe.close(resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await buildApp(testConfig({ baseUrl, port, host: '127.0.0.1', ...overrides }), {
    ...options,
    db,
  });
  await app.listen({ port, host: '127.0.0.1' });
  const worker = new Worker(app.services.jobs, { pollIntervalMs: 100 });
  worker.start();
  return {
    app,
    baseUrl,
    worker,
    close: async () => {
      await worker.stop();
      await app.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Collects script errors and CSP violations the page reports. A 4xx answer to a form is
 * expected behaviour, so Chromium's "Failed to load resource" notes are not counted.
 */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || msg.text().startsWith('Failed to load resource')) return;
    problems.push(`console: ${msg.text()}`);
  });
  return problems;
}

/** Logs in through the real login form, as staff do, and waits for the dashboard. */
export async function logInThroughForm(
  page: Page,
  baseUrl: string,
  staff: { email: string; password: string },
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL(/\/admin$/);
}

export interface BrowserSuite {
  /** Set once the suite's before hook has run. */
  server: LiveServer;
  browser: Browser;
}

/** Inside a describe: one live server and one Chromium for the suite, closed after it. */
export function useBrowserSuite(
  overrides: Partial<Config> = {},
  options: Pick<BuildOptions, 'clock'> = {},
): BrowserSuite {
  const suite = {} as BrowserSuite;
  before(async () => {
    suite.server = await startLiveServer(overrides, options);
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
