#!/usr/bin/env node
// `npm run db:migrate`: applies pending migrations to DATABASE_URL and prints what it did. Safe to run from many
// processes at once (advisory lock) and twice in a row (the second run applies nothing).
import { MigrateConfigSchema, isShapesweepError, parseEnv } from '@shapesweep/contract';
import { migrate } from './migrate.js';
import { redactUrl } from './database.js';

async function main(): Promise<void> {
  const config = parseEnv(MigrateConfigSchema, process.env, 'migrate');
  const result = await migrate({
    url: config.DATABASE_URL,
    ...(config.MIGRATIONS_DIR === undefined ? {} : { migrationsDir: config.MIGRATIONS_DIR }),
    logger: (line) => console.log(line),
  });
  console.log(
    `migrate: ${redactUrl(config.DATABASE_URL)}: ${result.applied.length} applied, ${result.skipped.length} already applied`,
  );
}

main().catch((err: unknown) => {
  console.error(isShapesweepError(err) ? `migrate: ${err.code}: ${err.message}` : err);
  process.exitCode = 1;
});
