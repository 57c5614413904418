import { describe, it } from 'node:test';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { layersRule } from '../eslint/layers.js';

// The layer rule `npm run check` enforces: the cases a future change is most likely to break.
const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
});
const src = (path: string) => `${process.cwd()}/src/${path}`;

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
        {
          filename: src('features/letters/x.ts'),
          code: "import { x } from '../people/people.repository.js';",
          errors: [{ messageId: 'featureInternals' }],
        },
        {
          filename: src('features/people/import/x.ts'),
          code: "export * from '../../petitions/petitions.tables.js';",
          errors: [{ messageId: 'featureInternals' }],
        },
        {
          filename: src('features/letters/x.ts'),
          code: "import { FEATURES } from '../index.js';",
          errors: [{ messageId: 'featureInternals' }],
        },
        {
          filename: src('infra/db/x.ts'),
          code: "import type { X } from '../../features/people/people.service.js';",
          errors: [{ messageId: 'infraImportsFeature' }],
        },
        {
          filename: src('infra/x.ts'),
          code: "const app = await import('../app.js');",
          errors: [{ messageId: 'infraImportsFeature' }],
        },
      ],
    });
  });
});
