import type { CliCommand } from '../../infra/services.js';
import { getConstituencyDirectory } from './constituency-directory.service.js';
import { NOT_LOADED_MESSAGE, findMp } from './constituencies.service.js';

interface MpLine {
  postcode: string;
  candidates: {
    constituency: string;
    code: string;
    mp: string | null;
    party: string | null;
    share: number;
  }[];
  error?: string;
}

/** `rally mp "LS28 5AB"`: one JSON line, for scripts as much as for people. */
export const mpCommand: CliCommand = {
  summary: 'Show the constituency (or constituencies) and MP for a postcode, as one JSON line',
  usage: 'rally mp "LS28 5AB"',
  run: async (_values, positionals, cli) => {
    const input = positionals.join(' ').trim();
    if (!input) throw new Error('give a postcode, e.g. rally mp "LS28 5AB"');
    return cli.withServices(async (services) => {
      const { db } = services;
      const directory = await getConstituencyDirectory(db);
      const fail = (postcode: string, error: string) => {
        console.log(JSON.stringify({ postcode, candidates: [], error } satisfies MpLine));
        console.error(error);
        return 1;
      };
      if (!directory.isLoaded()) return fail(input, NOT_LOADED_MESSAGE);
      const lookup = directory.lookupPostcode(input);
      if (lookup.status === 'invalid') return fail(input, lookup.message);
      if (lookup.status === 'unknown') return fail(lookup.postcode, lookup.message);
      const candidates: MpLine['candidates'] = [];
      for (const c of lookup.candidates) {
        const mp = await findMp(services, { code: c.code });
        candidates.push({
          constituency: c.name,
          code: c.code,
          mp: mp?.name ?? null,
          party: mp?.party ?? null,
          share: c.share,
        });
      }
      console.log(JSON.stringify({ postcode: lookup.postcode, candidates } satisfies MpLine));
      return 0;
    });
  },
};
