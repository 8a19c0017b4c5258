// Real worker processes (`node apps/worker/dist/main.js`) against real Redis and Postgres, training tiny cells with
// the real trainer. Workers are tuned (LOCK_DURATION_MS 4 s, STALLED_INTERVAL_MS 2 s) so that crash recovery takes
// seconds. Each scenario seeds its own runs in this file's schema; the Postgres-outage scenario gets its own queue
// and worker so that only that worker loses its database.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_CHANNEL_PREFIX } from '@shapesweep/contract';
import {
  addQueue, createHarness, enqueue, seedRun, startWorker, stopWorker, tinyTraining, waitFor, type Harness, type WorkerProcess,
} from './test-support/harness.js';

let h: Harness;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  h = await createHarness();
  workers.push(startWorker(h), startWorker(h));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stopWorker(w, 'SIGKILL')));
  await h?.close();
});

const logs = (): string => workers.map((w) => w.output().split('\n').slice(-40).join('\n')).join('\n-----\n');

async function run(runId: string) {
  return h.db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { scores: true } });
}

function statusIn(runId: string, statuses: readonly string[]): () => Promise<string | undefined> {
  return async () => {
    const row = await h.db.prisma.run.findUnique({ where: { id: runId }, select: { status: true } });
    return row !== null && statuses.includes(row.status) ? row.status : undefined;
  };
}
const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Waits until the run is RUNNING at step >= `step` and returns the worker process training it. */
async function trainingPast(runId: string, step: number): Promise<WorkerProcess> {
  const pid = await waitFor(`run ${runId} to pass step ${step}`, async () => {
    const row = await h.db.prisma.run.findUnique({ where: { id: runId }, select: { status: true, step: true, worker: { select: { pid: true } } } });
    return row?.status === 'RUNNING' && row.step >= step && row.worker !== null ? row.worker.pid : undefined;
  }, 120_000);
  const worker = workers.find((w) => w.child.pid === pid);
  if (worker === undefined) throw new Error(`run ${runId} is on pid ${pid}, which is not one of this test's workers`);
  return worker;
}

/** Steps of the run's train_loss curve across all phases, in order (metric_point is a view over series + values). */
async function curveSteps(runId: string): Promise<number[]> {
  const { rows } = await h.db.pool.query<{ step: number }>(`SELECT step FROM metric_point WHERE run_id = $1 AND name = 'train_loss' ORDER BY step`, [runId]);
  return rows.map((r) => r.step);
}

const oneToN = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

async function eventTypes(runId: string): Promise<{ type: string; data: unknown }[]> {
  return h.db.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: 'asc' }, select: { type: true, data: true } });
}

/** The step the attempt after the last restart began at: the first progress event after the last run.started. */
async function resumedAtStep(runId: string): Promise<number> {
  const events = await eventTypes(runId);
  const lastStart = events.map((e) => e.type).lastIndexOf('run.started');
  const progress = events.slice(lastStart).find((e) => e.type === 'run.progress');
  if (progress === undefined) throw new Error(`no progress after the last start of ${runId}`);
  return (progress.data as { step: number }).step;
}

describe('training worker', () => {
  it('trains a sweep of several cells to SUCCEEDED with scores, curves and summary columns stored', async () => {
    const payloads = await Promise.all([1, 2, 3].map((seed) => seedRun(h, { seed })));
    for (const p of payloads) await enqueue(h, p, p.runId);
    for (const p of payloads) {
      expect(await waitFor(`run ${p.runId} to finish`, statusIn(p.runId, FINISHED), 180_000), logs()).toBe('SUCCEEDED');
    }
    for (const p of payloads) {
      const row = await run(p.runId);
      expect(row.attempts).toBe(1);
      expect(row.scores.map((s) => s.task)).toEqual(['sentiment']);
      expect(row.evalLoss).toBeGreaterThan(0);
      expect(row.negLogPerplexity).toBeLessThan(0);
      expect(row.downstreamMean).toBe(row.scores[0]?.value);
      expect(row.tokensSeen).toBeGreaterThan(0n);
      expect(row.trainFlopsSpent).toBeGreaterThan(0);
      expect(row.wallSeconds).toBeGreaterThan(0);
      expect(row.tokensPerSecond).toBeGreaterThan(0);
      expect(row.step).toBe(row.totalSteps);
      expect(row.finishedAt).not.toBeNull();
      expect(await curveSteps(p.runId)).toEqual(oneToN(row.totalSteps));
      expect((await eventTypes(p.runId)).map((e) => e.type)).toEqual(expect.arrayContaining(['run.started', 'run.progress', 'run.metrics', 'run.completed']));
      expect(await h.db.prisma.checkpoint.count({ where: { runId: p.runId } })).toBeGreaterThan(0);
      expect(await h.queue.getJobState(p.runId)).toBe('completed');
    }
    const workerRows = await h.db.prisma.worker.findMany();
    expect(workerRows.map((w) => [w.status, w.slots, w.backend])).toEqual([['ONLINE', 1, 'cpu'], ['ONLINE', 1, 'cpu']]);
  });

  it('fails a poisoned payload once, without retries, and marks its run JOB_PAYLOAD_INVALID', async () => {
    const good = await seedRun(h);
    await enqueue(h, { ...good, shape: { ...good.shape, dm: 'wide' } }, good.runId, { attempts: 3 });
    expect(await waitFor('the poisoned run to fail', statusIn(good.runId, FINISHED), 30_000), logs()).toBe('FAILED');
    const row = await run(good.runId);
    expect(row.errorCode).toBe('JOB_PAYLOAD_INVALID');
    expect(row.error).toMatch(/shape\.dm/);
    expect(row.attempts).toBe(0);
    const job = await h.queue.getJob(good.runId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect((await eventTypes(good.runId)).map((e) => e.type)).toEqual(['run.failed']);
  });

  it('cancels a running cell within a step and completes its job without retrying', async () => {
    const p = await seedRun(h, { training: tinyTraining({ pretrainSteps: 400 }) });
    await enqueue(h, p, p.runId);
    await trainingPast(p.runId, 2);
    // What the api does: log the request, then publish it to the workers.
    await h.db.prisma.runEvent.create({ data: { sweepId: p.sweepId, runId: p.runId, type: 'run.cancel_requested', data: {} } });
    await h.redis.publish(`${CONTROL_CHANNEL_PREFIX}:${h.queueName}`, JSON.stringify({ type: 'cancel', runIds: [p.runId] }));
    expect(await waitFor('the run to be cancelled', statusIn(p.runId, FINISHED), 30_000), logs()).toBe('CANCELLED');
    const row = await run(p.runId);
    expect(row.step).toBeLessThan(50);
    expect(row.errorCode).toBe('TRAINING_CANCELLED');
    expect(await waitFor('the job to complete', async () => ((await h.queue.getJobState(p.runId)) === 'completed' ? true : undefined), 10_000)).toBe(true);
    expect((await eventTypes(p.runId)).map((e) => e.type)).toContain('run.cancelled');
  });

  it('keeps every metric point while the worker cannot reach Postgres, and finishes the run when it can again', async () => {
    const role = `sw_worker_${randomBytes(4).toString('hex')}`;
    const schema = h.db.schema;
    await h.db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'test'`);
    await h.db.pool.query(`GRANT CONNECT, CREATE ON DATABASE ${(await h.db.pool.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db} TO ${role}`);
    await h.db.pool.query(`GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role}`);
    await h.db.pool.query(`GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
    await h.db.pool.query(`GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
    const queue = addQueue(h);
    const url = new URL(h.db.url);
    url.username = role;
    url.password = 'test';
    const isolated = startWorker(h, { DATABASE_URL: url.toString(), TRAIN_QUEUE: queue.name });
    workers.push(isolated);
    try {
      const p = await seedRun(h, { training: tinyTraining({ pretrainSteps: 16, checkpointEvery: 4 }) });
      await enqueue(h, p, p.runId, { queue });
      await trainingPast(p.runId, 2);
      await h.db.pool.query(`ALTER ROLE ${role} NOLOGIN`);
      await h.db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      // Long enough for the ingest and the progress writes to fail and back off, short of STALE_WORKER_MS.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await h.db.pool.query(`ALTER ROLE ${role} LOGIN`);
      expect(await waitFor('the run to finish', statusIn(p.runId, FINISHED), 120_000), isolated.output().slice(-4000)).toBe('SUCCEEDED');
      const row = await run(p.runId);
      expect(row.attempts).toBe(1);
      expect(await curveSteps(p.runId)).toEqual(oneToN(row.totalSteps));
      expect(isolated.output()).toMatch(/not written; retrying|failed; retrying|not written/);
    } finally {
      await stopWorker(isolated, 'SIGKILL');
      await h.db.pool.query(`ALTER ROLE ${role} LOGIN`).catch(() => {});
      await h.db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      await h.db.pool.query(`DROP OWNED BY ${role}`);
      await h.db.pool.query(`DROP ROLE ${role}`);
    }
  });

  it('on SIGTERM stops at a step boundary, checkpoints, hands the job back and exits; another worker resumes it', async () => {
    const p = await seedRun(h, { training: tinyTraining({ pretrainSteps: 16, checkpointEvery: 4 }) });
    await enqueue(h, p, p.runId);
    const holder = await trainingPast(p.runId, 3);
    const workerId = (await run(p.runId)).workerId;
    holder.child.kill('SIGTERM');
    expect(await holder.exited, holder.output().slice(-3000)).toBe(0);
    expect((await h.db.prisma.worker.findUniqueOrThrow({ where: { id: workerId as string } })).status).toBe('STOPPED');
    expect((await eventTypes(p.runId)).map((e) => e.type)).toContain('run.requeued');
    workers.push(startWorker(h));
    expect(await waitFor('the run to finish elsewhere', statusIn(p.runId, FINISHED), 180_000), logs()).toBe('SUCCEEDED');
    const row = await run(p.runId);
    expect(row.attempts).toBe(2);
    expect(row.workerId).not.toBe(workerId);
    expect(await resumedAtStep(p.runId)).toBeGreaterThan(1);
    expect(await curveSteps(p.runId)).toEqual(oneToN(row.totalSteps));
    const job = await h.queue.getJob(p.runId);
    expect(job?.attemptsMade).toBe(1);
  });

  it('fails the run when BullMQ gives up on a job whose worker died more often than MAX_STALLED_COUNT allows', async () => {
    // Two workers on their own queue that tolerate no stall: the job of a killed worker is failed, not resumed.
    const queue = addQueue(h);
    const strict = [startWorker(h, { TRAIN_QUEUE: queue.name, MAX_STALLED_COUNT: '0' }), startWorker(h, { TRAIN_QUEUE: queue.name, MAX_STALLED_COUNT: '0' })];
    workers.push(...strict);
    const p = await seedRun(h, { training: tinyTraining({ pretrainSteps: 200, checkpointEvery: 50 }) });
    await enqueue(h, p, p.runId, { queue });
    const holder = await trainingPast(p.runId, 2);
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(await waitFor('the abandoned run to fail', statusIn(p.runId, FINISHED), 60_000), logs()).toBe('FAILED');
    const row = await run(p.runId);
    expect(row.errorCode).toBe('INTERNAL');
    expect(row.error).toMatch(/stalled more than allowable limit/);
    expect(await queue.getJobState(p.runId)).toBe('failed');
  });

  it('after a SIGKILL of its worker, the cell completes on another worker resumed from its last checkpoint', async () => {
    const p = await seedRun(h, { training: tinyTraining({ pretrainSteps: 16, checkpointEvery: 4 }) });
    await enqueue(h, p, p.runId);
    const holder = await trainingPast(p.runId, 6);
    await waitFor('a checkpoint', async () => ((await h.db.prisma.checkpoint.count({ where: { runId: p.runId } })) > 0 ? true : undefined));
    holder.child.kill('SIGKILL');
    await holder.exited;
    const checkpointsAtKill = (await h.db.prisma.checkpoint.findMany({ where: { runId: p.runId }, select: { step: true } })).map((c) => c.step);
    expect(await waitFor('the run to finish elsewhere', statusIn(p.runId, FINISHED), 180_000), logs()).toBe('SUCCEEDED');
    const row = await run(p.runId);
    expect(row.attempts).toBe(2);
    const resumedAt = await resumedAtStep(p.runId);
    expect(resumedAt).toBeGreaterThan(1);
    expect(checkpointsAtKill).toContain(resumedAt - 1);
    expect(await curveSteps(p.runId)).toEqual(oneToN(row.totalSteps));
    // The storage keeps the last 3 checkpoints; the rows list exactly the files that still exist.
    const rows = await h.db.prisma.checkpoint.findMany({ where: { runId: p.runId }, select: { uri: true } });
    const files = readdirSync(path.join(h.checkpointDir, encodeURIComponent(p.runId).replaceAll('.', '%2E'))).filter((f) => f.endsWith('.ckpt'));
    expect(rows.map((r) => path.basename(fileURLToPath(r.uri))).sort()).toEqual(files.sort());
    expect(files.length).toBeLessThanOrEqual(3);
  });
});
