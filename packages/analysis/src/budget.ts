// "What is the best model under this budget?": filter by cost caps, then rank by one quality metric.
import { AnalysisError } from './errors.js';
import { readMetric, type RunMetric, type RunRecord } from './runs.js';

/** Cost caps; each is inclusive and optional (absent = no cap). */
export interface Budget {
  /** Maximum trainable parameters. */
  maxParams?: number;
  /** Maximum training FLOPs. */
  maxFlops?: number;
  /** Maximum measured training wall-clock seconds. */
  maxWallSeconds?: number;
}

type Costed = Pick<RunRecord, 'params' | 'flops' | 'wallSeconds'>;

/**
 * The runs whose cost is within every given cap (inclusive). A run with an unknown wall time is outside a
 * `maxWallSeconds` cap: an unmeasured cost cannot be shown to fit. Keeps input order. O(n).
 */
export function withinBudget<T extends Costed>(runs: readonly T[], budget: Budget): T[] {
  for (const key of ['maxParams', 'maxFlops', 'maxWallSeconds'] as const) {
    const cap = budget[key];
    if (cap !== undefined && (typeof cap !== 'number' || Number.isNaN(cap))) {
      throw new AnalysisError('INVALID_INPUT', `withinBudget: ${key} must be a number, got ${String(cap)}`);
    }
  }
  const { maxParams, maxFlops, maxWallSeconds } = budget;
  return runs.filter(
    (r) =>
      (maxParams === undefined || r.params <= maxParams) &&
      (maxFlops === undefined || r.flops <= maxFlops) &&
      (maxWallSeconds === undefined || (r.wallSeconds !== null && r.wallSeconds <= maxWallSeconds)),
  );
}

export interface RankOptions<T> {
  /** The quality to rank by; see RunMetric. */
  metric: RunMetric<T>;
  /** `max` when higher is better (scores, negative log-perplexity), `min` for losses. @defaultValue 'max' */
  direction?: 'max' | 'min';
}

/** A run with the metric value it was ranked by. */
export interface RankedRun<T> {
  run: T;
  value: number;
}

/**
 * The runs that have the metric, best first. Ties go to the cheaper run (fewer FLOPs, then fewer params), then to
 * the smaller id, so the order is total and stable across calls. Runs without the metric are left out. O(n log n).
 */
export function rankRuns<T extends Costed & Pick<RunRecord, 'id' | 'negLogPerplexity' | 'downstreamMean' | 'scores'>>(
  runs: readonly T[],
  options: RankOptions<T>,
): RankedRun<T>[] {
  const sign = (options.direction ?? 'max') === 'max' ? -1 : 1;
  const ranked: RankedRun<T>[] = [];
  for (const run of runs) {
    const value = readMetric(run, options.metric);
    if (value !== undefined) ranked.push({ run, value });
  }
  ranked.sort(
    (a, b) =>
      sign * (a.value - b.value) ||
      a.run.flops - b.run.flops ||
      a.run.params - b.run.params ||
      (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0),
  );
  return ranked;
}

/** The best run within the budget by the metric, or null when no run within it has the metric. */
export function bestUnderBudget<T extends Costed & Pick<RunRecord, 'id' | 'negLogPerplexity' | 'downstreamMean' | 'scores'>>(
  runs: readonly T[],
  budget: Budget,
  options: RankOptions<T>,
): RankedRun<T> | null {
  return rankRuns(withinBudget(runs, budget), options)[0] ?? null;
}
