// Moving runs from PENDING (rows written) to QUEUED (a BullMQ job exists). Called by the submit path right after the
// transaction, by retry, and by the background re-enqueuer for whatever a Redis outage left behind.
//
// Order: addBulk first, then the rows are marked QUEUED. A crash or a Redis timeout between the two leaves rows
// PENDING whose jobs may exist; adding them again is a no-op because BullMQ ignores a job id it already holds, so
// the next pass only fixes the rows. Nothing is lost and nothing is enqueued twice.
import type { FastifyBaseLogger } from 'fastify';
import type { JobsOptions } from 'bullmq';
import type { TrainJobPayload, TrainingConfig } from '@shapesweep/contract';
import type { AppContext } from '../../context.js';
import { withTimeout } from '../../http/timeout.js';
import type { PlannedRun } from './plan-types.js';
import { markQueued, runsToEnqueue, sweepsWithPendingRuns, type EnqueueRow } from './store.js';

/** Jobs per addBulk call: one Redis MULTI each; bounded so one call never holds Redis for long. */
const ADD_BULK_CHUNK = 1_000;
/** addBulk calls sent before the oldest one answers (see enqueueRows). */
const ADD_BULK_IN_FLIGHT = 2;
/**
 * BullMQ priority of the spec's priority. The spec speaks BullMQ (1 most urgent … 2^21 least; 0 = none), but BullMQ
 * runs jobs WITHOUT a priority before every prioritised one, so "0 = none" would jump ahead of priority 1. Every job
 * therefore gets a priority, and 0 maps to the middle of the range (2^20): specs with 1 … 2^20−1 run before
 * default sweeps, larger values after them.
 */
export const DEFAULT_BULLMQ_PRIORITY = 1_048_576;

export function bullmqPriority(specPriority: number): number {
  return specPriority === 0 ? DEFAULT_BULLMQ_PRIORITY : specPriority;
}

export function payloadOf(sweepId: string, row: EnqueueRow): TrainJobPayload {
  return {
    runId: row.id,
    sweepId,
    name: row.name,
    shape: { el: row.el, dl: row.dl, dm: row.dm, ff: row.ff, nh: row.nh, kv: row.kv, vocab: row.vocab },
    // Written by this API from a validated plan; the worker validates every payload again (contract schema).
    training: row.hparams as TrainingConfig,
    seed: row.seed,
  };
}

export interface EnqueueResult {
  /** Runs moved to QUEUED by this call. */
  enqueued: number;
  /** Runs still PENDING afterwards (the queue failed part-way); the re-enqueuer will retry them. */
  pending: number;
  /** Why the queue failed, when it did. */
  error: string | null;
}

export class Enqueuer {
  /** One enqueue pass per sweep at a time in this process (submit, retry and the background pass may overlap). */
  private readonly running = new Map<string, Promise<EnqueueResult>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly ctx: AppContext, private readonly log: FastifyBaseLogger) {}

  jobOptions(runId: string, priority: number): JobsOptions {
    return {
      jobId: runId,
      priority: bullmqPriority(priority),
      attempts: this.ctx.config.JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: 30_000 },
      // Finished jobs are history for the dashboard; the Run rows are the record. Keep a week / a month.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    };
  }

  /** Enqueues every PENDING run of the sweep (optionally only `ids`). Never throws for a Redis failure. */
  enqueuePending(sweepId: string, priority: number, ids?: readonly string[]): Promise<EnqueueResult> {
    return this.serialised(sweepId, () => this.enqueueNow(sweepId, priority, ids));
  }

  /** The submit path: the runs were just inserted as PENDING, so they need not be read back. */
  enqueuePlanned(sweepId: string, priority: number, runs: readonly PlannedRun[]): Promise<EnqueueResult> {
    const rows: EnqueueRow[] = runs.map((r) => ({ id: r.id, name: r.name, ...r.shape, hparams: r.training, seed: r.seed }));
    return this.serialised(sweepId, () => this.enqueueRows(sweepId, priority, rows));
  }

  private serialised(sweepId: string, run: () => Promise<EnqueueResult>): Promise<EnqueueResult> {
    const previous = this.running.get(sweepId) ?? Promise.resolve(null);
    const next = previous.then(run);
    const tracked = next.finally(() => {
      if (this.running.get(sweepId) === tracked) this.running.delete(sweepId);
    });
    this.running.set(sweepId, tracked);
    return tracked;
  }

  private async enqueueNow(sweepId: string, priority: number, ids?: readonly string[]): Promise<EnqueueResult> {
    return this.enqueueRows(sweepId, priority, await runsToEnqueue(this.ctx.deps.db, sweepId, ['PENDING'], ids));
  }

  /**
   * addBulk chunk by chunk, with up to ADD_BULK_IN_FLIGHT chunks sent before the oldest answers: Node serialises the
   * next chunk while Redis runs the previous one's scripts (ioredis keeps them in order on the one connection). Each
   * chunk's rows are marked QUEUED once Redis accepted it, while Redis takes the next chunks (Postgres and Redis work
   * in parallel; the marks stay in chunk order). After a failure no new chunk is sent; a chunk already in flight may
   * still land, leaving its runs PENDING with jobs that exist — the next pass re-adds them (a no-op) and marks them.
   */
  private async enqueueRows(sweepId: string, priority: number, rows: readonly EnqueueRow[]): Promise<EnqueueResult> {
    let added = 0;
    let failure: string | null = null;
    let marking: Promise<number> = Promise.resolve(0);
    const inFlight: Array<Promise<void>> = [];
    for (let start = 0; start < rows.length && failure === null; start += ADD_BULK_CHUNK) {
      const chunk = rows.slice(start, start + ADD_BULK_CHUNK);
      const jobs = chunk.map((row) => ({ name: 'train', data: payloadOf(sweepId, row), opts: this.jobOptions(row.id, priority) }));
      const sent = withTimeout(this.ctx.deps.queue.addBulk(jobs), this.ctx.config.ENQUEUE_TIMEOUT_MS, 'Redis (addBulk)').then(
        () => {
          if (failure !== null) return;
          added += chunk.length;
          const ids = chunk.map((r) => r.id);
          marking = marking.then(async (n) => n + (await markQueued(this.ctx.deps.db, sweepId, ids)));
          // A failed mark must surface at the final await, not as an unhandled rejection in between.
          marking.catch(() => undefined);
        },
        (err: unknown) => {
          failure ??= err instanceof Error ? err.message : String(err);
        },
      );
      inFlight.push(sent);
      if (inFlight.length >= ADD_BULK_IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
    const enqueued = await marking;
    if (failure !== null) {
      this.log.warn({ sweepId, err: failure, pending: rows.length - added }, 'enqueue failed; runs stay PENDING for the re-enqueuer');
      return { enqueued, pending: rows.length - added, error: failure };
    }
    return { enqueued, pending: 0, error: null };
  }

  /** One background pass: every active sweep with runs left PENDING for longer than `graceMs`. */
  async sweepOnce(graceMs: number): Promise<number> {
    const sweepIds = await sweepsWithPendingRuns(this.ctx.deps.db, graceMs, 100);
    let enqueued = 0;
    for (const sweepId of sweepIds) {
      if (this.stopped) break;
      const { rows } = await this.ctx.deps.db.pool.query<{ priority: number }>('SELECT priority FROM sweep WHERE id = $1', [sweepId]);
      const result = await this.enqueuePending(sweepId, rows[0]?.priority ?? 0);
      enqueued += result.enqueued;
      // Redis is still down: the other sweeps would time out the same way; try again next interval.
      if (result.error !== null) break;
    }
    return enqueued;
  }

  start(intervalMs: number): void {
    const tick = async (): Promise<void> => {
      try {
        const n = await this.sweepOnce(intervalMs);
        if (n > 0) this.log.info({ enqueued: n }, 're-enqueued pending runs');
      } catch (err) {
        this.log.warn({ err }, 're-enqueue pass failed');
      }
      if (!this.stopped) {
        this.timer = setTimeout(() => void tick(), intervalMs);
        this.timer.unref();
      }
    };
    this.timer = setTimeout(() => void tick(), intervalMs);
    this.timer.unref();
  }

  /** Stops the background pass and waits for enqueue passes in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await Promise.allSettled([...this.running.values()]);
  }
}
