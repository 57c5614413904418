#!/usr/bin/env node
// Rally's command line. TypeScript sources run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const argv = process.argv.slice(2);
if (argv.length === 2 && argv[0] === 'civility' && argv[1] === 'assess') {
  // Only the guard's own modules: no configuration, database or other features to load, so the
  // first answer comes in well under a second.
  const { civilityCli } = await import('../src/features/civility/civility.cli.ts');
  const noServices = {
    withServices: () => Promise.reject(new Error('civility assess uses no database')),
  };
  process.exitCode = await civilityCli['civility assess'].run({}, [], noServices);
} else {
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(argv);
}
