import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersRule } from './eslint/layers.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'public/vendor/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['it', 'describe', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      // Features add their tables to infra's Database by merging an empty `extends` interface.
      '@typescript-eslint/no-empty-object-type': [
        'error',
        { allowInterfaces: 'with-single-extends' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { rally: { rules: { layers: layersRule } } },
    rules: { 'rally/layers': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        document: 'readonly',
        window: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        EventSource: 'readonly',
        navigator: 'readonly',
      },
    },
  },
  {
    files: ['eslint/**/*.js'],
    languageOptions: {
      globals: { process: 'readonly' },
    },
  },
);
