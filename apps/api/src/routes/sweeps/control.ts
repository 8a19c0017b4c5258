// Cancel and retry: the two operations that touch both Redis (jobs) and Postgres (run rows).
//
// Cancel: the sweep becomes CANCELLED first (the re-enqueuer skips it from then on). PENDING runs are cancelled in
// the database. QUEUED runs lose their job (Queue.remove; a job a worker has locked cannot be removed, so it gets
// the RUNNING treatment). RUNNING runs get a cancel ControlMessage on the control channel; the worker stops at the
// next step and writes run.cancelled itself. A run.cancel_requested event marks every run asked to stop.
//
// Retry: re-enqueues the cells that are not done and not on the queue — FAILED, CANCELLED, PENDING, and QUEUED runs
// whose job vanished from Redis — never SUCCEEDED or RUNNING ones. A failed/cancelled run keeps its id (= job id,
// the schema's invariant), so its old job is removed first: BullMQ silently ignores an add for an id it still holds.
import { CONTROL_CHANNEL_PREFIX, ShapesweepError, type ControlMessage } from '@shapesweep/contract';
import type { AppContext } from '../../context.js';
import { withTimeout } from '../../http/timeout.js';
import type { Enqueuer, EnqueueResult } from './enqueue.js';
import { markCancelled, resetToPending, runIdsByStatus, setSweepStatus, writeEvents, type SweepRow } from './store.js';

/** Parallel Redis calls per batch (each Queue.remove is one Lua script). */
const REDIS_BATCH = 500;

export function controlChannel(queueName: string): string {
  return `${CONTROL_CHANNEL_PREFIX}:${queueName}`;
}

async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += REDIS_BATCH) out.push(...(await Promise.all(items.slice(i, i + REDIS_BATCH).map(fn))));
  return out;
}

function queueUnavailable(err: unknown, what: string): ShapesweepError {
  const why = err instanceof Error ? err.message : String(err);
  return new ShapesweepError('QUEUE_UNAVAILABLE', `${what}: the job queue (Redis) is unavailable (${why}); try again when it is back`, { cause: err });
}

export interface CancelResult {
  /** Runs cancelled before reaching a worker. */
  cancelled: number;
  /** Running runs asked to stop (they report run.cancelled themselves). */
  stopping: number;
  /** Set when Redis failed part-way: queued jobs that could not be removed (workers skip runs of cancelled sweeps). */
  warning: string | null;
}

export async function cancelSweep(ctx: AppContext, sweep: SweepRow): Promise<CancelResult> {
  const { db, queue, publisher } = ctx.deps;
  if (sweep.status === 'COMPLETED') {
    throw new ShapesweepError('SWEEP_NOT_CANCELLABLE', `sweep ${sweep.id} is already completed; nothing to cancel`, { details: [`params.id: ${sweep.id} is COMPLETED`] });
  }
  await setSweepStatus(db, sweep.id, 'CANCELLED');
  const runs = await runIdsByStatus(db, sweep.id, ['PENDING', 'QUEUED', 'RUNNING']);
  const pending = runs.filter((r) => r.status === 'PENDING').map((r) => r.id);
  const queued = runs.filter((r) => r.status === 'QUEUED').map((r) => r.id);
  const running = runs.filter((r) => r.status === 'RUNNING').map((r) => r.id);
  let cancelled = await markCancelled(db, sweep.id, pending, 'sweep cancelled');

  let removed: string[] = [];
  let locked: string[] = [];
  let warning: string | null = null;
  try {
    const results = await withTimeout(inBatches(queued, (id) => queue.remove(id)), ctx.config.ENQUEUE_TIMEOUT_MS * 4, 'Redis (remove)');
    removed = queued.filter((_, i) => results[i] === 1);
    locked = queued.filter((_, i) => results[i] !== 1);
  } catch (err) {
    warning = `${queued.length} queued jobs could not be removed: ${err instanceof Error ? err.message : String(err)}; workers skip runs of a cancelled sweep, and POST /cancel again removes them`;
  }
  cancelled += await markCancelled(db, sweep.id, removed, 'sweep cancelled');

  const toStop = [...running, ...locked];
  if (toStop.length > 0) {
    await writeEvents(db, sweep.id, 'run.cancel_requested', toStop, { reason: 'sweep cancelled' });
    const message: ControlMessage = { type: 'cancel', runIds: toStop };
    try {
      await withTimeout(publisher.publish(controlChannel(queue.name), JSON.stringify(message)), ctx.config.ENQUEUE_TIMEOUT_MS, 'Redis (publish)');
    } catch (err) {
      warning = `${warning === null ? '' : `${warning}; `}could not tell ${toStop.length} running runs to stop: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return { cancelled, stopping: toStop.length, warning };
}

export interface RetryResult extends EnqueueResult {
  /** Runs handed back to PENDING by this call (failed, cancelled, lost from the queue). */
  reset: number;
  /** Runs left alone because a worker holds their job right now. */
  busy: number;
}

export async function retrySweep(ctx: AppContext, enqueuer: Enqueuer, sweep: SweepRow): Promise<RetryResult> {
  const { db, queue } = ctx.deps;
  const runs = await runIdsByStatus(db, sweep.id, ['FAILED', 'CANCELLED', 'QUEUED']);
  const finished = runs.filter((r) => r.status !== 'QUEUED').map((r) => r.id);
  const queued = runs.filter((r) => r.status === 'QUEUED').map((r) => r.id);

  let lost: string[];
  let removedIds: string[];
  let busy: number;
  try {
    // QUEUED rows whose job is gone from Redis (flushed, removed by hand): BullMQ reports their state as 'unknown'.
    const states = await withTimeout(inBatches(queued, (id) => queue.getJobState(id)), ctx.config.ENQUEUE_TIMEOUT_MS * 4, 'Redis (job state)');
    const exists = states.map((state) => (state === 'unknown' ? 0 : 1));
    lost = queued.filter((_, i) => exists[i] === 0);
    const removal = await withTimeout(inBatches(finished, (id) => queue.remove(id)), ctx.config.ENQUEUE_TIMEOUT_MS * 4, 'Redis (remove)');
    removedIds = finished.filter((_, i) => removal[i] === 1);
    busy = finished.length - removedIds.length;
  } catch (err) {
    throw queueUnavailable(err, `retry of sweep ${sweep.id}`);
  }
  const reset = await resetToPending(db, sweep.id, [...removedIds, ...lost]);
  const pending = await runIdsByStatus(db, sweep.id, ['PENDING']);
  if (pending.length > 0) await setSweepStatus(db, sweep.id, 'ACTIVE', ['COMPLETED', 'CANCELLED']);
  const result = await enqueuer.enqueuePending(sweep.id, sweep.priority);
  return { ...result, reset, busy };
}
