// Putting runs' jobs on the queue. Called by the submit path right after its transaction, by retry, and by the
// background re-enqueuer for whatever a Redis outage (or a crash) left behind.
//
// Submit: the runs were written QUEUED with their sweep unconfirmed; addBulk, then one statement confirms the sweep
// and turns the runs Redis did not take into PENDING. A crash in between leaves the sweep unconfirmed, and the
// re-enqueuer re-adds all its QUEUED runs. Retry / re-enqueue: addBulk first, then the PENDING rows are marked
// QUEUED; a crash or a Redis timeout between the two leaves rows PENDING whose jobs may exist. Either way, adding a
// job again is a no-op because BullMQ ignores a job id it already holds, so the next pass only fixes the rows.
// Nothing is lost and nothing is enqueued twice.
import type { FastifyBaseLogger } from 'fastify';
import type { JobsOptions } from 'bullmq';
import type { TrainJobPayload, TrainingConfig } from '@shapesweep/contract';
import type { AppContext } from '../../context.js';
import { withTimeout } from '../../http/timeout.js';
import type { PlannedRun } from './plan-types.js';
import { confirmEnqueued, markQueued, runsToEnqueue, sweepsToEnqueue, type EnqueueRow } from './store.js';

/** Jobs per addBulk call: one Redis MULTI each; bounded so one call never holds Redis for long. */
const ADD_BULK_CHUNK = 1_000;
/** addBulk calls sent before the oldest one answers (see addRows). */
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

/** What one addRows pass did. */
interface AddOutcome {
  /** Rows whose job Redis accepted. */
  added: number;
  /** Ids of the rows whose job was not (known to be) added. */
  notAdded: string[];
  error: string | null;
  /** PENDING → QUEUED marks of the added rows (markPending only): how many moved. */
  marked: Promise<number>;
}

export interface EnqueueResult {
  /** Runs whose job this call put on the queue (re-adding one that exists counts: it is confirmed there). */
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

  /**
   * Enqueues every PENDING run of the sweep and, when the sweep's submit never confirmed its enqueue, its QUEUED
   * runs too (re-adding a job that exists is a no-op). Never throws for a Redis failure.
   */
  enqueuePending(sweepId: string, priority: number): Promise<EnqueueResult> {
    return this.serialised(sweepId, () => this.enqueueOutstanding(sweepId, priority));
  }

  /**
   * The submit path: the runs were just inserted QUEUED, so they need not be read back nor updated one by one. One
   * statement at the end confirms the sweep and returns the runs Redis did not take to PENDING.
   */
  enqueuePlanned(sweepId: string, priority: number, runs: readonly PlannedRun[], training: TrainingConfig): Promise<EnqueueResult> {
    const rows: EnqueueRow[] = runs.map((r) => ({ id: r.id, name: r.name, ...r.shape, hparams: training, seed: r.seed }));
    return this.serialised(sweepId, async () => {
      const outcome = await this.addRows(sweepId, priority, rows, false);
      try {
        await confirmEnqueued(this.ctx.deps.db, sweepId, outcome.added, outcome.notAdded);
      } catch (err) {
        // Postgres failed now: the sweep stays unconfirmed and the re-enqueuer redoes the whole enqueue.
        this.log.warn({ sweepId, err: err instanceof Error ? err.message : String(err) }, 'could not confirm the enqueue; the re-enqueuer will redo it');
      }
      return this.result(sweepId, outcome);
    });
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

  private async enqueueOutstanding(sweepId: string, priority: number): Promise<EnqueueResult> {
    const { db } = this.ctx.deps;
    const { confirmed, rows } = await runsToEnqueue(db, sweepId);
    const outcome = await this.addRows(sweepId, priority, rows, true);
    await outcome.marked;
    if (!confirmed && outcome.error === null) await confirmEnqueued(db, sweepId, outcome.added, []);
    return this.result(sweepId, outcome);
  }

  private result(sweepId: string, outcome: AddOutcome): EnqueueResult {
    if (outcome.error !== null) {
      this.log.warn({ sweepId, err: outcome.error, pending: outcome.notAdded.length }, 'enqueue failed; runs stay PENDING for the re-enqueuer');
    }
    return { enqueued: outcome.added, pending: outcome.notAdded.length, error: outcome.error };
  }

  /**
   * addBulk chunk by chunk, with up to ADD_BULK_IN_FLIGHT chunks sent before the oldest answers: Node serialises the
   * next chunk while Redis runs the previous one's scripts (ioredis keeps them in order on the one connection). With
   * `markPending`, each chunk's PENDING rows are marked QUEUED once Redis accepted it, while Redis takes the next
   * chunks (the marks stay in chunk order). After a failure no new chunk is sent; a chunk already in flight may still
   * land and is still counted as not added — the next pass re-adds it (a no-op) and fixes the rows.
   */
  private async addRows(sweepId: string, priority: number, rows: readonly EnqueueRow[], markPending: boolean): Promise<AddOutcome> {
    const addedChunks: boolean[] = [];
    let failure: string | null = null;
    let marking: Promise<number> = Promise.resolve(0);
    const inFlight: Array<Promise<void>> = [];
    for (let start = 0, index = 0; start < rows.length && failure === null; start += ADD_BULK_CHUNK, index += 1) {
      const chunk = rows.slice(start, start + ADD_BULK_CHUNK);
      const jobs = chunk.map((row) => ({ name: 'train', data: payloadOf(sweepId, row), opts: this.jobOptions(row.id, priority) }));
      const sent = withTimeout(this.ctx.deps.queue.addBulk(jobs), this.ctx.config.ENQUEUE_TIMEOUT_MS, 'Redis (addBulk)').then(
        () => {
          if (failure !== null) return;
          addedChunks[index] = true;
          if (!markPending) return;
          const ids = chunk.map((r) => r.id);
          marking = marking.then(async (n) => n + (await markQueued(this.ctx.deps.db, sweepId, ids)));
          // A failed mark must surface where `marked` is awaited, not as an unhandled rejection in between.
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
    const notAdded = rows.filter((_, i) => addedChunks[Math.floor(i / ADD_BULK_CHUNK)] !== true).map((r) => r.id);
    return { added: rows.length - notAdded.length, notAdded, error: failure, marked: marking };
  }

  /** One background pass: every active sweep with runs left PENDING for longer than `graceMs`. */
  async sweepOnce(graceMs: number): Promise<number> {
    const sweeps = await sweepsToEnqueue(this.ctx.deps.db, graceMs, 100);
    let enqueued = 0;
    for (const { id: sweepId, priority } of sweeps) {
      if (this.stopped) break;
      const result = await this.enqueuePending(sweepId, priority);
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
