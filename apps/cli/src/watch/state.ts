// What `watch` knows about a sweep: a snapshot of its runs (GET /v1/sweeps/:id/runs) with the sweep's events
// (GET /v1/sweeps/:id/events) applied on top. Pure: no I/O, time passed in, so it is tested with plain objects.
import type { RunSummary, SweepStatus } from '../api-types.js';

export type RunStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export const FINISHED_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface WatchedRun {
  id: string;
  name: string;
  family: string;
  status: string;
  phase: string | null;
  step: number;
  totalSteps: number;
  tokensPerSecond: number | null;
  /** Seconds left as last reported by the worker, and when (ms) that report arrived. */
  etaSeconds: number | null;
  etaAtMs: number | null;
  /** Latest pretraining eval loss seen in run.metrics. */
  evalLoss: number | null;
  negLogPerplexity: number | null;
  downstreamMean: number | null;
  /** A cancel was requested and the run has not stopped yet. */
  stopping: boolean;
  error: string | null;
}

/** One line worth printing in plain (non-terminal) mode: a run changed status. */
export interface Transition {
  run: WatchedRun;
  from: string;
  to: string;
}

/** An SSE message as the api sends it: `data` is `{ id, type, sweepId, runId, createdAt, data }`. */
export interface SweepEvent {
  id: string;
  type: string;
  runId: string | null;
  data: Record<string, unknown>;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function watchedRun(run: RunSummary): WatchedRun {
  return {
    id: run.id,
    name: run.name,
    family: run.family,
    status: run.status,
    phase: run.progress.phase,
    step: run.progress.step,
    totalSteps: run.progress.totalSteps,
    tokensPerSecond: run.progress.tokensPerSecond,
    etaSeconds: null,
    etaAtMs: null,
    evalLoss: run.quality.evalLoss,
    negLogPerplexity: run.quality.negLogPerplexity,
    downstreamMean: run.quality.downstreamMean,
    stopping: false,
    error: run.error === null ? null : `${run.error.code === null ? '' : `${run.error.code}: `}${run.error.message}`,
  };
}

export class WatchState {
  readonly runs = new Map<string, WatchedRun>();
  status: SweepStatus;
  /** Id of the last event applied: sent as Last-Event-ID when the stream reconnects. */
  lastEventId: string | null = null;

  constructor(status: SweepStatus, runs: readonly RunSummary[]) {
    this.status = status;
    this.replaceRuns(runs);
  }

  /** A fresh snapshot of the runs (start, reconnect without an event id, end). */
  replaceRuns(runs: readonly RunSummary[]): void {
    this.runs.clear();
    for (const run of runs) this.runs.set(run.id, watchedRun(run));
  }

  /** Runs in display order: running first, then waiting, then finished; by name within each. */
  ordered(): WatchedRun[] {
    const rank = (s: string): number => (s === 'RUNNING' ? 0 : FINISHED_STATUSES.has(s) ? 2 : 1);
    return [...this.runs.values()].sort((a, b) => rank(a.status) - rank(b.status) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  counts(): Record<RunStatus, number> {
    const counts: Record<RunStatus, number> = { PENDING: 0, QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 };
    for (const run of this.runs.values()) if (run.status in counts) counts[run.status as RunStatus] += 1;
    return counts;
  }

  /** Every run finished, by the api's counts (the source of truth: it also completes the sweep on read). */
  finished(): boolean {
    const c = this.status.sweep.counts;
    return c.PENDING + c.QUEUED + c.RUNNING === 0;
  }

  /** Apply one event; returns the status change it caused, if any. Unknown event types are ignored. */
  apply(event: SweepEvent, nowMs: number): Transition | null {
    this.lastEventId = event.id;
    const run = event.runId === null ? undefined : this.runs.get(event.runId);
    if (run === undefined) return null;
    const from = run.status;
    const d = event.data;
    switch (event.type) {
      case 'run.queued':
      case 'run.requeued':
        run.status = 'QUEUED';
        run.etaSeconds = null;
        break;
      case 'run.started':
        run.status = 'RUNNING';
        run.error = null;
        run.step = Math.max(run.step, num(d.resumeFromStep) ?? 0);
        break;
      case 'run.progress': {
        // Progress only moves forward; an out-of-order older event must not pull the bar back.
        const step = num(d.step);
        if (step !== null && step >= run.step) {
          run.step = step;
          run.phase = str(d.phase) ?? run.phase;
          run.totalSteps = num(d.totalSteps) ?? run.totalSteps;
          run.tokensPerSecond = num(d.tokensPerSecond) ?? run.tokensPerSecond;
          run.etaSeconds = num(d.etaSeconds);
          run.etaAtMs = nowMs;
        }
        if (!FINISHED_STATUSES.has(run.status)) run.status = 'RUNNING';
        break;
      }
      case 'run.metrics': {
        const points = Array.isArray(d.points) ? (d.points as Array<{ phase?: unknown; name?: unknown; value?: unknown }>) : [];
        for (const p of points) if (p.phase === 'pretrain' && p.name === 'eval_loss' && num(p.value) !== null) run.evalLoss = num(p.value);
        break;
      }
      case 'run.completed':
        run.status = 'SUCCEEDED';
        run.step = run.totalSteps > 0 ? run.totalSteps : run.step;
        run.etaSeconds = 0;
        run.negLogPerplexity = num(d.negLogPerplexity) ?? run.negLogPerplexity;
        run.downstreamMean = num(d.downstreamMean) ?? run.downstreamMean;
        run.tokensPerSecond = num(d.tokensPerSecond) ?? run.tokensPerSecond;
        run.stopping = false;
        break;
      case 'run.failed':
        run.status = 'FAILED';
        run.error = `${str(d.code) ?? 'FAILED'}: ${str(d.message) ?? 'no message'}`;
        run.stopping = false;
        break;
      case 'run.cancel_requested':
        if (!FINISHED_STATUSES.has(run.status)) run.stopping = true;
        break;
      case 'run.cancelled':
        run.status = 'CANCELLED';
        run.stopping = false;
        break;
      default:
        return null;
    }
    return from === run.status ? null : { run, from, to: run.status };
  }
}

/** Seconds left for a run: the worker's estimate counted down since it arrived, else from its token rate. */
export function runEtaSeconds(run: WatchedRun, nowMs: number): number | null {
  if (FINISHED_STATUSES.has(run.status)) return 0;
  if (run.etaSeconds !== null && run.etaAtMs !== null) return Math.max(0, run.etaSeconds - (nowMs - run.etaAtMs) / 1000);
  return null;
}
