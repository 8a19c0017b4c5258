import { afterEach, describe, expect, it } from 'vitest';
import { jobIdFor, parseSweepSpec, planSweep } from '@shapesweep/contract';
import { startHarness, tinySpec, type Harness } from '../../test-support/harness.js';
import { planSubmission, sweepIdFor } from './planning.js';
import { insertSweep } from './store.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function plannedIds(spec: Record<string, unknown>): { sweepId: string; runIds: string[] } {
  const parsed = parseSweepSpec(spec);
  const sweepId = sweepIdFor(parsed);
  return { sweepId, runIds: planSweep(parsed).cells.map((c) => jobIdFor(sweepId, c.cellKey)).sort() };
}

async function count(h: Harness, table: string, where = 'true'): Promise<number> {
  const { rows } = await h.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`);
  return Number(rows[0]!.n);
}

describe('sweep lifecycle', () => {
  it('submits, enqueues the planned job ids, ignores a resubmission, cancels, and retries', async () => {
    h = await startHarness();
    const spec = tinySpec();
    const { sweepId, runIds } = plannedIds(spec);

    const submit = await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers: h.auth('write'), payload: spec });
    expect(submit.statusCode).toBe(201);
    expect(submit.json()).toMatchObject({ sweep: { id: sweepId, cellCount: 4 }, created: true, enqueued: 4, pending: 0 });

    const jobs = await h.queue.getJobs(['prioritized', 'waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual(runIds);
    expect(jobs[0]!.data.sweepId).toBe(sweepId);
    expect(await count(h, 'run', `status = 'QUEUED'`)).toBe(4);
    expect(await count(h, 'sweep', 'enqueued_at IS NOT NULL')).toBe(1);
    const queuedEvents = await h.db.pool.query<{ data: unknown }>(`SELECT data FROM run_event WHERE type = 'sweep.queued'`);
    expect(queuedEvents.rows.map((r) => r.data)).toEqual([{ queued: 4, pending: 0 }]);

    const again = await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers: h.auth('write'), payload: spec });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ sweep: { id: sweepId }, created: false, enqueued: 0 });
    expect(await count(h, 'sweep')).toBe(1);
    expect(await count(h, 'run')).toBe(4);
    expect(await h.queue.count()).toBe(4);

    const cancel = await h.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/cancel`, headers: h.auth('write') });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ cancelled: 4, stopping: 0 });
    expect(await h.queue.count()).toBe(0);
    expect(await count(h, 'run', `status = 'CANCELLED'`)).toBe(4);
    expect(await count(h, 'sweep', `status = 'CANCELLED'`)).toBe(1);

    const retry = await h.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/retry`, headers: h.auth('write') });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ reset: 4, enqueued: 4, pending: 0 });
    expect((await h.queue.getJobs(['prioritized', 'waiting'])).map((j) => j.id).sort()).toEqual(runIds);
    expect(await count(h, 'sweep', `status = 'ACTIVE'`)).toBe(1);

    const status = await h.app.inject({ method: 'GET', url: `/v1/sweeps/${sweepId}` });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ sweep: { id: sweepId, counts: { QUEUED: 4 } }, progress: { stepsDone: 0 } });
  });

  it('re-enqueues only the failed and lost cells on retry', async () => {
    h = await startHarness();
    const spec = tinySpec();
    const { sweepId, runIds } = plannedIds(spec);
    await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers: h.auth('write'), payload: spec });
    const [failed, lost, succeeded] = runIds as [string, string, string, string];
    // A worker finished one run and failed another; a third job vanished from Redis.
    await h.db.pool.query(`UPDATE run SET status = 'SUCCEEDED', step = total_steps WHERE id = $1`, [succeeded]);
    await h.db.pool.query(`UPDATE run SET status = 'FAILED', error = 'boom' WHERE id = $1`, [failed]);
    await h.queue.remove(succeeded);
    await h.queue.remove(lost);

    const retry = await h.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/retry`, headers: h.auth('write') });
    expect(retry.json()).toMatchObject({ reset: 2, enqueued: 2 });
    const ids = (await h.queue.getJobs(['prioritized', 'waiting'])).map((j) => j.id).sort();
    expect(ids).toEqual(runIds.filter((id) => id !== succeeded).sort());
    const { rows } = await h.db.pool.query<{ status: string }>('SELECT status::text AS status FROM run WHERE id = $1', [succeeded]);
    expect(rows[0]!.status).toBe('SUCCEEDED');
  });

  it('returns the same sweep for a repeated Idempotency-Key and 409 for a different body', async () => {
    h = await startHarness();
    const headers = { ...h.auth('write'), 'idempotency-key': 'key-1' };
    const first = await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers, payload: tinySpec() });
    expect(first.statusCode).toBe(201);
    const second = await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers, payload: tinySpec() });
    expect(second.statusCode).toBe(200);
    expect(second.json().sweep.id).toBe(first.json().sweep.id);
    const other = await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers, payload: tinySpec({ seeds: [7] }) });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(await count(h, 'sweep')).toBe(1);
  });

  it('plans a dry run without writing anything', async () => {
    h = await startHarness();
    const res = await h.app.inject({ method: 'POST', url: '/v1/sweeps?dryRun=true', headers: h.auth('write'), payload: tinySpec() });
    expect(res.statusCode).toBe(200);
    expect(res.json().plan.cells).toHaveLength(4);
    expect(await count(h, 'sweep')).toBe(0);
    expect(await h.queue.count()).toBe(0);
  });
});

describe('Redis down at submit', () => {
  it('keeps the runs PENDING with a 202 and enqueues them on retry once a queue answers', async () => {
    // The app's queue points at a closed port: addBulk times out after ENQUEUE_TIMEOUT_MS.
    h = await startHarness({ queueConnection: { host: '127.0.0.1', port: 1 } });
    const spec = tinySpec();
    const { sweepId, runIds } = plannedIds(spec);
    const submit = await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers: h.auth('write'), payload: spec });
    expect(submit.statusCode).toBe(202);
    expect(submit.json()).toMatchObject({ created: true, enqueued: 0, pending: 4 });
    expect(submit.json().warnings.join(' ')).toMatch(/PENDING/);
    expect(await count(h, 'run', `status = 'PENDING'`)).toBe(4);
    // The runs it could not add are PENDING, so the sweep itself is confirmed: nothing else is outstanding.
    expect(await count(h, 'sweep', 'enqueued_at IS NOT NULL')).toBe(1);

    const retryDown = await h.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/retry`, headers: h.auth('write') });
    expect(retryDown.statusCode).toBe(202);
    expect(retryDown.json()).toMatchObject({ enqueued: 0, pending: 4 });
    expect(await count(h, 'run', `status = 'PENDING'`)).toBe(4);

    // Redis is back: a second app on the same database, with a queue that answers, finishes the job.
    const healthy = await startHarnessOn(h);
    try {
      const retry = await healthy.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/retry`, headers: healthy.auth('write') });
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toMatchObject({ enqueued: 4, pending: 0 });
      expect((await healthy.queue.getJobs(['prioritized', 'waiting'])).map((j) => j.id).sort()).toEqual(runIds);
      expect(await count(h, 'run', `status = 'QUEUED'`)).toBe(4);
    } finally {
      await healthy.closeApp();
    }
  });

  it('lets the background re-enqueuer pick up runs a Redis outage left PENDING', async () => {
    h = await startHarness({ queueConnection: { host: '127.0.0.1', port: 1 } });
    const spec = tinySpec();
    const { runIds } = plannedIds(spec);
    await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers: h.auth('write'), payload: spec });
    const healthy = await startHarnessOn(h);
    try {
      expect(await healthy.enqueuer.sweepOnce(0)).toBe(4);
      expect((await healthy.queue.getJobs(['prioritized', 'waiting'])).map((j) => j.id).sort()).toEqual(runIds);
    } finally {
      await healthy.closeApp();
    }
  });
});

describe('submit that died between its transaction and the end of addBulk', () => {
  it('leaves the sweep unconfirmed, and the re-enqueuer adds the QUEUED runs that have no job', async () => {
    h = await startHarness();
    const spec = tinySpec();
    const { runIds } = plannedIds(spec);
    // The transaction committed (runs QUEUED, sweep unconfirmed); one job made it to Redis before the crash.
    const planned = planSubmission(spec, h.config.MAX_CELLS_PER_SWEEP);
    expect(await insertSweep(h.db, planned.rows, null, null)).toBe(true);
    expect(await count(h, 'run', `status = 'QUEUED'`)).toBe(4);
    expect(await count(h, 'sweep', 'enqueued_at IS NULL')).toBe(1);
    const first = planned.rows.runs[0]!;
    await h.queue.add('train', { runId: first.id } as never, { jobId: first.id });

    // Within the grace period the sweep is left alone (its submit may still be adding jobs).
    expect(await h.enqueuer.sweepOnce(60_000)).toBe(0);
    expect(await h.queue.count()).toBe(1);

    expect(await h.enqueuer.sweepOnce(0)).toBe(4);
    const jobs = await h.queue.getJobs(['prioritized', 'waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual(runIds);
    // The job that existed was not replaced (BullMQ ignores an id it holds).
    expect(jobs.find((j) => j.id === first.id)!.data).toEqual({ runId: first.id });
    expect(await count(h, 'sweep', 'enqueued_at IS NOT NULL')).toBe(1);
    expect(await count(h, 'run', `status = 'QUEUED'`)).toBe(4);
    // Confirmed: the next pass finds nothing to do.
    expect(await h.enqueuer.sweepOnce(0)).toBe(0);
  });
});

/** A second app on the same database and queue name as `h`, whose queue reaches the real Redis. */
async function startHarnessOn(h: Harness) {
  const { Queue } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const { buildApp } = await import('../../app.js');
  const queue = new Queue(h.config.TRAIN_QUEUE, { connection: { host: '127.0.0.1', port: 6379 } });
  const publisher = new Redis({ host: '127.0.0.1', port: 6379 });
  const built = await buildApp(h.config, { db: h.db, queue: queue as never, publisher }, { logger: false, reenqueue: false });
  return {
    ...built,
    queue,
    auth: h.auth,
    async closeApp() {
      await built.app.close();
      await queue.obliterate({ force: true });
      await queue.close();
      publisher.disconnect();
    },
  };
}
