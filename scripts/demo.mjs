#!/usr/bin/env node
// `npm run demo`: the whole product in one command. Builds, brings up (or reuses) Redis and Postgres, migrates,
// reuses or starts the api and a worker (one slot per core), submits examples/deepnarrow-vs-base.yaml, shows live
// progress bars, prints the report and writes reports/<sweep>.html, then prints the dashboard URL.
//
// Resumable: the submission carries Idempotency-Key demo-<sha256 of the spec>, so a second run gets the same sweep;
// finished runs stay finished and interrupted ones resume from their checkpoints. Ctrl-C stops the worker (its
// trainers checkpoint and hand their jobs back) and the api this run started, then exits 130.
//
// The talking-to-the-API parts are the `shapesweep` CLI itself (apps/cli/dist), so `demo` prints exactly what
// `shapesweep watch` and `shapesweep report` print. Environment: SHAPESWEEP_DEMO_PORT (default 8080), and the usual
// DATABASE_URL / REDIS_URL / TRAIN_QUEUE / ADMIN_TOKEN_FILE, passed on to the api and the worker.
/* global AbortSignal */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_SCRIPT, ROOT, WORKER_SCRIPT, isOurs, readPids, stopProcess, writePids } from './demo-stop.mjs';

const SPEC = 'examples/deepnarrow-vs-base.yaml';
const PORT = Number(process.env.SHAPESWEEP_DEMO_PORT ?? 8080);
const API_URL = `http://127.0.0.1:${PORT}`;
const LOG_DIR = path.join(ROOT, '.data', 'logs');
const startedAtMs = Date.now();

const say = (text) => process.stdout.write(`demo: ${text}\n`);
const elapsed = () => `${((Date.now() - startedAtMs) / 1000).toFixed(0)}s`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function fail(text) {
  process.stderr.write(`demo: ${text}\n`);
  process.exit(1);
}

/** Run a step to completion with inherited output; stop the demo if it fails. */
function step(title, command, args) {
  say(`${title} (${elapsed()})`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (result.status !== 0) fail(`${title} failed (${[command, ...args].join(' ')} exited ${result.status ?? result.signal})`);
}

async function answers(url, timeoutMs = 1_500) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? response : null;
  } catch {
    return null;
  }
}

function tail(file, lines = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Start `node script args` in its own process group (Ctrl-C in the terminal does not reach it), output to a log. */
function startDetached(script, args, logName, env) {
  mkdirSync(LOG_DIR, { recursive: true });
  const log = path.join(LOG_DIR, logName);
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
  child.unref();
  return { pid: child.pid, log };
}

// ---- state this run is responsible for ---------------------------------------------------------------------------
const started = { api: null, worker: null };
const controller = new AbortController();
let stopping = null;

/** Ctrl-C / SIGTERM: stop what this run started (worker first: it hands its jobs back), exit 130. */
function interrupt(signal) {
  if (stopping !== null) return;
  controller.abort(new Error(`received ${signal}`));
  stopping = (async () => {
    process.stdout.write('\n');
    say(`${signal}: stopping what this demo started (the worker checkpoints and hands its jobs back)...`);
    const pids = readPids();
    if (started.worker !== null) {
      say(`worker ${started.worker.pid}: ${await stopProcess(started.worker.pid, WORKER_SCRIPT)}`);
      pids.workers = pids.workers.filter((w) => w.pid !== started.worker.pid);
    }
    if (started.api !== null) {
      say(`api ${started.api.pid}: ${await stopProcess(started.api.pid, API_SCRIPT)}`);
      pids.api = null;
    }
    writePids(pids);
    const left = [pids.api === null ? null : `api ${pids.api.pid}`, ...pids.workers.map((w) => `worker ${w.pid}`)].filter((x) => x !== null);
    if (left.length > 0) say(`still running from an earlier demo: ${left.join(', ')} (npm run demo:stop)`);
    say('stopped; run `npm run demo` again to resume the sweep where it left off');
    process.exit(130);
  })();
}
process.on('SIGINT', () => interrupt('SIGINT'));
process.on('SIGTERM', () => interrupt('SIGTERM'));

async function main() {
  say(`shapesweep demo: ${SPEC} on ${API_URL} (${os.availableParallelism()} cores)`);

  // (a) build everything (turbo caches what did not change), (b) services, (c) migrations.
  step('building (turbo run build)', path.join(ROOT, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=errors-only']);
  step('starting or finding Redis and Postgres', process.execPath, ['scripts/services.mjs']);
  step('applying migrations', process.execPath, ['packages/db/dist/migrate-cli.js']);

  const { runCli } = await import(pathToFileURL(path.join(ROOT, 'apps/cli/dist/cli.js')).href);
  const io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: { ...process.env, SHAPESWEEP_API: API_URL, ...(process.env.ADMIN_TOKEN_FILE === undefined ? {} : { SHAPESWEEP_TOKEN_FILE: process.env.ADMIN_TOKEN_FILE }) },
    cwd: ROOT,
    fetch: globalThis.fetch,
    signal: controller.signal,
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns ?? 100,
  };
  const pids = readPids();

  // (d) the api: reuse one that answers, else start one.
  if ((await answers(`${API_URL}/healthz`)) !== null) {
    say(`reusing the api answering on ${API_URL}`);
  } else {
    const api = startDetached(API_SCRIPT, [], 'api.log', { API_PORT: String(PORT) });
    started.api = api;
    pids.api = { pid: api.pid, port: PORT, log: api.log };
    writePids(pids);
    say(`starting the api (pid ${api.pid}, log ${path.relative(ROOT, api.log)})`);
    const deadline = Date.now() + 60_000;
    while ((await answers(`${API_URL}/healthz`)) === null) {
      if (!isOurs(api.pid, API_SCRIPT)) fail(`the api exited during start-up; last lines of ${api.log}:\n${tail(api.log)}`);
      if (Date.now() > deadline) fail(`the api did not answer on ${API_URL}/healthz within 60 s; see ${api.log}`);
      await sleep(300);
    }
  }

  // (e) workers: reuse live ones, else start one with a slot per core.
  const workers = await answers(`${API_URL}/v1/workers?live=true`);
  const liveCount = workers === null ? 0 : (await workers.json()).liveCount;
  if (liveCount > 0) {
    say(`reusing ${liveCount} live worker(s)`);
  } else {
    const slots = os.availableParallelism();
    const worker = startDetached(WORKER_SCRIPT, ['--slots', String(slots)], 'worker.log', {});
    started.worker = worker;
    pids.workers = [...pids.workers.filter((w) => isOurs(w.pid, WORKER_SCRIPT)), { pid: worker.pid, slots, log: worker.log }];
    writePids(pids);
    say(`starting a worker with ${slots} slot(s) (pid ${worker.pid}, log ${path.relative(ROOT, worker.log)})`);
  }

  // (f) submit, idempotently: the same file always maps to the same sweep.
  const specText = readFileSync(path.join(ROOT, SPEC));
  const key = `demo-${createHash('sha256').update(specText).digest('hex')}`;
  let submitted = '';
  const code = await runCli(['submit', SPEC, '--idempotency-key', key, '--json'], { ...io, stdout: (text) => (submitted += text) });
  if (code !== 0) process.exit(code);
  const { sweep, created } = JSON.parse(submitted);
  const c = sweep.counts;
  say(`${created ? 'submitted' : 'resuming'} sweep ${sweep.id} "${sweep.name}": ${sweep.cellCount} cells (${c.SUCCEEDED} done, ${c.RUNNING} running, ${c.QUEUED + c.PENDING} waiting, ${c.FAILED} failed, ${c.CANCELLED} cancelled) (${elapsed()})`);
  if (c.FAILED + c.CANCELLED > 0) {
    say('re-queueing the failed and cancelled runs');
    const retried = await runCli(['retry', sweep.id], io);
    if (retried !== 0) process.exit(retried);
  }

  // A worker this run started that dies would leave the bars frozen: stop watching and say why.
  let workerDied = false;
  const guard = setInterval(() => {
    if (started.worker !== null && !isOurs(started.worker.pid, WORKER_SCRIPT) && stopping === null) {
      workerDied = true;
      controller.abort(new Error('the worker exited'));
    }
  }, 2_000);

  // (g) watch, exactly as `shapesweep watch` does.
  const watchStartedMs = Date.now();
  const watched = await runCli(['watch', sweep.id], io);
  clearInterval(guard);
  if (stopping !== null) await stopping;
  if (workerDied) fail(`the worker exited; last lines of ${started.worker.log}:\n${tail(started.worker.log)}`);
  say(`sweep finished in ${((Date.now() - watchStartedMs) / 60_000).toFixed(1)} min of training (${elapsed()} in all)`);

  // (h) the report, as `shapesweep report --html` prints and writes it.
  const slug = sweep.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || sweep.id;
  const htmlFile = path.join('reports', `${slug}.html`);
  process.stdout.write('\n');
  const reported = await runCli(['report', sweep.id, '--html', htmlFile], io);

  // (i) where to look next, and how to stop.
  const dashboard = existsSync(path.join(ROOT, 'apps/web/dist/index.html')) ? `${API_URL}/#/sweeps/${encodeURIComponent(sweep.id)}` : `${API_URL}/docs (the dashboard is not built)`;
  process.stdout.write('\n');
  say(`report:    ${htmlFile}`);
  say(`dashboard: ${dashboard}`);
  say(`CLI:       npx shapesweep status ${sweep.id}   |   npx shapesweep results --max-params 500k`);
  say('stop:      npm run demo:stop   (the api and worker keep running until then; Redis and Postgres stay up)');
  say(`total ${elapsed()}`);
  process.exit(watched !== 0 ? watched : reported);
}

main().catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
