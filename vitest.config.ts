// One test runner for the whole monorepo, split into two projects:
//   unit         `*.test.ts`      pure code, no services, runs in parallel;
//   integration  `*.int.test.ts`  real Redis and Postgres (each test isolates itself by schema / queue name).
// Tests import workspace packages by name, which resolve to their built `dist/`, so `npm test` builds first.
import { defineConfig } from 'vitest/config';

const shared = { exclude: ['**/node_modules/**', '**/dist/**'] };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['{apps,packages}/*/src/**/*.test.ts'],
          exclude: [...shared.exclude, '**/*.int.test.ts'],
          testTimeout: 60_000,
          // Unit files run first, all together; then the integration group with its own worker limit.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['{apps,packages}/*/src/**/*.int.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // Integration files start real processes (workers, trainers); on a 2-core machine running them two at a
          // time keeps every file well inside its timeouts.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
