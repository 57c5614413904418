import type { CliCommand } from '../../infra/services.js';
import { reconcile } from './petitions.service.js';

export const petitionsCli: Record<string, CliCommand> = {
  'petitions reconcile': {
    summary: "Compare every petition's cached count with COUNT(*) of its confirmed signatures",
    usage: 'rally petitions reconcile [--fix]',
    options: { fix: { type: 'boolean' } },
    run: async (values, _positionals, cli) =>
      cli.withServices(async (services) => {
        const result = await reconcile(services, { fix: values.fix === true });
        for (const m of result.mismatches)
          console.log(
            `/p/${m.slug}: cached ${m.cached}, actual ${m.actual}${values.fix ? ' (fixed)' : ''}`,
          );
        console.log(`Checked ${result.checked} petitions: ${result.mismatches.length} mismatches.`);
        return result.mismatches.length && !values.fix ? 1 : 0;
      }),
  },
};
