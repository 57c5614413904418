import { describe, it } from 'node:test';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { layersRule } from '../eslint/layers.js';

// The layer rule `npm run check` enforces: the cases a future change is most likely to break.
const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
});
const src = (path: string) => `${process.cwd()}/src/${path}`;
/** Imports the rule must report with `messageId`: [file under src/, code]. */
const refused = (messageId: string, cases: [string, string][]) =>
  cases.map(([path, code]) => ({ filename: src(path), code, errors: [{ messageId }] }));

describe('the layer rule (eslint/layers.js)', () => {
  it('keeps infra free of features and features apart', () => {
    tester.run('rally/layers', layersRule, {
      valid: [
        { filename: src('features/letters/x.ts'), code: "import '../people/people.service.js';" },
        { filename: src('features/letters/x.ts'), code: "import '../civility/civility.views.js';" },
        { filename: src('features/letters/x.ts'), code: "import './letters.repository.js';" },
        { filename: src('features/people/import/x.ts'), code: "import '../people.tables.js';" },
        { filename: src('features/letters/x.ts'), code: "import '../../infra/db/database.js';" },
        {
          filename: src('features/letters/x.test.ts'),
          code: "import '../people/people.tables.js';",
        },
        { filename: src('infra/http/x.ts'), code: "import '../db/database.js';" },
        { filename: src('app.ts'), code: "import './features/index.js';" },
      ],
      invalid: [
        ...refused('featureInternals', [
          ['features/letters/x.ts', "import { x } from '../people/people.repository.js';"],
          ['features/people/import/x.ts', "export * from '../../petitions/petitions.tables.js';"],
          ['features/letters/x.ts', "import { FEATURES } from '../index.js';"],
        ]),
        ...refused('infraImportsFeature', [
          ['infra/db/x.ts', "import type { X } from '../../features/people/people.service.js';"],
          ['infra/x.ts', "const app = await import('../app.js');"],
        ]),
      ],
    });
  });
});
