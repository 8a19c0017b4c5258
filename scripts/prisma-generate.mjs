#!/usr/bin/env node
// Generates the Prisma 7 client offline. `prisma generate` insists on locating a schema-engine binary even though
// generation does not use it; where none was downloaded (no internet), pointing the variable at any existing file
// satisfies the check. On a machine where Prisma could download its engines this changes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prismaBin = path.join(root, 'node_modules', '.bin', 'prisma');
if (!existsSync(prismaBin)) {
  // Installing with --omit=dev (e.g. a production image that ships a prebuilt client): nothing to generate with.
  console.log('prisma-generate: prisma CLI not installed, skipping client generation');
  process.exit(0);
}
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync(prismaBin, ['generate', '--schema', path.join(root, 'prisma', 'schema.prisma')], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
