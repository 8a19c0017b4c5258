// The plain run record the analysis functions read. The api builds it from the Run and DownstreamScore rows, the
// CLI from API responses; nothing here knows about either.

/** One run's cost and quality summary. Metrics are null while unknown (unfinished run, task not evaluated). */
export interface RunRecord {
  id: string;
  /** Shape name, e.g. `small-nl16`. Several runs share a name when a sweep has several seeds. */
  name: string;
  /** How the generator produced the cell: "reference", "deepnarrow", "oneknob", "grid" or "list". */
  family: string;
  /** Name of the reference shape a DeepNarrow / one-knob cell was derived from, if any. */
  referenceName: string | null;
  /** Trainable parameters (embeddings included). */
  params: number;
  /** Training FLOPs spent (or planned) by the run. */
  flops: number;
  /** Measured wall-clock seconds of training; null while unknown. */
  wallSeconds: number | null;
  /** Upstream quality: negative log-perplexity on held-out text (higher is better, ≤ 0). */
  negLogPerplexity: number | null;
  /** Mean of the downstream task scores (higher is better, in [0, 1]). */
  downstreamMean: number | null;
  /** Downstream score per task name (higher is better, in [0, 1]). */
  scores: Readonly<Record<string, number>>;
  /** Measured training throughput; optional. */
  tokensPerSecond?: number | null;
}

/**
 * Which quality number to read from a run: `upstream` (negative log-perplexity), `downstream` (mean task score), or
 * any other string as a task name in `scores`. A task literally named "upstream" or "downstream" is not reachable
 * by name; pass a function instead.
 */
export type RunMetric<T> = 'upstream' | 'downstream' | (string & {}) | ((run: T) => number | null | undefined);

/** Reads `metric` from a run; undefined when the run has no finite value for it. */
export function readMetric<T extends Pick<RunRecord, 'negLogPerplexity' | 'downstreamMean' | 'scores'>>(
  run: T,
  metric: RunMetric<T>,
): number | undefined {
  let value: number | null | undefined;
  if (typeof metric === 'function') value = metric(run);
  else if (metric === 'upstream') value = run.negLogPerplexity;
  else if (metric === 'downstream') value = run.downstreamMean;
  else value = run.scores[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
