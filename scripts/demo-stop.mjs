#!/usr/bin/env node
// `npm run demo:stop`: stop what `npm run demo` left running (the api and the workers listed in
// .data/demo/pids.json): SIGTERM each (workers first, so their trainers checkpoint and hand their jobs back while
// Postgres and Redis still answer), wait for them to exit, SIGKILL what is still alive after the grace period.
// Also imported by demo.mjs for the same bookkeeping.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PIDS_FILE = path.join(ROOT, '.data', 'demo', 'pids.json');
/** A worker's trainers get WORKER SHUTDOWN_TIMEOUT_MS (30 s default) to checkpoint; a little more before SIGKILL. */
export const STOP_GRACE_MS = 45_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `{ api: { pid, port } | null, workers: [{ pid }] }`; empty when the file is missing or unreadable. */
export function readPids() {
  try {
    const data = JSON.parse(readFileSync(PIDS_FILE, 'utf8'));
    return { api: data.api ?? null, workers: Array.isArray(data.workers) ? data.workers : [] };
  } catch {
    return { api: null, workers: [] };
  }
}

export function writePids(pids) {
  if (pids.api === null && pids.workers.length === 0) {
    rmSync(PIDS_FILE, { force: true });
    return;
  }
  mkdirSync(path.dirname(PIDS_FILE), { recursive: true });
  const temp = `${PIDS_FILE}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(pids, null, 2)}\n`);
  renameSync(temp, PIDS_FILE);
}

/**
 * Whether `pid` is alive and still runs `script` (a pid recycled by an unrelated process since the demo wrote it
 * must not be signalled). Where /proc is missing, liveness alone decides.
 */
export function isOurs(pid, script) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    return readFileSync(cmdline, 'utf8').includes(script);
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to `graceMs` for the exit, then SIGKILL. Resolves to how it ended. */
export async function stopProcess(pid, script, graceMs = STOP_GRACE_MS) {
  if (!isOurs(pid, script)) return 'not running';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(200);
    if (!isOurs(pid, script)) return 'stopped';
  }
  process.kill(pid, 'SIGKILL');
  return 'killed after the grace period';
}

export const API_SCRIPT = 'apps/api/dist/main.js';
export const WORKER_SCRIPT = 'apps/worker/dist/main.js';

async function main() {
  const pids = readPids();
  if (pids.api === null && pids.workers.length === 0) {
    console.log('demo:stop: nothing to stop (no .data/demo/pids.json)');
    return;
  }
  // Workers first and together: each hands its jobs back, then the api goes.
  const results = await Promise.all(pids.workers.map(async (w) => [`worker ${w.pid}`, await stopProcess(w.pid, WORKER_SCRIPT)]));
  if (pids.api !== null) results.push([`api ${pids.api.pid} (port ${pids.api.port})`, await stopProcess(pids.api.pid, API_SCRIPT)]);
  for (const [what, how] of results) console.log(`demo:stop: ${what}: ${how}`);
  writePids({ api: null, workers: [] });
  console.log('demo:stop: done (Redis and Postgres keep running; `npm run demo` resumes the sweep)');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(`demo:stop: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
