#!/usr/bin/env node
// `npm run bench`: every benchmark in turn (each writes bench/results/<name>.json). Benchmarks measure speed and
// memory; tests never do. Run them on an otherwise idle machine: they report the load average they saw.
// `npm run bench -- ingest api` runs a subset.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['data', 'ingest', 'train', 'api', 'web'];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
const unknown = chosen.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')} (choose from ${all.join(', ')})`);
  process.exit(2);
}
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
if (run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) process.exit(1);
if (run(process.execPath, [path.join(root, 'scripts', 'services.mjs')]) !== 0) process.exit(1);
const failed = [];
for (const name of chosen) {
  console.log(`\n=== bench:${name}`);
  const status = name === 'web'
    ? run('npx', ['tsx', 'apps/web/src/bench/dashboard-bench.ts'])
    : run(process.execPath, [{ data: 'packages/data/dist/bench/data-bench.js', ingest: 'packages/db/dist/bench/ingest-bench.js', train: 'packages/model/dist/bench/train-bench.js', api: 'apps/api/dist/bench/api-bench.js' }[name]]);
  if (status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`bench: ${failed.join(', ')} failed`);
  process.exit(1);
}
