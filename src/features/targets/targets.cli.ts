import { readFile, stat } from 'node:fs/promises';
import type { ServiceContext } from '../../infra/service-context.js';
import type { CliCommand } from '../../infra/services.js';
import { MAX_IMPORT_BYTES, parseTargetsCsv } from './targets.csv.js';
import {
  type ImportReport,
  getTargetList,
  importTargets,
  listTargetLists,
} from './targets.service.js';
import { UK_COMMONS_SLUG, loadUkCommons } from './uk-commons.service.js';

function printReport(report: ImportReport): void {
  console.log(
    `Rows: ${report.rows}. Created: ${report.created}. Updated: ${report.updated}. Unchanged: ${report.unchanged}. Rejected: ${report.rejected.length}.`,
  );
  for (const r of report.rejected) console.log(`  line ${r.line}: ${r.reasons.join(' ')}`);
}

const LOADERS: Record<string, (ctx: ServiceContext) => Promise<number>> = {
  [UK_COMMONS_SLUG]: async (ctx) => {
    const loaded = await loadUkCommons(ctx);
    console.log(`Constituencies: ${loaded.constituencies}. MPs: ${loaded.mps}.`);
    printReport(loaded.report);
    return loaded.report.rejected.length ? 1 : 0;
  },
};

export const targetsCli: Record<string, CliCommand> = {
  'targets load': {
    summary: 'Load or update a bundled target list (uk-commons: constituencies and MPs)',
    usage: 'rally targets load uk-commons',
    run: async (_values, positionals, cli) => {
      const name = positionals[0] ?? '';
      const load = Object.hasOwn(LOADERS, name) ? LOADERS[name] : undefined;
      if (!load || positionals.length !== 1)
        throw new Error(`give one of: ${Object.keys(LOADERS).join(', ')}`);
      return cli.withServices(load);
    },
  },
  'targets import': {
    summary: 'Create or update targets in a list from a CSV file (columns matched by header)',
    usage: 'rally targets import LIST_SLUG FILE.csv',
    run: async (_values, positionals, cli) => {
      const [slug, file] = positionals;
      if (!slug || !file || positionals.length !== 2)
        throw new Error('usage: rally targets import LIST_SLUG FILE.csv');
      if ((await stat(file)).size > MAX_IMPORT_BYTES)
        throw new Error(`${file} is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it`);
      const parsed = parseTargetsCsv(await readFile(file));
      if (!parsed.ok) throw new Error(parsed.message);
      return cli.withServices(async (ctx) => {
        const list = await getTargetList(ctx.db, slug);
        if (!list) {
          console.error(`No target list "${slug}". Lists: rally targets lists`);
          return 1;
        }
        printReport(
          await importTargets(
            ctx,
            { listId: list.id, rows: parsed.rows, source: `cli:${file}` },
            null,
          ),
        );
        return 0;
      });
    },
  },
  'targets lists': {
    summary: 'List the target lists with how many targets each holds',
    run: async (_values, _positionals, cli) =>
      cli.withServices(async ({ db }) => {
        const lists = await listTargetLists(db);
        if (lists.length === 0) console.log('No target lists yet.');
        for (const l of lists) console.log(`${l.slug}\t${l.targetCount}\t${l.name}`);
        return 0;
      }),
  },
};
