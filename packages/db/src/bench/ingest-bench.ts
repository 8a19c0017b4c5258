// `npm run bench:ingest`: metric points per second into Postgres through MetricIngest (COPY and unnest variants)
// versus Prisma `createMany` of the same points, measured side by side in one process, in a schema of its own.
// Targets (DESIGN.md): ≥ 250,000 points/s and ≥ 20× createMany. Writes bench/results/ingest.json.
//
// Env: DATABASE_URL (default local), BENCH_POINTS (MetricIngest points per variant, default 1,000,000),
// BENCH_CREATEMANY_POINTS (default 50,000: createMany is slow enough that a subset measures its rate well).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createTestDatabase, insertPlaceholderRuns, type TestDatabase } from '../testing/index.js';
import { MetricIngest, type IngestMethod, type MetricPointInput } from '../ingest.js';

const RUNS = 100;
const NAMES = ['train_loss', 'lr', 'tokens_per_s', 'grad_norm', 'eval_loss'];
/** Points per add() call: a trainer logging a few metrics per step hands over small batches. */
const ADD_CHUNK = 1000;
/** MetricIngest's batching, passed explicitly so the results file states what the run used. */
const INGEST_OPTIONS = { maxBatchPoints: 5000, concurrency: 2 } as const;

function makePoints(count: number, seed: number): MetricPointInput[] {
  const points: MetricPointInput[] = new Array(count);
  const perRun = Math.ceil(count / RUNS);
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < count; i++) {
    const run = Math.floor(i / perRun);
    const within = i % perRun;
    points[i] = {
      runId: `run-${seed}-${run}`,
      phase: 'pretrain',
      name: NAMES[within % NAMES.length]!,
      step: Math.floor(within / NAMES.length),
      value: Math.exp(-within / 1e5) + Math.sin(i) * 1e-3,
      wallTime: new Date(t0 + i),
    };
  }
  return points;
}

async function seedRuns(db: TestDatabase, seed: number): Promise<void> {
  await insertPlaceholderRuns(db, `sweep-${seed}`, Array.from({ length: RUNS }, (_, g) => `run-${seed}-${g}`));
}

async function timeIngest(db: TestDatabase, method: IngestMethod, points: MetricPointInput[]): Promise<number> {
  const ingest = new MetricIngest(db.pool, { method, ...INGEST_OPTIONS });
  const start = performance.now();
  for (let i = 0; i < points.length; i += ADD_CHUNK) {
    await ingest.add(points.slice(i, i + ADD_CHUNK));
  }
  await ingest.close();
  const seconds = (performance.now() - start) / 1000;
  if (ingest.stats.inserted !== points.length) throw new Error(`${method}: inserted ${ingest.stats.inserted} of ${points.length}`);
  return seconds;
}

async function timeCreateMany(db: TestDatabase, points: MetricPointInput[]): Promise<number> {
  const start = performance.now();
  // The straightforward Prisma version of the same job: find-or-create each series, then createMany the points with
  // skipDuplicates (the same idempotency as ON CONFLICT DO NOTHING), in batches of MetricIngest's size.
  const seriesIds = new Map<string, number>();
  for (let i = 0; i < points.length; i += 5000) {
    const chunk = points.slice(i, i + 5000);
    const data = [];
    for (const p of chunk) {
      const key = `${p.runId}\0${p.phase}\0${p.name}`;
      let id = seriesIds.get(key);
      if (id === undefined) {
        const series = await db.prisma.metricSeries.upsert({
          where: { runId_phase_name: { runId: p.runId, phase: p.phase, name: p.name } },
          create: { runId: p.runId, phase: p.phase, name: p.name },
          update: {},
        });
        id = series.id;
        seriesIds.set(key, id);
      }
      data.push({ seriesId: id, step: p.step, value: p.value, wallTime: p.wallTime });
    }
    await db.prisma.metricValue.createMany({ data, skipDuplicates: true });
  }
  return (performance.now() - start) / 1000;
}

const APPLICATION_NAME = `shapesweep-ingest-bench-${process.pid}`;
/** Linux reports process CPU time in clock ticks; 100 per second on every mainstream kernel build. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) used so far by this process and by the Postgres backends serving the bench's pool,
 * read from /proc when Postgres runs on this machine (null otherwise). On a shared machine wall-clock throughput
 * depends on what else runs; points per CPU-second does not, and tells what a dedicated machine would reach.
 */
async function cpuSnapshot(db: TestDatabase): Promise<{ node: number; postgres: Map<number, number> | null }> {
  const usage = process.cpuUsage();
  const node = (usage.user + usage.system) / 1e6;
  const { rows } = await db.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [APPLICATION_NAME]);
  const postgres = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      postgres.set(pid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND);
    } catch {
      return { node, postgres: null };
    }
  }
  return { node, postgres };
}

function cpuSecondsBetween(
  before: Awaited<ReturnType<typeof cpuSnapshot>>,
  after: Awaited<ReturnType<typeof cpuSnapshot>>,
): { node: number; postgres: number | null } {
  const node = after.node - before.node;
  if (before.postgres === null || after.postgres === null) return { node, postgres: null };
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  return { node, postgres };
}

async function count(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM metric_value');
  return Number(rows[0]!.n);
}

async function main(): Promise<void> {
  const url = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/shapesweep';
  const pointsPerVariant = Number(process.env['BENCH_POINTS'] ?? 1_000_000);
  const createManyPoints = Number(process.env['BENCH_CREATEMANY_POINTS'] ?? 50_000);
  const db = await createTestDatabase({ url, poolMax: 4, applicationName: APPLICATION_NAME });
  try {
    const results: Record<string, { points: number; seconds: number; pointsPerSecond: number; cpuSeconds: { node: number; postgres: number | null }; pointsPerCpuSecond: number | null }> = {};
    const variants: Array<[string, number, (points: MetricPointInput[]) => Promise<number>]> = [
      ['copy', pointsPerVariant, (points) => timeIngest(db, 'copy', points)],
      ['unnest', pointsPerVariant, (points) => timeIngest(db, 'unnest', points)],
      ['prismaCreateMany', createManyPoints, (points) => timeCreateMany(db, points)],
    ];
    // Warm-up: JIT, connections, Prisma's query compiler, Postgres caches.
    await seedRuns(db, 0);
    await timeIngest(db, 'copy', makePoints(20_000, 0));
    await timeIngest(db, 'unnest', makePoints(20_000, 0).map((p) => ({ ...p, phase: 'warm' })));
    await timeCreateMany(db, makePoints(10_000, 0).map((p) => ({ ...p, phase: 'warm2' })));
    let seed = 1;
    for (const [name, pointCount, run] of variants) {
      // Each variant starts from an empty table and fresh runs, so none pays for another's index growth.
      await db.pool.query('TRUNCATE metric_value, metric_series');
      await db.pool.query('VACUUM ANALYZE metric_value');
      await seedRuns(db, seed);
      // Generated outside the measured window: making half a million Date objects is not the ingest's cost.
      const input = makePoints(pointCount, seed);
      const points = input.length;
      const cpuBefore = await cpuSnapshot(db);
      const seconds = await run(input);
      const cpu = cpuSecondsBetween(cpuBefore, await cpuSnapshot(db));
      const stored = await count(db);
      if (stored !== points) throw new Error(`${name}: ${stored} rows stored for ${points} points`);
      results[name] = {
        points,
        seconds: round(seconds, 3),
        pointsPerSecond: Math.round(points / seconds),
        cpuSeconds: { node: round(cpu.node, 2), postgres: cpu.postgres === null ? null : round(cpu.postgres, 2) },
        pointsPerCpuSecond: cpu.postgres === null ? null : Math.round(points / (cpu.node + cpu.postgres)),
      };
      seed++;
    }
    const best = Math.max(results['copy']!.pointsPerSecond, results['unnest']!.pointsPerSecond);
    const report = {
      benchmark: 'ingest',
      date: new Date().toISOString(),
      machine: {
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        memoryGiB: round(os.totalmem() / 2 ** 30, 1),
        loadAverage1m: round(os.loadavg()[0] ?? 0, 2),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        postgres: (await db.pool.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v,
      },
      settings: { runs: RUNS, addChunkPoints: ADD_CHUNK, ...INGEST_OPTIONS, createManyBatchPoints: 5000 },
      notes:
        'pointsPerSecond is wall clock on this machine as it was (see loadAverage1m: other processes compete for the ' +
        'cores). pointsPerCpuSecond divides by the CPU time of this process plus its Postgres backends (WAL writer ' +
        'and fsync waits excluded), i.e. roughly the rate one dedicated core would sustain.',
      results,
      speedupVsCreateMany: round(best / results['prismaCreateMany']!.pointsPerSecond, 1),
      targets: { pointsPerSecond: 250_000, speedupVsCreateMany: 20 },
    };
    const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'bench', 'results', 'ingest.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify({ results, speedupVsCreateMany: report.speedupVsCreateMany, machine: report.machine }, null, 2));
    console.log(`wrote ${out}`);
  } finally {
    await db.drop();
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
