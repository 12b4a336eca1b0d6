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
    // The daemon keeps its state in services and features made at start (agent/daemon/services.ts,
    // features/*): module-level state would be shared by every daemon a process makes and
    // invisible to the features that need it. Constants stay allowed; a module-level Map, Set or
    // array is allowed only when its type says it is read-only (ReadonlySet, readonly T[], as const).
    files: ['agent/daemon/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Program', 'Program > ExportNamedDeclaration'].flatMap((at) => [
          {
            selector: `${at} > VariableDeclaration[kind=/^(let|var)$/]`,
            message: 'No mutable module-level state under agent/daemon: keep it in a service (services.ts) or in the object a feature factory makes.',
          },
          {
            selector: `${at} > VariableDeclaration > VariableDeclarator:not([id.typeAnnotation.typeAnnotation.typeName.name=/^Readonly(Set|Map)$/]) > NewExpression.init[callee.name=/^(Map|Set|WeakMap|WeakSet|Array)$/]`,
            message: 'A module-level collection is shared state: keep it in a service or feature, or type it ReadonlySet / ReadonlyMap if it never changes.',
          },
          {
            selector: `${at} > VariableDeclaration > VariableDeclarator:not([id.typeAnnotation.typeAnnotation.operator='readonly']) > ArrayExpression.init`,
            message: 'A module-level array is shared state: keep it in a service or feature, or make it `as const` / `readonly T[]` if it never changes.',
          },
        ]),
      ],
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
