#!/usr/bin/env node
// `npm test`: make sure Redis and Postgres answer, build every package, run both test projects, and end with one
// plain line `N passed, M failed` totalling every package's tests (CI reads that line).
// Extra arguments go to vitest (e.g. `npm test -- --project unit packages/shapes/`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (cmd, args, extraEnv = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } }).status ?? 1;

const vitestArgs = process.argv.slice(2);
const unitOnly = vitestArgs.includes('unit') && vitestArgs[vitestArgs.indexOf('unit') - 1] === '--project';

if (!unitOnly && run(process.execPath, [path.join(root, 'scripts', 'services.mjs')]) !== 0) {
  console.error('test: Redis/Postgres are not available (see the message above)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (run(bin('turbo'), ['run', 'build', '--output-logs=errors-only']) !== 0) {
  console.error('test: the build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const reportDir = path.join(root, 'test-results');
mkdirSync(reportDir, { recursive: true });
const reportFile = path.join(reportDir, 'vitest.json');
rmSync(reportFile, { force: true });
const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...vitestArgs]);

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed = report.numPassedTests;
  // A file that fails to load has no test results of its own; count it so it can never go unnoticed.
  failed = report.numFailedTests + report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} catch {
  failed = Math.max(failed, 1);
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && status === 0 ? 0 : 1);
