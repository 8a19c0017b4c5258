// Every Postgres write the worker makes about a run, each idempotent so that BullMQ's at-least-once delivery (a
// re-delivered job, a retried write after a blip) never counts anything twice:
//  - status changes are conditional updates (`WHERE status IN (...)`), and an event row is written only when the
//    update actually changed the row;
//  - scores and checkpoints are keyed inserts (`skipDuplicates` / upsert on their natural keys).
import { randomUUID } from 'node:crypto';
import { RunStatus, type Database, type Prisma } from '@shapesweep/db';
import type { TrainJobProgress } from '@shapesweep/contract';
import type { CellResult } from './ipc.js';

type Status = (typeof RunStatus)[keyof typeof RunStatus];

/** Statuses a run may still leave; a run in any other status is finished and its job must not train again. */
export const ACTIVE_STATUSES: readonly Status[] = [RunStatus.PENDING, RunStatus.QUEUED, RunStatus.RUNNING];

export interface RunSnapshot {
  id: string;
  sweepId: string;
  status: Status;
  attempts: number;
  step: number;
}

export type RunEventType = 'run.started' | 'run.progress' | 'run.metrics' | 'run.completed' | 'run.failed' | 'run.cancelled' | 'run.requeued';

export class RunStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async get(runId: string): Promise<RunSnapshot | null> {
    return this.#db.prisma.run.findUnique({ where: { id: runId }, select: { id: true, sweepId: true, status: true, attempts: true, step: true } });
  }

  /** True when the api logged a cancel request for the run (a cancel published while no worker listened is not lost). */
  async cancelRequested(runId: string): Promise<boolean> {
    const event = await this.#db.prisma.runEvent.findFirst({ where: { runId, type: 'run.cancel_requested' }, select: { id: true } });
    return event !== null;
  }

  /**
   * RUNNING on this worker, attempts + 1, startedAt kept from the first start. Returns the new attempt count, or null
   * when the run is already finished (a re-delivered job) and must not train.
   */
  async markRunning(run: RunSnapshot, where: { workerId: string; backend: string; device: string | null }): Promise<number | null> {
    return this.#db.prisma.$transaction(async (tx) => {
      const updated = await tx.run.updateMany({
        where: { id: run.id, status: { in: [...ACTIVE_STATUSES] } },
        data: { status: RunStatus.RUNNING, workerId: where.workerId, backend: where.backend, device: where.device, attempts: { increment: 1 }, errorCode: null, error: null, finishedAt: null },
      });
      if (updated.count === 0) return null;
      await tx.run.updateMany({ where: { id: run.id, startedAt: null }, data: { startedAt: new Date() } });
      const row = await tx.run.findUniqueOrThrow({ where: { id: run.id }, select: { attempts: true, step: true } });
      await this.#event(tx, run.sweepId, run.id, 'run.started', { attempt: row.attempts, workerId: where.workerId, backend: where.backend, device: where.device, resumeFromStep: row.step });
      return row.attempts;
    });
  }

  /** Summary columns a dashboard polls, plus a run.progress event when `withEvent` (throttled by the caller). */
  async progress(run: RunSnapshot, progress: TrainJobProgress, withEvent: boolean): Promise<void> {
    await this.#db.prisma.$transaction(async (tx) => {
      const updated = await tx.run.updateMany({
        where: { id: run.id, status: RunStatus.RUNNING },
        data: { step: progress.step, totalSteps: progress.totalSteps, phase: progress.phase, tokensSeen: BigInt(progress.tokensSeen), tokensPerSecond: progress.tokensPerSecond },
      });
      if (withEvent && updated.count > 0) await this.#event(tx, run.sweepId, run.id, 'run.progress', progress);
    });
  }

  /** Evaluation summaries (eval loss, downstream scores as they appear) for the live event stream. */
  async metricsEvent(run: RunSnapshot, points: readonly { phase: string; name: string; step: number; value: number }[]): Promise<void> {
    await this.#event(this.#db.prisma, run.sweepId, run.id, 'run.metrics', { points: points.map((p) => ({ phase: p.phase, name: p.name, step: p.step, value: Number.isFinite(p.value) ? p.value : null })) });
  }

  /**
   * One row per (run, phase, step); a checkpoint rewritten after a resume updates its row. The rows of the older
   * checkpoints the storage deleted with this save go in the same transaction, so the rows list what exists.
   */
  async checkpoint(runId: string, checkpoint: { phase: string; step: number; uri: string; bytes: number; removed: readonly string[] }): Promise<void> {
    const upsert = this.#db.prisma.checkpoint.upsert({
      where: { runId_phase_step: { runId, phase: checkpoint.phase, step: checkpoint.step } },
      create: { id: randomUUID(), runId, phase: checkpoint.phase, step: checkpoint.step, uri: checkpoint.uri, bytes: BigInt(checkpoint.bytes) },
      update: { uri: checkpoint.uri, bytes: BigInt(checkpoint.bytes) },
    });
    if (checkpoint.removed.length === 0) {
      await upsert;
      return;
    }
    await this.#db.prisma.$transaction([
      upsert,
      this.#db.prisma.checkpoint.deleteMany({ where: { runId, uri: { in: [...checkpoint.removed] }, NOT: { uri: checkpoint.uri } } }),
    ]);
  }

  /** Scores + summary columns + SUCCEEDED + run.completed, in one transaction. Returns false when already finished. */
  async complete(run: RunSnapshot, result: CellResult): Promise<boolean> {
    return this.#db.prisma.$transaction(async (tx) => {
      if (result.scores.length > 0) {
        await tx.downstreamScore.createMany({
          data: result.scores.map((s) => ({ runId: run.id, task: s.task, metric: s.metric, value: s.value, step: s.step })),
          skipDuplicates: true,
        });
      }
      const updated = await tx.run.updateMany({
        where: { id: run.id, status: { in: [...ACTIVE_STATUSES] } },
        data: {
          status: RunStatus.SUCCEEDED,
          evalLoss: finiteOrNull(result.evalLoss),
          negLogPerplexity: finiteOrNull(result.negLogPerplexity),
          downstreamMean: result.downstreamMean,
          wallSeconds: result.wallSeconds,
          tokensPerSecond: result.tokensPerSecond,
          tokensSeen: BigInt(result.tokensSeen),
          trainFlopsSpent: result.trainFlopsSpent,
          backend: result.backend,
          finishedAt: new Date(),
          errorCode: null,
          error: null,
        },
      });
      if (updated.count === 0) return false;
      const { step, totalSteps } = await tx.run.findUniqueOrThrow({ where: { id: run.id }, select: { step: true, totalSteps: true } });
      // The last throttled progress may be a few steps behind; a finished run shows its full length.
      if (step < totalSteps) await tx.run.update({ where: { id: run.id }, data: { step: totalSteps } });
      await this.#event(tx, run.sweepId, run.id, 'run.completed', { ...result, evalLoss: finiteOrNull(result.evalLoss), negLogPerplexity: finiteOrNull(result.negLogPerplexity) });
      return true;
    });
  }

  /** FAILED with a catalogue code; returns false when the run was already finished. */
  async fail(run: Pick<RunSnapshot, 'id' | 'sweepId'>, code: string, message: string, details: readonly string[] = []): Promise<boolean> {
    return this.#finish(run, RunStatus.FAILED, 'run.failed', { errorCode: code, error: message.slice(0, 10_000) }, { code, message, details });
  }

  async cancel(run: Pick<RunSnapshot, 'id' | 'sweepId'>, step: number | null): Promise<boolean> {
    return this.#finish(run, RunStatus.CANCELLED, 'run.cancelled', { errorCode: 'TRAINING_CANCELLED', error: 'cancelled' }, { step });
  }

  /** Back to QUEUED after a hand-back or before a retry: no worker holds it, BullMQ will deliver it again. */
  async requeue(run: RunSnapshot, reason: string, error?: { code: string; message: string }): Promise<void> {
    await this.#db.prisma.$transaction(async (tx) => {
      const updated = await tx.run.updateMany({
        where: { id: run.id, status: RunStatus.RUNNING },
        data: { status: RunStatus.QUEUED, workerId: null, ...(error === undefined ? {} : { errorCode: error.code, error: error.message.slice(0, 10_000) }) },
      });
      if (updated.count > 0) await this.#event(tx, run.sweepId, run.id, 'run.requeued', { reason, ...(error === undefined ? {} : { error }) });
    });
  }

  async #finish(run: Pick<RunSnapshot, 'id' | 'sweepId'>, status: Status, type: RunEventType, columns: { errorCode: string; error: string }, data: object): Promise<boolean> {
    return this.#db.prisma.$transaction(async (tx) => {
      const updated = await tx.run.updateMany({
        where: { id: run.id, status: { in: [...ACTIVE_STATUSES] } },
        data: { status, finishedAt: new Date(), ...columns },
      });
      if (updated.count === 0) return false;
      await this.#event(tx, run.sweepId, run.id, type, data);
      return true;
    });
  }

  async #event(tx: Prisma.TransactionClient | Database['prisma'], sweepId: string, runId: string, type: RunEventType, data: object): Promise<void> {
    await tx.runEvent.create({ data: { sweepId, runId, type, data: data as Prisma.InputJsonValue } });
  }
}

/** Postgres stores NaN, JSON and most readers do not: a diverged loss is recorded as null. */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
