// Pure state of the sweep page: how live events change a run, which runs each plot shows, the score table.
// No DOM here, so it is unit-tested directly.
import { spearman } from '@shapesweep/analysis';
import type { ResultItem, RunSummary } from '../lib/api.js';
import type { SweepEvent } from '../lib/sse.js';
import type { RunPoint } from '../plots/scatter.js';

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The run after `event` (a new object; the input is not changed), or the same run when the event says nothing
 * about it. Events that arrive late for a finished run (a progress event after run.completed) do not move it back.
 */
export function applyEvent(run: RunSummary, event: SweepEvent): RunSummary {
  if (event.runId !== run.id) return run;
  const d = event.data ?? {};
  switch (event.type) {
    case 'run.queued':
    case 'run.requeued':
      return FINISHED.has(run.status) && event.type === 'run.queued' ? run : { ...run, status: 'QUEUED', workerId: event.type === 'run.requeued' ? null : run.workerId };
    case 'run.started':
      if (FINISHED.has(run.status)) return run;
      return {
        ...run,
        status: 'RUNNING',
        attempts: num(d['attempt']) ?? run.attempts + 1,
        workerId: str(d['workerId']) ?? run.workerId,
        backend: str(d['backend']) ?? run.backend,
        device: str(d['device']) ?? run.device,
        startedAt: run.startedAt ?? event.createdAt,
      };
    case 'run.progress': {
      if (FINISHED.has(run.status)) return run;
      const step = num(d['step']) ?? run.progress.step;
      return {
        ...run,
        status: 'RUNNING',
        progress: {
          phase: str(d['phase']) ?? run.progress.phase,
          step,
          totalSteps: num(d['totalSteps']) ?? run.progress.totalSteps,
          tokensSeen: num(d['tokensSeen']) ?? run.progress.tokensSeen,
          tokensPerSecond: num(d['tokensPerSecond']) ?? run.progress.tokensPerSecond,
        },
      };
    }
    case 'run.completed':
      return {
        ...run,
        status: 'SUCCEEDED',
        finishedAt: event.createdAt,
        progress: { ...run.progress, step: run.progress.totalSteps, tokensPerSecond: num(d['tokensPerSecond']) ?? run.progress.tokensPerSecond },
        quality: {
          evalLoss: num(d['evalLoss']) ?? run.quality.evalLoss,
          negLogPerplexity: num(d['negLogPerplexity']) ?? run.quality.negLogPerplexity,
          downstreamMean: num(d['downstreamMean']) ?? run.quality.downstreamMean,
        },
        cost: { ...run.cost, wallSeconds: num(d['wallSeconds']) ?? run.cost.wallSeconds, trainFlopsSpent: num(d['trainFlopsSpent']) ?? run.cost.trainFlopsSpent },
      };
    case 'run.failed':
      // The worker's run.failed payload is { code, message, details } (apps/worker run-store fail()).
      return { ...run, status: 'FAILED', finishedAt: event.createdAt, error: { code: str(d['code']) ?? null, message: str(d['message']) ?? 'failed' } };
    case 'run.cancelled':
      return { ...run, status: 'CANCELLED', finishedAt: event.createdAt };
    default:
      return run;
  }
}

/** Fraction of a run's steps done, for its progress bar (a succeeded run is full). */
export function runFraction(run: RunSummary): number {
  if (run.status === 'SUCCEEDED') return 1;
  return run.progress.totalSteps > 0 ? Math.min(1, run.progress.step / run.progress.totalSteps) : 0;
}

/** Training FLOPs of a run: spent when recorded, else planned (as the api's budget queries count them). */
export function flopsOf(run: RunSummary): number {
  return run.cost.trainFlopsSpent ?? run.cost.plannedTrainFlops;
}

export type PlotAxis = 'params' | 'flops' | 'speed' | 'upstream';

/** Points of one scatter: finished runs that have a downstream mean and a value on the x axis. */
export function plotPoints(runs: readonly RunSummary[], axis: PlotAxis): RunPoint[] {
  const out: RunPoint[] = [];
  for (const r of runs) {
    if (r.status !== 'SUCCEEDED') continue;
    const y = r.quality.downstreamMean;
    if (y === null || !Number.isFinite(y)) continue;
    const x = axis === 'params' ? r.cost.params : axis === 'flops' ? flopsOf(r) : axis === 'speed' ? r.progress.tokensPerSecond : r.quality.negLogPerplexity;
    if (x === null || !Number.isFinite(x)) continue;
    out.push({ runId: r.id, name: r.name, family: r.family, x, y });
  }
  return out;
}

/** Spearman's ρ of upstream vs downstream over the plotted points (null under 3 points or without variation). */
export function upstreamDownstreamSpearman(points: readonly RunPoint[]): number | null {
  if (points.length < 3) return null;
  return spearman(points.map((p) => p.x), points.map((p) => p.y));
}

export interface ScoreRow {
  run: RunSummary;
  /** task → score (accuracy when the task has it, else its first metric by name). */
  tasks: Record<string, number>;
  mean: number | null;
  upstream: number | null;
}

/** The task's headline score: accuracy, else the first metric by name (the same rule as the api's task queries). */
export function headlineScore(metrics: Readonly<Record<string, number>> | undefined): number | undefined {
  if (metrics === undefined) return undefined;
  if (typeof metrics['accuracy'] === 'number') return metrics['accuracy'];
  const first = Object.keys(metrics).sort()[0];
  return first === undefined ? undefined : metrics[first];
}

/** Score table rows of the finished runs, best mean first, and the task columns found. */
export function scoreTable(runs: readonly RunSummary[], scores: ReadonlyMap<string, ResultItem['scores']>): { tasks: string[]; rows: ScoreRow[] } {
  const taskSet = new Set<string>();
  for (const s of scores.values()) for (const t of Object.keys(s)) taskSet.add(t);
  const tasks = [...taskSet].sort();
  const rows = runs
    .filter((r) => r.status === 'SUCCEEDED')
    .map((run): ScoreRow => {
      const byTask = scores.get(run.id) ?? {};
      const taskScores: Record<string, number> = {};
      for (const t of tasks) {
        const v = headlineScore(byTask[t]);
        if (v !== undefined) taskScores[t] = v;
      }
      return { run, tasks: taskScores, mean: run.quality.downstreamMean, upstream: run.quality.negLogPerplexity };
    })
    .sort((a, b) => (b.mean ?? -Infinity) - (a.mean ?? -Infinity) || a.run.cost.params - b.run.cost.params || (a.run.id < b.run.id ? -1 : 1));
  return { tasks, rows };
}

/** Finetuning tasks from curve phases: "finetune:sentiment" → "sentiment". */
export function taskOfPhase(phase: string): string | null {
  return phase.startsWith('finetune:') ? phase.slice('finetune:'.length) : null;
}

/** Runs whose curves load first: finished ones by best mean score, then running, then the rest. */
export function curveOrder(runs: readonly RunSummary[]): RunSummary[] {
  const rank = (r: RunSummary): number => (r.status === 'SUCCEEDED' ? 0 : r.status === 'RUNNING' ? 1 : r.status === 'FAILED' || r.status === 'CANCELLED' ? 2 : 3);
  return [...runs]
    .filter((r) => r.status !== 'PENDING' && r.status !== 'QUEUED')
    .sort((a, b) => rank(a) - rank(b) || (b.quality.downstreamMean ?? -Infinity) - (a.quality.downstreamMean ?? -Infinity) || (a.id < b.id ? -1 : 1));
}
