import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { FEATURES, MIGRATIONS } from '../features/index.js';
import { openDatabase } from '../infra/db/database.js';
import { migrateToLatest } from '../infra/db/migrator.js';
import { type CliCommand, type CliContext, createServices } from '../infra/services.js';
import { buildApp } from '../app.js';
import { seedDemo } from '../demo-seed.js';
import { parseProcesses, startCluster } from '../cluster.js';

/** Each command's database: the configured one, migrated, closed when the command ends. */
const cliContext: CliContext = {
  async withServices(run) {
    const config = loadConfig();
    const db = openDatabase(config.databaseUrl, { pgPoolSize: config.pgPoolSize });
    try {
      await migrateToLatest(db, MIGRATIONS);
      return await run(
        createServices({
          config,
          db,
          personData: FEATURES.flatMap((f) => f.personData ?? []),
          actionSources: FEATURES.flatMap((f) => f.actionSources ?? []),
        }),
      );
    } finally {
      await db.destroy();
    }
  },
};

/** Commands of the infrastructure; features add theirs (e.g. "targets load") through Feature.cli. */
const CORE_COMMANDS: Record<string, CliCommand> = {
  serve: {
    summary: 'Start the web server (and the job worker unless RUN_WORKER=false)',
    usage: '[--processes N|auto]  N server processes on one port (PostgreSQL only; default 1)',
    options: { processes: { type: 'string' } },
    run: async (values) => {
      const processes = parseProcesses(
        typeof values.processes === 'string' ? values.processes : undefined,
      );
      await startCluster(loadConfig(), processes);
      await new Promise(() => {});
      return 0;
    },
  },
  'seed-demo': {
    summary: 'Load the demo campaign (targets, petitions, letters…) into the database',
    run: async () => {
      const app = await buildApp({ ...loadConfig(), logLevel: 'warn' });
      try {
        const seeded = await seedDemo(app.services);
        console.log(`Demo data loaded: ${seeded.join(', ') || 'nothing to seed'}.`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },
  migrate: {
    summary: 'Bring the database schema up to date',
    run: async () => {
      const config = loadConfig();
      const db = openDatabase(config.databaseUrl);
      try {
        const result = await migrateToLatest(db, MIGRATIONS);
        const applied = result.results?.filter((r) => r.status === 'Success') ?? [];
        console.log(
          applied.length
            ? `Applied ${applied.length} migration(s): ${applied.map((r) => r.migrationName).join(', ')}`
            : 'Database already up to date.',
        );
        return 0;
      } finally {
        await db.destroy();
      }
    },
  },
};

function allCommands(): Record<string, CliCommand> {
  const commands: Record<string, CliCommand> = { ...CORE_COMMANDS };
  for (const feature of FEATURES) Object.assign(commands, feature.cli ?? {});
  return commands;
}

function usage(commands: Record<string, CliCommand>): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(
    ([name, c]) =>
      `  rally ${name.padEnd(width)}  ${c.summary}${c.usage ? `\n  ${' '.repeat(width + 8)}${c.usage}` : ''}`,
  );
  return `Usage:\n${lines.join('\n')}\n`;
}

/** Finds the longest command name that prefixes argv ("user add", "targets load"). */
export async function main(argv: string[]): Promise<number> {
  const commands = allCommands();
  for (let words = Math.min(argv.length, 3); words >= 1; words--) {
    const name = argv.slice(0, words).join(' ');
    const command = commands[name];
    if (!command) continue;
    const rest = argv.slice(words);
    if (rest.includes('--help')) {
      console.log(`rally ${name}: ${command.summary}${command.usage ? `\n${command.usage}` : ''}`);
      return 0;
    }
    try {
      const parsed = parseArgs({
        args: rest,
        options: command.options ?? {},
        allowPositionals: true,
        strict: true,
      });
      return await command.run(parsed.values, parsed.positionals, cliContext);
    } catch (err) {
      console.error(`rally ${name}: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
  }
  const unknown = argv.length > 0 && argv[0] !== '--help' && argv[0] !== 'help';
  (unknown ? console.error : console.log)(
    `${unknown ? `Unknown command: ${argv.join(' ')}\n\n` : ''}${usage(commands)}`,
  );
  return unknown ? 2 : 0;
}
