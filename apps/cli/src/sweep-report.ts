// Everything `shapesweep report` shows, read from the API: the sweep, its runs, their per-task scores (from
// /v1/results), the paper's comparison (/v1/sweeps/:id/report) and, for --html, downsampled pretraining curves.
import type { SweepReport } from '@shapesweep/analysis';
import type { ReportCurve, ReportRun } from '@shapesweep/report';
import { ApiError, type ApiClient } from './api-client.js';
import type { ResultItem, RunSummary, SweepStatus } from './api-types.js';
import { taskScore } from './commands/results.js';
import { loadRuns, sweepPath } from './watch/watch.js';

export interface SweepReportData {
  status: SweepStatus;
  runs: RunSummary[];
  /** Analysis records of every run (metrics null where the run has not succeeded), with shape and status. */
  records: ReportRun[];
  /** Task names that have a score in any run, sorted. */
  tasks: string[];
  /** The API's sweepReport over the succeeded runs; null when it has too little data to answer. */
  report: SweepReport | null;
}

/** Curve points per run in the HTML report (the API downsamples with LTTB, keeping first, last and extremes). */
export const REPORT_CURVE_POINTS = 400;
/** Curve requests in flight at once. */
const CURVE_CONCURRENCY = 6;

export async function loadSweepReport(client: ApiClient, sweepId: string): Promise<SweepReportData> {
  const path = sweepPath(sweepId);
  const status = await client.get<SweepStatus>(path);
  const [runs, results, report] = await Promise.all([
    loadRuns(client, sweepId),
    client.all<ResultItem>('/v1/results', 'items', { sweep: sweepId }),
    client.get<{ report: SweepReport }>(`${path}/report`).then(
      (r) => r.report,
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 422) return null;
        throw err;
      },
    ),
  ]);
  const scores = new Map(results.map((r) => [r.id, r.scores]));
  const tasks = [...new Set(results.flatMap((r) => Object.keys(r.scores)))].sort();
  const records = runs.map((run): ReportRun => {
    const succeeded = run.status === 'SUCCEEDED';
    const runScores: Record<string, number> = {};
    for (const task of tasks) {
      const value = taskScore(scores.get(run.id) ?? {}, task);
      if (value !== null) runScores[task] = value;
    }
    return {
      id: run.id,
      name: run.name,
      family: run.family,
      referenceName: run.referenceName,
      params: run.cost.params,
      flops: run.cost.trainFlopsSpent ?? run.cost.plannedTrainFlops,
      wallSeconds: run.cost.wallSeconds,
      negLogPerplexity: succeeded ? run.quality.negLogPerplexity : null,
      downstreamMean: succeeded ? run.quality.downstreamMean : null,
      scores: runScores,
      tokensPerSecond: run.progress.tokensPerSecond,
      shape: { el: run.shape.el, dl: run.shape.dl, dm: run.shape.dm, ff: run.shape.ff, nh: run.shape.nh, kv: run.shape.kv },
      status: run.status,
    };
  });
  return { status, runs, records, tasks, report };
}

/** Pretraining curves of the runs that trained, downsampled by the API. */
export async function loadPretrainCurves(client: ApiClient, runs: readonly RunSummary[]): Promise<ReportCurve[]> {
  const trained = runs.filter((r) => r.progress.step > 0 || r.status === 'SUCCEEDED');
  const curves: ReportCurve[] = [];
  for (let i = 0; i < trained.length; i += CURVE_CONCURRENCY) {
    const batch = await Promise.all(
      trained.slice(i, i + CURVE_CONCURRENCY).map((run) =>
        client.get<{ runId: string; curves: Array<{ phase: string; name: string; points: Array<[number, number]> }> }>(
          `/v1/runs/${encodeURIComponent(run.id)}/metrics`,
          { phase: 'pretrain', maxPoints: REPORT_CURVE_POINTS },
        ),
      ),
    );
    for (const response of batch) {
      for (const curve of response.curves) {
        curves.push({ runId: response.runId, phase: curve.phase, name: curve.name, points: curve.points.map(([step, value]) => ({ step, value })) });
      }
    }
  }
  return curves;
}
