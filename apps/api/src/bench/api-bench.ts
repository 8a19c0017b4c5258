// `npm run bench:api`: the API's performance targets (DESIGN.md), measured on this machine, written to
// bench/results/api.json.
//   submit   a 10,000-cell sweep planned, stored and queued            target < 1 s
//   queries  results / frontier / report over 10,000 finished runs
//            and 10 million metric points                               target p95 < 50 ms
//   curve    one curve downsampled from 1 million points                target < 100 ms
//   status   GET /v1/sweeps/:id with autocannon on loopback             target ≥ 10,000 req/s, p99 < 20 ms
// Flags: --runs N (10000) --points N (10000000, total metric points) --curve N (1000000) --cells N (10000)
//        --requests N (100 per query) --duration S (10, autocannon) --connections N (50) --out FILE
// Data is seeded into a fresh Postgres schema (dropped afterwards) and a `bench-<uuid>` queue (obliterated).
// The API runs as its own process (apps/api/dist/main.js, as deployed) so its heap and event loop are not shared
// with the load generator or with the seeding of 10 million points; the bench talks to it over loopback HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { seededRandom } from '@shapesweep/analysis';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, type TrainJobPayload, type TrainJobResult } from '@shapesweep/contract';
import { MetricIngest } from '@shapesweep/db';
import { createTestDatabase } from '@shapesweep/db/testing';
import { redisOptions } from '../config.js';
import { planSubmission } from '../routes/sweeps/planning.js';
import { seedCurve, seedFinishedSweep } from './seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: expected a number, got ${process.argv[i + 1]}`);
  return value;
}

function flagString(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}

const RUNS = flag('runs', 10_000);
const POINTS = flag('points', 10_000_000);
const CURVE = flag('curve', 1_000_000);
const CELLS = flag('cells', 10_000);
const REQUESTS = flag('requests', 100);
const DURATION_S = flag('duration', 10);
const CONNECTIONS = flag('connections', 50);
const OUT = flagString('out', path.join(root, 'bench', 'results', 'api.json'));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summary(ms: number[]): { n: number; p50: number; p95: number; p99: number; max: number; mean: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const r = (v: number): number => Math.round(v * 100) / 100;
  return { n: ms.length, p50: r(percentile(sorted, 50)), p95: r(percentile(sorted, 95)), p99: r(percentile(sorted, 99)), max: r(sorted[sorted.length - 1] ?? NaN), mean: r(ms.reduce((a, b) => a + b, 0) / ms.length) };
}

/** Sequential requests over loopback HTTP (keep-alive), after a short warm-up. */
async function latency(base: string, urls: string[], n: number, before?: () => Promise<void>): Promise<ReturnType<typeof summary> & { status: number }> {
  let status = 0;
  for (let i = 0; i < 3; i += 1) await (await fetch(`${base}${urls[i % urls.length]}`)).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if (before !== undefined) await before();
    const started = performance.now();
    const res = await fetch(`${base}${urls[i % urls.length]}`);
    await res.arrayBuffer();
    times.push(performance.now() - started);
    status = res.status;
  }
  return { ...summary(times), status };
}

/** autocannon in a child process, so load generation does not share the server's event loop. */
function autocannon(url: string, durationS: number, connections: number): Promise<{ requestsPerSecond: number; latencyP50Ms: number; latencyP99Ms: number; non2xx: number; errors: number }> {
  const bin = path.join(root, 'node_modules', 'autocannon', 'autocannon.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--json', '-c', String(connections), '-d', String(durationS), url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
        resolve({ requestsPerSecond: Math.round(r.requests.average), latencyP50Ms: r.latency.p50, latencyP99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors });
      } catch (err) {
        reject(new Error(`autocannon output was not JSON: ${out.slice(0, 200)} (${String(err)})`));
      }
    });
  });
}

/** A port nobody listens on right now (the API process is told to use it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface ApiProcess {
  base: string;
  adminToken: string;
  stop(): Promise<void>;
}

/** apps/api/dist/main.js with `env`, ready once /readyz answers 200. */
async function startApi(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shapesweep-bench-'));
  const tokenFile = path.join(dir, 'token');
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'apps', 'api', 'dist', 'main.js')], {
    env: { ...process.env, ...env, API_HOST: '127.0.0.1', API_PORT: String(port), ADMIN_TOKEN_FILE: tokenFile, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the api process exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the api process was not ready within 30 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    adminToken: readFileSync(tokenFile, 'utf8').trim(),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function log(line: string): void {
  process.stderr.write(`bench:api ${line}\n`);
}

/** A grid spec of about `cells` cells (exactly 10,000 by default): nl (25) × ff (up to 40) × seeds. */
function bigSpec(cells: number, name: string): Record<string, unknown> {
  const nl = Array.from({ length: 25 }, (_, i) => i + 1);
  const seeds = Array.from({ length: Math.max(1, Math.ceil(cells / 1000)) }, (_, i) => i);
  const ffCount = Math.max(1, Math.min(40, Math.ceil(cells / (nl.length * seeds.length))));
  return {
    name,
    cells: { grid: { base: 'small', knobs: { nl, ff: Array.from({ length: ffCount }, (_, i) => 256 * (i + 1)) } } },
    widthScales: ['1/8'],
    vocab: 8192,
    seeds,
    training: { pretrain: { steps: 300 }, finetune: { steps: 150 } },
  };
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const db = await createTestDatabase({ url: databaseUrl, poolMax: 10 });
  const queueName = `bench-${randomUUID()}`;
  const connection = redisOptions(redisUrl);
  const queue = new Queue<TrainJobPayload, TrainJobResult, string>(queueName, { connection });
  const maxCells = String(Math.max(CELLS, 10_000));
  const apiEnv = { DATABASE_URL: db.url, REDIS_URL: redisUrl, TRAIN_QUEUE: queueName, MAX_CELLS_PER_SWEEP: maxCells, STATUS_CACHE_MS: '250' };
  const results: Record<string, unknown> = {};
  try {
    await measure(apiEnv, db, queue, results);
    // The same endpoint without the status answer cache: every request runs the counts query on a 10,000-run sweep.
    const uncached = await startApi({ ...apiEnv, STATUS_CACHE_MS: '0' });
    try {
      const statusSweepId = (results.status as { url: string }).url.split('/').pop()!;
      results.statusUncached = { ...(await autocannon(`${uncached.base}/v1/sweeps/${statusSweepId}`, Math.max(3, Math.round(DURATION_S / 2)), 10)), connections: 10, statusCacheMs: 0 };
      log(`status uncached ${JSON.stringify(results.statusUncached)}`);
    } finally {
      await uncached.stop();
    }
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await db.drop();
  }
  await writeReport(databaseUrl, results);
}

/** Submit, seed, then every query and the status throughput against one API process. */
async function measure(
  apiEnv: Record<string, string>,
  db: Awaited<ReturnType<typeof createTestDatabase>>,
  queue: Queue<TrainJobPayload, TrainJobResult, string>,
  results: Record<string, unknown>,
): Promise<void> {
  const maxCells = apiEnv.MAX_CELLS_PER_SWEEP!;
  const api = await startApi(apiEnv);
  try {
    const { base } = api;
    const auth = { authorization: `Bearer ${api.adminToken}` };

    // ---- submit: plan + one transaction + addBulk, over HTTP, four times (distinct sweeps). The first is the first
    // submit the fresh process serves (its code not yet optimised by the JIT) and is reported on its own; the target
    // is judged on the next three, a running server's steady state.
    const submits: Array<{ ms: number; status: number; cells: number; planMs: number }> = [];
    let statusSweepId = '';
    for (let i = 0; i < 4; i += 1) {
      const spec = bigSpec(CELLS, `bench submit ${i}`);
      const planStarted = performance.now();
      const planned = planSubmission(spec, Number(maxCells));
      const planMs = performance.now() - planStarted;
      const started = performance.now();
      const res = await fetch(`${base}/v1/sweeps`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(spec) });
      const body = (await res.json()) as { sweep: { id: string; cellCount: number }; enqueued: number };
      const ms = performance.now() - started;
      submits.push({ ms: Math.round(ms), status: res.status, cells: body.sweep.cellCount, planMs: Math.round(planMs) });
      statusSweepId = body.sweep.id;
      log(`submit ${i}: ${body.sweep.cellCount} cells, ${res.status}, ${Math.round(ms)} ms (plan alone ${Math.round(planMs)} ms), enqueued ${body.enqueued}; planned ${planned.rows.runs.length}`);
    }
    const [cold, ...warm] = submits;
    const warmMs = warm.map((s) => s.ms).sort((a, b) => a - b);
    results.submit = { firstSubmitOfProcess: cold, runs: warm, bestMs: warmMs[0], medianMs: warmMs[1], worstMs: warmMs[2], jobsInQueue: await queue.count(), targetMs: 1000 };

    // ---- seed: finished runs, then metric points through MetricIngest (the worker's COPY path)
    let started = performance.now();
    const seeded = [];
    const perSweep = 2_500;
    for (let s = 0; s * perSweep < RUNS; s += 1) seeded.push(...(await seedFinishedSweep(db, { sweepId: `sw_bench${s}`, runs: Math.min(perSweep, RUNS - s * perSweep), seed: s + 1 })));
    const seedRunsMs = performance.now() - started;
    log(`seeded ${seeded.length} finished runs in ${Math.round(seedRunsMs)} ms`);

    started = performance.now();
    const ingest = new MetricIngest(db.pool, { maxBatchPoints: 50_000, maxBufferedPoints: 1_000_000 });
    const curveRun = seeded[0]!;
    const curveExtremes = CURVE > 0 ? await seedCurve(db, curveRun.id, CURVE, 7, ingest) : null;
    const rest = Math.max(0, POINTS - CURVE);
    const perRun = Math.ceil(rest / Math.max(1, seeded.length - 1));
    const random = seededRandom(11);
    const wallTime = new Date();
    let written = CURVE;
    let batch: Array<{ runId: string; phase: string; name: string; step: number; value: number; wallTime: Date }> = [];
    for (let r = 1; r < seeded.length && written < POINTS; r += 1) {
      const runId = seeded[r]!.id;
      for (let step = 1; step <= perRun && written < POINTS; step += 1) {
        batch.push({ runId, phase: 'pretrain', name: 'train_loss', step, value: 2 + 8 / Math.sqrt(step) + 0.05 * random(), wallTime });
        written += 1;
        if (batch.length === 50_000) {
          await ingest.add(batch);
          batch = [];
        }
      }
      if (r % 1000 === 0) log(`  ${written} points queued`);
    }
    if (batch.length > 0) await ingest.add(batch);
    await ingest.close();
    const seedPointsMs = performance.now() - started;
    await db.pool.query('ANALYZE');
    log(`seeded ${written} metric points in ${Math.round(seedPointsMs / 1000)} s (${Math.round(written / (seedPointsMs / 1000))} points/s)`);
    results.seed = { finishedRuns: seeded.length, metricPoints: written, curvePoints: CURVE, seedRunsMs: Math.round(seedRunsMs), seedPointsSeconds: Math.round(seedPointsMs / 100) / 10, pointsPerSecond: Math.round(written / (seedPointsMs / 1000)) };

    // ---- query latency over loopback HTTP
    const params = seeded.map((r) => r.params).sort((a, b) => a - b);
    const flops = seeded.map((r) => r.flops).sort((a, b) => a - b);
    const p = (q: number): number => params[Math.floor(q * (params.length - 1))]!;
    const f = (q: number): number => flops[Math.floor(q * (flops.length - 1))]!;
    const resultUrls = [
      `/v1/results?maxParams=${p(0.5)}&maxFlops=${f(0.6)}`,
      `/v1/results?maxParams=${p(0.9)}&task=wic&limit=100`,
      `/v1/results?maxFlops=${f(0.3)}&metric=upstream&sort=flops`,
      `/v1/results?sweep=sw_bench1&maxParams=${p(0.7)}`,
    ];
    const frontierUrls = ['/v1/frontier?x=params&y=downstream', '/v1/frontier?x=flops&y=upstream', '/v1/frontier?x=wallSeconds&y=sentiment'];
    results.results = { urls: resultUrls, ...(await latency(base, resultUrls, REQUESTS)), targetP95Ms: 50 };
    log(`results p95 ${(results.results as { p95: number }).p95} ms`);
    results.frontier = { urls: frontierUrls, ...(await latency(base, frontierUrls, REQUESTS)), targetP95Ms: 50 };
    log(`frontier p95 ${(results.frontier as { p95: number }).p95} ms`);
    // The report is cached per (sweep, data version): measure it both ways. Uncached: a finished run of each sweep is
    // touched before every request, as if one more run had just finished, so every request recomputes the report
    // over the sweep's 2,500 runs (their records refreshed incrementally: the touched run is read again).
    const reportUrls = ['/v1/sweeps/sw_bench0/report', '/v1/sweeps/sw_bench1/report'];
    results.report = {
      urls: reportUrls,
      cached: await latency(base, reportUrls, REQUESTS),
      uncached: await latency(base, reportUrls, REQUESTS, async () => {
        await db.pool.query(`UPDATE run SET updated_at = clock_timestamp() WHERE id IN ($1, $2)`, [`sw_bench0_r000001`, `sw_bench1_r000001`]);
      }),
      targetP95Ms: 50,
    };
    log(`report p95 cached ${(results.report as { cached: { p95: number } }).cached.p95} ms, uncached ${(results.report as { uncached: { p95: number } }).uncached.p95} ms`);
    const curveUrl = `/v1/runs/${curveRun.id}/metrics?name=train_loss&maxPoints=1000`;
    const curveCheck = (await (await fetch(`${base}${curveUrl}`)).json()) as { curves: Array<{ total: number; points: Array<[number, number]> }> };
    const steps = new Set(curveCheck.curves[0]?.points.map((pt) => pt[0]));
    results.curve = {
      url: curveUrl,
      totalPoints: curveCheck.curves[0]?.total,
      returnedPoints: curveCheck.curves[0]?.points.length,
      keepsFirstLastMinMax: curveExtremes === null ? null : steps.has(1) && steps.has(CURVE) && steps.has(curveExtremes.min[0]) && steps.has(curveExtremes.max[0]),
      ...(await latency(base, [curveUrl], Math.min(REQUESTS, 30))),
      targetMs: 100,
    };
    log(`curve p50 ${(results.curve as { p50: number }).p50} ms p95 ${(results.curve as { p95: number }).p95} ms`);

    // ---- status throughput
    const statusUrl = `${base}/v1/sweeps/${statusSweepId}`;
    results.status = { url: `/v1/sweeps/${statusSweepId}`, cellsInSweep: CELLS, durationSeconds: DURATION_S, connections: CONNECTIONS, statusCacheMs: Number(apiEnv.STATUS_CACHE_MS), ...(await autocannon(statusUrl, DURATION_S, CONNECTIONS)), targetRequestsPerSecond: 10_000, targetP99Ms: 20 };
    log(`status ${JSON.stringify(results.status)}`);
  } finally {
    await api.stop();
  }
}

async function writeReport(databaseUrl: string, results: Record<string, unknown>): Promise<void> {
  const { rows } = await (async () => {
    const { createDatabase } = await import('@shapesweep/db');
    const probe = createDatabase({ url: databaseUrl, poolMax: 1 });
    try {
      return await probe.pool.query<{ version: string }>('SELECT version()');
    } finally {
      await probe.close();
    }
  })();
  const report = {
    benchmark: 'api',
    date: new Date().toISOString(),
    machine: {
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      postgres: rows[0]?.version ?? 'unknown',
    },
    settings: { runs: RUNS, points: POINTS, curve: CURVE, cells: CELLS, requests: REQUESTS, durationSeconds: DURATION_S, connections: CONNECTIONS },
    results,
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:api failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
