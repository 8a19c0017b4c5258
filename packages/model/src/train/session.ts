// The bookkeeping every phase shares: global step numbering, running totals, metric batching, progress reports,
// checkpoint writes and the stop hook. The phase loops (pretrain.ts, finetune.ts) call it; they hold no counters.
import { performance } from 'node:perf_hooks';
import type { DownstreamScoreResult, JobShape, TrainingConfig, TrainingCurveMetric } from '@shapesweep/contract';
import type { Checkpoint, MonitorState, Phase, PretrainEval, Progress } from '../checkpoint/checkpoint.js';
import type { CheckpointStorage } from '../checkpoint/storage.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { T5Model } from '../t5/model.js';
import type { CellHooks } from './hooks.js';
import { MetricBuffer } from './metric-buffer.js';
import type { StepResult } from './step.js';

/** Weight of the newest step in the throughput and seconds-per-step averages. */
const RATE_SMOOTHING = 0.1;

export interface SessionOptions {
  readonly runId: string;
  readonly shape: JobShape;
  readonly seed: number;
  readonly training: TrainingConfig;
  readonly storage: CheckpointStorage;
  readonly hooks: CellHooks;
  readonly model: T5Model;
  /** Tokenizer JSON saved into every checkpoint. */
  readonly tokenizer: unknown;
  /** Last step of the cell (pretraining plus every task's finetuning). */
  readonly totalSteps: number;
  /** Restored from a checkpoint, or zeros. */
  readonly progress: Progress;
  readonly scores: readonly DownstreamScoreResult[];
  readonly pretrainEval: PretrainEval | null;
  /** The no-pretraining baseline (recorded in checkpoints so a resume cannot mix the two). */
  readonly skipPretraining: boolean;
  /** Step of the checkpoint this attempt resumed from (-1 for a fresh run). */
  readonly lastCheckpointStep: number;
}

/** What a phase passes to write a checkpoint of its current state. */
export interface PhaseSnapshot {
  readonly phase: Phase;
  readonly step: number;
  readonly optimizer: Optimizer;
  readonly dataState: unknown;
  readonly monitor: MonitorState;
  readonly baseWeights: ReadonlyMap<string, Float32Array> | null;
}

export class TrainingSession {
  readonly options: SessionOptions;
  readonly metrics: MetricBuffer;
  readonly scores: DownstreamScoreResult[];
  pretrainEval: PretrainEval | null;
  #progress: Progress;
  #lastCheckpointStep: number;
  #lastCheckpointUri: string | null = null;
  readonly #attemptStartMs = performance.now();
  readonly #wallSecondsBefore: number;
  #tokensPerSecond = 0;
  #secondsPerStep: number | null = null;

  constructor(options: SessionOptions) {
    this.options = options;
    this.metrics = new MetricBuffer((points) => options.hooks.onMetrics(points));
    this.scores = [...options.scores];
    this.pretrainEval = options.pretrainEval;
    this.#progress = { ...options.progress };
    this.#wallSecondsBefore = options.progress.wallSeconds;
    this.#lastCheckpointStep = options.lastCheckpointStep;
  }

  get training(): TrainingConfig {
    return this.options.training;
  }

  get lastCheckpointStep(): number {
    return this.#lastCheckpointStep;
  }

  /** Totals so far, with wall time up to now. */
  progress(): Progress {
    return { ...this.#progress, wallSeconds: this.#wallSecondsBefore + (performance.now() - this.#attemptStartMs) / 1000 };
  }

  log(message: string): void {
    this.options.hooks.onLog?.(message);
  }

  shouldStop(): boolean {
    return this.options.hooks.shouldStop();
  }

  /** Counts one optimizer step, queues its metrics and reports progress. */
  async recordStep(
    phase: Phase,
    step: number,
    result: StepResult,
    learningRate: number,
    work: { tokens: number; examples: number; flops: number; seconds: number },
  ): Promise<void> {
    const p = this.#progress;
    this.#progress = {
      ...p,
      tokensSeen: p.tokensSeen + work.tokens,
      examplesSeen: p.examplesSeen + work.examples,
      trainFlopsSpent: p.trainFlopsSpent + work.flops,
      trainSeconds: p.trainSeconds + work.seconds,
    };
    const tokensPerSecond = work.seconds > 0 ? work.tokens / work.seconds : 0;
    this.#tokensPerSecond = this.#tokensPerSecond === 0 ? tokensPerSecond : (1 - RATE_SMOOTHING) * this.#tokensPerSecond + RATE_SMOOTHING * tokensPerSecond;
    this.#secondsPerStep = this.#secondsPerStep === null ? work.seconds : (1 - RATE_SMOOTHING) * this.#secondsPerStep + RATE_SMOOTHING * work.seconds;
    const curves: Record<TrainingCurveMetric, number> = { train_loss: result.loss, lr: learningRate, grad_norm: result.gradNorm, tokens_per_s: tokensPerSecond };
    this.metrics.add(phase, step, curves);
    await this.metrics.maybeFlush();
    await this.reportProgress(phase, step);
  }

  async reportProgress(phase: Phase, step: number): Promise<void> {
    const remaining = Math.max(0, this.options.totalSteps - step);
    await this.options.hooks.onProgress({
      phase,
      step,
      totalSteps: this.options.totalSteps,
      tokensSeen: this.#progress.tokensSeen,
      tokensPerSecond: this.#tokensPerSecond,
      etaSeconds: this.#secondsPerStep === null ? null : remaining * this.#secondsPerStep,
    });
  }

  /**
   * Writes a checkpoint of the phase's state (skipped when one was already written at this step), after flushing
   * the metrics so that every point up to `step` has been delivered before onCheckpoint.
   */
  async checkpoint(snapshot: PhaseSnapshot): Promise<void> {
    await this.metrics.flush();
    if (snapshot.step === this.#lastCheckpointStep) return;
    const { runId, shape, seed, training, tokenizer, model, storage, hooks } = this.options;
    const checkpoint: Checkpoint = {
      runId,
      step: snapshot.step,
      phase: snapshot.phase,
      createdAt: new Date().toISOString(),
      shape,
      seed,
      training,
      tokenizer,
      dataState: snapshot.dataState,
      trainer: { progress: this.progress(), pretrainEval: this.pretrainEval, scores: this.scores, monitor: snapshot.monitor, skipPretraining: this.options.skipPretraining },
      weights: model.getWeights(),
      optimizer: snapshot.optimizer.exportState(),
      baseWeights: snapshot.baseWeights,
    };
    const { uri, bytes, removed } = await storage.save(runId, checkpoint);
    this.#lastCheckpointStep = snapshot.step;
    this.#lastCheckpointUri = uri;
    await hooks.onCheckpoint({ phase: snapshot.phase, step: snapshot.step, uri, bytes, removed });
  }

  get lastCheckpointUri(): string | null {
    return this.#lastCheckpointUri;
  }
}
