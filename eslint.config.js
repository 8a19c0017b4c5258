// Lint rules that guard the architecture as much as the code:
//  - apps never import apps (only packages/*);
//  - only @shapesweep/db touches the Prisma client or pg;
//  - the pure packages (shapes, analysis, model, data) import no queue or database library;
//  - no import cycles.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const appImports = ['@shapesweep/api', '@shapesweep/worker', '@shapesweep/cli', '@shapesweep/web'];
const dbLibraries = ['@prisma/client', '@prisma/client/*', '@prisma/adapter-pg', 'pg', 'pg-copy-streams'];
const ioLibraries = [...dbLibraries, 'bullmq', 'ioredis', 'fastify', '@shapesweep/db'];

const restrict = (patterns, message) => ({ group: patterns, message });

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', 'apps/web/dist/**', '.data/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', AbortController: 'readonly', fetch: 'readonly', performance: 'readonly', structuredClone: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly' } },
    settings: { 'import-x/resolver': { node: true } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [
        restrict(appImports, 'apps never import apps: move shared code into a package'),
        restrict(dbLibraries, 'only @shapesweep/db talks to Postgres'),
        restrict(['@shapesweep/*/src/*', '@shapesweep/*/dist/*'], 'import a package by its name, not its files'),
      ] }],
    },
  },
  {
    files: ['packages/db/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [restrict(appImports, 'packages never import apps')] }] },
  },
  {
    files: ['packages/shapes/**', 'packages/analysis/**', 'packages/report/**', 'packages/model/**', 'packages/data/**', 'packages/contract/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [
      restrict(appImports, 'packages never import apps'),
      restrict(ioLibraries, 'this package stays free of queue, database and HTTP libraries'),
    ] }] },
  },
  {
    // Repo scripts (services, test, demo) are operations tooling, not product code: they may talk to Postgres.
    files: ['scripts/**/*.mjs', '**/*.config.{js,ts}'],
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-restricted-imports': 'off' },
  },
);
