// What a running cell reports to its caller (the worker, a CLI, a bench). Plain callbacks: this package knows no
// queue or database; the worker turns them into Redis progress, Postgres COPY batches and Checkpoint rows.
import type { Phase } from '../checkpoint/checkpoint.js';

/** One point of a training curve; (phase, name, step) is unique within a run, so re-delivery is idempotent. */
export interface MetricPoint {
  readonly phase: Phase;
  /** `train_loss`, `lr`, `grad_norm`, `tokens_per_s`, `eval_loss`, `neg_log_perplexity`, `accuracy`, `macro_f1`. */
  readonly name: string;
  /** Global step (pretraining 1..P, then finetuning P+1.. task after task). */
  readonly step: number;
  readonly value: number;
  readonly wallTime: Date;
}

export interface ProgressReport {
  readonly phase: Phase;
  readonly step: number;
  /** Steps of the whole cell (the contract's totalSteps(training)). */
  readonly totalSteps: number;
  readonly tokensSeen: number;
  /** Recent training throughput (exponential average over steps). */
  readonly tokensPerSecond: number;
  /** Remaining steps at the recent seconds per step; null before the first measured step. */
  readonly etaSeconds: number | null;
}

export interface CheckpointReport {
  readonly phase: Phase;
  readonly step: number;
  readonly uri: string;
  readonly bytes: number;
  /** Older checkpoints of the run the storage deleted with this save (retention); their records should go too. */
  readonly removed: readonly string[];
}

export interface CellHooks {
  /** Batches of metric points, in step order. Awaited: a slow sink slows training rather than losing points. */
  onMetrics(points: readonly MetricPoint[]): void | Promise<void>;
  /** After every step (and at phase changes). */
  onProgress(progress: ProgressReport): void | Promise<void>;
  /** After every checkpoint write; every metric point up to `step` has been delivered before it. */
  onCheckpoint(checkpoint: CheckpointReport): void | Promise<void>;
  /** Human-readable lines: backend choice, resume, evaluations. @defaultValue undefined (silent) */
  onLog?: ((message: string) => void) | undefined;
  /** Polled at every step boundary; true makes the cell checkpoint and return { status: 'stopped' }. */
  shouldStop(): boolean;
}
