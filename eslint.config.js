// Flat config: typescript-eslint's type-aware rules on every .ts file; `any` is forbidden
// everywhere because the OVSDB and libvirt boundaries are exactly where it would hide bugs.
// Plain .mjs scripts get the JavaScript rules only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/*.cjs', 'eslint.config.js', 'bench/peers/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSAsExpression > TSAsExpression[typeAnnotation.type='TSUnknownKeyword']",
          message:
            'No `as unknown as` in lib/: use the generated row types and the typed builders (lib/ovsdb/typed-operations.ts), or validate where the value enters.',
        },
        {
          selector: "TSTypeAssertion > TSTypeAssertion[typeAnnotation.type='TSUnknownKeyword']",
          message: 'No `<T><unknown>` double assertion in lib/: see the rule on `as unknown as`.',
        },
      ],
    },
  },
  {
    files: ['lib/ovn/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['../ovsdb/operations.js', '../../ovsdb/operations.js'].map((name) => ({
            name,
            importNames: ['insert', 'select', 'update', 'mutate', 'deleteRows', 'wait'],
            message: 'lib/ovn writes through the typed builders: nb.insert(...) etc. from ./nb-operations.js.',
          })),
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // mocha's `this` and chained assertions are idiomatic in tests
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
